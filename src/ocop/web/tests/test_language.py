import pytest

MIDDLEWARE_SWAP = (
    "django.middleware.locale.LocaleMiddleware",
    "ocop.web.middleware.LanguageMiddleware",
)


@pytest.fixture
def language_middleware(settings):
    settings.MIDDLEWARE = [
        MIDDLEWARE_SWAP[1] if m == MIDDLEWARE_SWAP[0] else m for m in settings.MIDDLEWARE
    ]


def _lang(response) -> str:
    html = response.content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_an_english_browser_still_gets_vietnamese_by_default(client, db, language_middleware):
    assert _lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")) == "vi"


def test_the_language_switch_is_followed(client, db, language_middleware):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert _lang(client.get("/", HTTP_ACCEPT_LANGUAGE="vi")) == "en"


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client, db, language_middleware):
    client.cookies["django_language"] = "fr"
    assert _lang(client.get("/")) == "vi"
