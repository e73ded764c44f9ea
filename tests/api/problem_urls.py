"""A test-only API under /api/v1 with the real problem handlers, to provoke each error kind."""

from django.db import OperationalError
from django.http import Http404
from django.urls import include, path
from ninja import NinjaAPI, Schema

from ocop.api.api import install_problem_handlers
from ocop.api.auth import default_auth
from ocop.core.access import access
from ocop.core.errors import NotFound

SECRET = "secret-internal-detail-7f3a"

api = NinjaAPI(auth=default_auth, urls_namespace="test_problem_api", docs_url=None)
install_problem_handlers(api)


class EchoIn(Schema):
    name: str
    count: int


@api.get("/ping", operation_id="test_ping")
def ping(request):
    return {"ok": True}


@api.post("/echo", operation_id="test_echo")
def echo(request, payload: EchoIn):
    return payload.dict()


@api.get("/boom", auth=None, operation_id="test_boom")
def boom(request):
    raise RuntimeError(SECRET)


@api.get("/database-down", auth=None, operation_id="test_database_down")
def database_down(request):
    raise OperationalError(f"could not connect to server: {SECRET}")


@api.get("/domain-missing", auth=None, operation_id="test_domain_missing")
def domain_missing(request):
    raise NotFound()


@api.get("/django-missing", auth=None, operation_id="test_django_missing")
def django_missing(request):
    raise Http404(SECRET)


def plain_boom(request):
    """A non-ninja view under /api/v1: Django's own 500 page is rewritten."""
    raise RuntimeError(SECRET)


def plain_database_down(request):
    raise OperationalError(SECRET)


urlpatterns = [
    path("api/v1/plain-database-down", plain_database_down),
    path("api/v1/plain-boom", plain_boom),
    path("api/v1/", api.urls),
    path("elsewhere/boom", access.public(plain_boom)),
    path("i18n/", include("django.conf.urls.i18n")),
]
