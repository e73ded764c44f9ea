"""Load the project's rule set files (src/ocop/criteria/rulesets/*.yaml) idempotently.

Same code and same content: nothing changes. A changed file under an existing code is refused (a
correction needs a new code) and nothing of the run is saved.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ocop.core.errors import DomainError
from ocop.criteria import services


class Command(BaseCommand):
    help = (
        "Nạp các bộ tiêu chí đi kèm dự án (criteria/rulesets/*.yaml); chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Tệp YAML cụ thể (mặc định: mọi tệp đi kèm).")

    def handle(self, *args, **options):
        self._ensure_product_sets()
        paths = [Path(p) for p in options["paths"]] or None
        try:
            lines = services.rulesets_load(paths=paths)
        except DomainError as exc:
            details = "; ".join(
                f"{'.'.join(map(str, e.get('loc', [])))}: {e.get('message')}" for e in exc.errors
            )
            raise CommandError(f"{exc.code}: {exc.detail} {details}".strip()) from exc
        for line in lines:
            state = "loaded" if line.created else "unchanged"
            self.stdout.write(f"{state:9} {line.code} ({line.path.name})")
            for note in line.notes:
                self.stdout.write(f"          note: {note}")

    def _ensure_product_sets(self) -> None:
        """Rule sets link to product sets: load the classification first when it is missing."""
        from ocop.products.models import ProductSet

        if ProductSet.objects.exists():
            return
        try:
            call_command("taxonomy_load", stdout=self.stdout)
        except CommandError as exc:
            raise CommandError(
                "Product sets are not loaded; load the classification first."
            ) from exc
