"""Mount each app's router. Add a line here when an app gains an api.py."""

from django.utils.module_loading import import_string

ROUTERS = [
    # (prefix, dotted path to a ninja Router). The public verification router comes first: its
    # hot path should not try every other API route before matching.
    ("/public", "ocop.stamps.api_public.router"),
    ("/geo", "ocop.geo.api.router"),
    ("/accounts", "ocop.accounts.api.router"),
    ("/producers", "ocop.producers.api.router"),
    ("/products", "ocop.products.api.router"),
    ("/criteria", "ocop.criteria.api.router"),
    ("/evaluation", "ocop.evaluation.api.router"),
    ("/certificates", "ocop.certificates.api.router"),
    ("/stamps/alerts", "ocop.stamps.api_alerts.router"),
    ("/stamps", "ocop.stamps.api.router"),
]


def mount(api) -> None:
    for prefix, dotted in ROUTERS:
        api.add_router(prefix, import_string(dotted))
