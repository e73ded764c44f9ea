"""The site's URLconf plus the bench's baseline: a bare view (small JSON, no database) served by the
same server, workers, threads and middleware as the verification endpoint."""

from django.http import JsonResponse
from django.urls import path

from ocop.config.urls import urlpatterns as site_urlpatterns
from ocop.core.access import access


@access.public
def hello(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/hello", hello, name="bench_hello"), *site_urlpatterns]
