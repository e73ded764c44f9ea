"""Run or schedule the daily certificate expiry watch.

manage.py expiry_watch            enqueue one run now (the worker sends the notices)
manage.py expiry_watch --now      run it here, synchronously (cron: `0 6 * * * … --now`)
manage.py expiry_watch --schedule enqueue a run now that re-enqueues itself every morning,
                                  unless such a chain is already waiting (used by make demo)
"""

from django.core.management.base import BaseCommand

from ocop.certificates import tasks


class Command(BaseCommand):
    help = "Gửi thông báo giấy chứng nhận OCOP sắp hết hạn / hết hạn (chạy hằng ngày)."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run synchronously")
        parser.add_argument(
            "--schedule", action="store_true", help="start the self-rescheduling daily chain"
        )

    def handle(self, *args, **options):
        if options["now"]:
            sent = tasks.run_expiry_watch()
            self.stdout.write(f"expiry watch: {sent}")
            return
        if options["schedule"] and tasks.pending_watch_exists():
            self.stdout.write("expiry watch: a scheduled run is already waiting")
            return
        result = tasks.expiry_watch.enqueue(reschedule=bool(options["schedule"]))
        self.stdout.write(f"expiry watch enqueued: {result.id}")
