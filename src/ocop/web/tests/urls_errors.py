"""Views that fail on purpose, to test the error pages."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.urls import include, path

from ocop.core.access import access
from ocop.core.errors import Conflict


@access.public
def django_denied(request):
    raise DjangoPermissionDenied


@access.public
def domain_conflict(request):
    raise Conflict("Hồ sơ đã được cập nhật bởi người khác.")


urlpatterns = [
    path("denied/", django_denied),
    path("conflict/", domain_conflict),
    path("", include("ocop.config.urls")),
]
