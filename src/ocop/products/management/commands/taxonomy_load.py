"""manage.py taxonomy_load: load the product classifications (QĐ 1048, QĐ 148) from data."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.core.errors import DomainError
from ocop.products.taxonomy import DATA_FILE, load_taxonomy


class Command(BaseCommand):
    help = "Nạp hệ thống phân loại sản phẩm OCOP (ngành → nhóm → bộ sản phẩm) từ tệp dữ liệu."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DATA_FILE, help="Tệp YAML phân loại.")

    def handle(self, *args, **options):
        try:
            result = load_taxonomy(path=options["file"])
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        if not result.changed:
            self.stdout.write("Phân loại sản phẩm đã cập nhật, không có thay đổi.")
            return
        for label, counts in (("tạo mới", result.created), ("cập nhật", result.updated)):
            if counts:
                parts = ", ".join(f"{name}: {n}" for name, n in sorted(counts.items()))
                self.stdout.write(f"Đã {label}: {parts}")
