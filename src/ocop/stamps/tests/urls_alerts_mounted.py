"""The site's URLconf with the alert pages mounted in the `stamps` namespace, as stamps/urls.py
will include them (used by the alert tests until then; harmless afterwards)."""

from importlib import import_module

from django.urls import include, path

from ocop.stamps import urls as stamps_urls

SITE_URLCONF = "ocop.config.urls"  # the site's root (pytest.mark.urls overrides the setting)
root = import_module(SITE_URLCONF)
_stamps = [*stamps_urls.urlpatterns, path("canh-bao/", include("ocop.stamps.urls_alerts"))]

urlpatterns = [
    path("stamps/", include((_stamps, "stamps"))),
    *[p for p in root.urlpatterns if getattr(p, "namespace", None) != "stamps"],
]
