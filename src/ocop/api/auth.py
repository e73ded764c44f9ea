"""API authentication: a bearer token (integrations) or the web session (with CSRF)."""

from ninja.security import APIKeyCookie, HttpBearer

from ocop.core.actors import actor_for_user


def _attach(request, user):
    request.user = user
    request._ocop_actor = actor_for_user(user)
    request.actor = request._ocop_actor
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from ocop.accounts.tokens import user_for_token

        user = user_for_token(token)
        return _attach(request, user) if user else None


class SessionAuth(APIKeyCookie):
    """Django session cookie; ninja enforces CSRF for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return _attach(request, user)
        return None


default_auth = [TokenAuth(), SessionAuth()]
