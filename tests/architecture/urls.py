"""Walk the URLconf: every HTML route with its full pattern, name and view."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Guarded elsewhere: the API (router auth + explicit public operations), the Django admin,
# static files and the language switch.
EXEMPT_PREFIXES = ("/admin/", "/api/", "/static/", "/i18n/")


@dataclass(frozen=True)
class Route:
    pattern: str  # e.g. /producers/<uuid:public_id>/
    name: str | None  # namespaced, e.g. producers:detail
    callback: object

    @property
    def label(self) -> str:
        return self.name or self.pattern


def _walk(patterns, prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Route(
                pattern="/" + prefix + str(entry.pattern), name=name, callback=entry.callback
            )


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", ""))


def html_routes() -> list[Route]:
    return [r for r in all_routes() if not r.pattern.startswith(EXEMPT_PREFIXES)]
