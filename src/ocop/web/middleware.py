"""Vietnamese unless the user picked another language with the switch.

Django's LocaleMiddleware also follows the browser's Accept-Language, so an official whose browser
is set to English would get the English interface without asking. This one reads only the
language cookie that the switch (/i18n/setlang/) sets, and falls back to settings.LANGUAGE_CODE.
Use it in place of django.middleware.locale.LocaleMiddleware.

API clients have no switch: under /api/ an explicit Accept-Language (e.g. "en") is honoured.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class LanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        if request.path.startswith("/api/") and request.headers.get("Accept-Language"):
            asked = translation.get_language_from_request(request, check_path=False)
            language = asked if asked in supported else language
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
