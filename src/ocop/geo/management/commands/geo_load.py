"""`manage.py geo_load`: load or refresh the current and legacy administrative units."""

import time

from django.core.management.base import BaseCommand

from ocop.geo.loader import load_all


class Command(BaseCommand):
    help = "Nạp 34 tỉnh, 3.321 xã/phường/đặc khu hiện hành và đơn vị hành chính trước 01/07/2025."

    def handle(self, *args, **options):
        started = time.monotonic()
        report = load_all()
        elapsed = time.monotonic() - started
        for label in report.created:
            self.stdout.write(
                f"{label}: +{report.created[label]} mới, {report.updated[label]} cập nhật"
            )
        self.stdout.write(f"liên kết kế thừa: +{report.links_added}, -{report.links_removed}")
        self.stdout.write(self.style.SUCCESS(f"Xong trong {elapsed:.1f} giây."))
