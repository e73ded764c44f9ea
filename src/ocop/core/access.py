"""One permission path for views, API endpoints and services: deny by default.

- HTML views declare `@access(policy)`, `@access.authenticated` or `@access.public`;
  AccessMiddleware refuses any view that declared nothing (tests walk the URLconf for them).
- Services call `require(actor, policy, obj)`; a policy is `can_<verb>_<entity>(actor, obj) -> bool`.
- Out of scope looks like missing (404); visible but not permitted is 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseForbidden

from ocop.core.actor import Actor
from ocop.core.errors import NotAuthenticated, PermissionDenied

ACCESS_ATTR = "_ocop_access"
Policy = Callable[..., bool]

# URL prefixes handled by their own guard: the API (router auth + explicit public list),
# the Django admin (staff only), static files and the language switch.
EXEMPT_PREFIXES = ("/api/", "/admin/", "/static/", "/i18n/")


def require(actor: Actor, policy: Policy, obj: Any = None) -> None:
    """Raise NotAuthenticated / PermissionDenied unless `policy(actor, obj)` allows."""
    if actor.is_system:
        return
    allowed = policy(actor) if obj is None else policy(actor, obj)
    if allowed:
        return
    if actor.is_anonymous:
        raise NotAuthenticated()
    raise PermissionDenied()


class _Access:
    """Decorator factory: `@access(policy)`, `@access.public`, `@access.authenticated`."""

    def __call__(self, policy: Policy) -> Callable:
        def decorator(view: Callable) -> Callable:
            @wraps(view)
            def wrapped(request: HttpRequest, *args: Any, **kwargs: Any):
                actor = request.actor
                if actor.is_anonymous:
                    return redirect_to_login(request.get_full_path())
                if not policy(actor):
                    raise PermissionDenied()
                return view(request, *args, **kwargs)

            setattr(wrapped, ACCESS_ATTR, getattr(policy, "__name__", "policy"))
            return wrapped

        return decorator

    def public(self, view: Callable) -> Callable:
        setattr(view, ACCESS_ATTR, "public")
        return view

    def authenticated(self, view: Callable) -> Callable:
        return self(lambda actor: actor.is_authenticated)(view)


access = _Access()


def declared_access(view: Callable) -> str | None:
    """The access declaration of a resolved view function (class views: of `view_class`)."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "__wrapped__", None)):
        if candidate is not None and getattr(candidate, ACCESS_ATTR, None):
            return getattr(candidate, ACCESS_ATTR)
    return None


class AccessMiddleware:
    """Refuse any HTML view that does not declare its access rule."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(EXEMPT_PREFIXES):
            return None
        if declared_access(view_func) is None:
            if settings.DEBUG:
                return HttpResponseForbidden(f"View {view_func!r} declares no access rule.")
            return HttpResponseForbidden()
        return None
