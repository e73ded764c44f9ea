"""Factories for the cross-cutting API tests."""

import factory

from ocop.accounts import tokens
from ocop.accounts.models import ApiToken
from ocop.accounts.tests.factories import UserFactory
from ocop.core import clock
from ocop.core.models import IdempotencyRecord


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """Pass `key=` to know the bearer key; only its hash is stored."""

    class Meta:
        model = ApiToken

    class Params:
        key = factory.LazyFunction(tokens.new_key)

    user = factory.SubFactory(UserFactory)
    name = "Tích hợp thử nghiệm"
    prefix = factory.LazyAttribute(lambda o: o.key[: tokens.PREFIX_LEN])
    key_hash = factory.LazyAttribute(lambda o: tokens.hash_key(o.key))
    created_at = factory.LazyFunction(clock.now)


def bearer_for(user) -> dict[str, str]:
    """Client kwargs authenticating as `user` with a fresh API token."""
    key = tokens.new_key()
    ApiTokenFactory(user=user, key=key)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


class IdempotencyRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdempotencyRecord

    key = factory.Sequence(lambda n: f"key-{n}")
    actor_key = "user:0"
    method = "POST"
    path = "/api/v1/widgets"
    fingerprint = "0" * 64
    status_code = None
    response_body = None
    content_type = ""
    created_at = factory.LazyFunction(clock.now)
