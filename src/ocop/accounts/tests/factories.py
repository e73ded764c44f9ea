"""Users and memberships per role; `actor_for(user)` gives the Actor services expect.

`api_token_for(user)` gives (token, key) for bearer-token API tests.
"""

import functools

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password

from ocop.accounts import tokens
from ocop.accounts.constants import Role
from ocop.accounts.models import ApiToken, Membership, User
from ocop.core import clock
from ocop.core.actors import actor_for_user
from ocop.core.text import fold

TEST_PASSWORD = "Mat-khau-thu-nghiem-2026"


def _hashed(raw: str) -> str:
    return _hashed_with(raw, settings.PASSWORD_HASHERS[0])


@functools.cache
def _hashed_with(raw: str, hasher: str) -> str:
    return make_password(raw)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    name_search = factory.LazyAttribute(lambda o: fold(f"{o.full_name} {o.username} {o.email}"))

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):  # noqa: N805
        """`UserFactory(password="...")` sets that password; hashes are reused (Argon2 is slow)."""
        obj.password = _hashed(extracted or TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.PROVINCE_OFFICER
    province = None
    commune = None


def user_with_role(role: str, province=None, commune=None, **user_kwargs) -> User:
    """A user holding `role` over the unit (commune implies its province)."""
    user = UserFactory(**user_kwargs)
    if commune is not None and province is None:
        province = commune.province
    if role == Role.ADMIN:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    MembershipFactory(user=user, role=role, province=province, commune=commune)
    return User.objects.prefetch_related("memberships").get(pk=user.pk)


def actor_for(user):
    return actor_for_user(User.objects.prefetch_related("memberships").get(pk=user.pk))


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """Pass `key=` to know the key; by default a fresh one is made (and lost)."""

    class Meta:
        model = ApiToken

    class Params:
        key = factory.LazyFunction(tokens.new_key)

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Kết nối {n}")
    prefix = factory.LazyAttribute(lambda o: o.key[: tokens.PREFIX_LEN])
    key_hash = factory.LazyAttribute(lambda o: tokens.hash_key(o.key))
    created_at = factory.LazyFunction(clock.now)


def api_token_for(user, **kwargs) -> tuple[ApiToken, str]:
    """A live API token of `user` and its key (kwargs: expires_at, revoked_at, name...)."""
    key = tokens.new_key()
    return ApiTokenFactory(user=user, key=key, **kwargs), key
