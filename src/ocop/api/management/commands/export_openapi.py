from pathlib import Path

from django.core.management.base import BaseCommand

from ocop.api.openapi import render_openapi


class Command(BaseCommand):
    help = "Write the API's OpenAPI document as JSON (sorted keys) to PATH (`make openapi`)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="output file, e.g. docs/openapi.json; '-' for stdout")

    def handle(self, *args, path: str, **options):
        text = render_openapi()
        if path == "-":
            self.stdout.write(text, ending="")
            return
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.stdout.write(f"OpenAPI written to {target}")
