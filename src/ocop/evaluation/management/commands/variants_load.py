"""Load the evaluation process variants (evaluation/data/process-variants.yaml) idempotently."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.core.errors import DomainError
from ocop.evaluation import variants


class Command(BaseCommand):
    help = "Nạp các quy trình đánh giá (evaluation/data/process-variants.yaml); chạy lại an toàn."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=None, help="Tệp YAML khác (mặc định: tệp đi kèm).")

    def handle(self, *args, **options):
        path = Path(options["file"]) if options["file"] else variants.VARIANTS_FILE
        try:
            lines = variants.load_variants(path)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.detail}") from exc
        for line in lines:
            self.stdout.write(f"{line.state:9} {line.code}")
