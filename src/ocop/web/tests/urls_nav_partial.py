"""A URLconf where only the home page exists: the menu must not link to missing pages."""

from django.urls import include, path

urlpatterns = [path("", include("ocop.web.urls"))]
