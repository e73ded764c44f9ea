"""Users and memberships per role; `actor_for(user)` gives the Actor services expect."""

import factory

from ocop.accounts.constants import Role
from ocop.accounts.models import Membership, User
from ocop.core.actors import actor_for_user
from ocop.core.text import fold

TEST_PASSWORD = "Mat-khau-thu-nghiem-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    name_search = factory.LazyAttribute(lambda o: fold(f"{o.full_name} {o.username} {o.email}"))
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

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
