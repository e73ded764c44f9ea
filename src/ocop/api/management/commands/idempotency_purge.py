from django.core.management.base import BaseCommand

from ocop.api.idempotency import purge_expired


class Command(BaseCommand):
    help = (
        "Delete Idempotency-Key records older than OCOP_IDEMPOTENCY_TTL_HOURS (run from a timer)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_expired()} expired idempotency records deleted")
