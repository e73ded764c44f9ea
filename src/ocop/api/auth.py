"""API authentication: a bearer token (integrations) or the web session (with CSRF)."""

from django.conf import settings
from django.http import HttpResponseForbidden
from django.middleware.csrf import CsrfViewMiddleware
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from ocop.core.actors import actor_for_user

# Set by the idempotency middleware when it already resolved the bearer token of a request.
TOKEN_CACHE_ATTR = "_ocop_bearer"


class CsrfFailed(HttpError):
    """A cookie-authenticated unsafe request without a valid CSRF token."""

    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


class _CsrfCheck(CsrfViewMiddleware):
    """Django's CSRF check without rendering the HTML failure page (the API answers problem+json)."""

    def _reject(self, request, reason):
        return HttpResponseForbidden(reason)


def csrf_failed(request) -> bool:
    check = _CsrfCheck(lambda r: None)
    request.csrf_processing_done = False
    check.process_request(request)
    return check.process_view(request, None, (), {}) is not None


def bearer_token(request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def user_for_bearer(request, token: str):
    """The active user owning `token`, resolved once per request."""
    cached = getattr(request, TOKEN_CACHE_ATTR, None)
    if cached is not None and cached[0] == token:
        return cached[1]
    from ocop.accounts.tokens import user_for_token

    user = user_for_token(token)
    setattr(request, TOKEN_CACHE_ATTR, (token, user))
    return user


def _attach(request, user):
    request.user = user
    request._ocop_actor = actor_for_user(user)
    request.actor = request._ocop_actor
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_bearer(request, token)
        return _attach(request, user) if user else None


class SessionAuth(APIKeyCookie):
    """Django session cookie; CSRF is enforced for unsafe methods when a session is presented.

    A request without a session cookie is simply not authenticated (401), rather than failing
    the CSRF check first (403).
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        key = request.COOKIES.get(self.param_name)
        if not key:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False):  # noqa: SIM102
            if csrf_failed(request):
                raise CsrfFailed()
        return key

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return _attach(request, user)
        return None


default_auth = [TokenAuth(), SessionAuth()]
