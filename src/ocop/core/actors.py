"""Resolve the Actor of a request through the builder configured in settings (accounts)."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from ocop.core.actor import Actor


@cache
def _builder():
    return import_string(
        getattr(settings, "OCOP_ACTOR_BUILDER", "ocop.accounts.actors.actor_for_user")
    )


def actor_for_user(user) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor.anonymous()
    return _builder()(user)


def actor_for_request(request) -> Actor:
    cached = getattr(request, "_ocop_actor", None)
    if cached is not None:
        return cached
    actor = actor_for_user(getattr(request, "user", None))
    request._ocop_actor = actor
    return actor
