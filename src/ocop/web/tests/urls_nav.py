"""A URLconf where every page the menu knows about exists, to test the menu per role."""

from django.http import HttpResponse
from django.urls import include, path

from ocop.core.access import access


@access.public
def stub(request):
    return HttpResponse("ok")


def _app(name: str, routes: list[tuple[str, str]]):
    return (
        [path(route, stub, name=url_name) for route, url_name in routes],
        name,
    )


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/",
        include(
            _app(
                "accounts",
                [
                    ("login/", "login"),
                    ("logout/", "logout"),
                    ("users/", "user_list"),
                    ("me/", "account"),
                ],
            )
        ),
    ),
    path("producers/", include(_app("producers", [("", "list")]))),
    path("products/", include(_app("products", [("", "list")]))),
    path("criteria/", include(_app("criteria", [("", "list")]))),
    path("", include("ocop.web.urls")),
]
