from django.core.management.base import BaseCommand

from ocop.web.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demonstration data set (idempotent; every record is flagged as demo data)."

    def handle(self, *args, **options):
        report = load_demo()
        if report.created:
            summary = ", ".join(f"{k}: {v}" for k, v in sorted(report.created.items()))
            self.stdout.write(f"Demo data loaded ({summary}).")
        else:
            self.stdout.write("Demo data already present: nothing changed.")
