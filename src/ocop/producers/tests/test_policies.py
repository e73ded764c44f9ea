"""Policy matrix: role × relation to the producer × action."""

import datetime as dt

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import (
    MembershipFactory,
    UserFactory,
    actor_for,
    user_with_role,
)
from ocop.core.actor import Actor
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers import policies
from ocop.producers.models import Producer
from ocop.producers.tests.factories import ProducerFactory, ProducerRepresentativeFactory

ACTIONS = {
    "view": policies.can_view_producer,
    "create": policies.can_create_producer,
    "edit": policies.can_edit_producer,
    "manage": policies.can_manage_producer,
}


@pytest.fixture
def world(province, commune, other_province):
    """Producers in: the commune, another commune of the province, another province."""
    return {
        "same_commune": ProducerFactory(commune=commune),
        "same_province": ProducerFactory(commune=CommuneFactory(province=province)),
        "other_province": ProducerFactory(commune=CommuneFactory(province=other_province)),
    }


def _actor(role, province, commune, world):
    if role == "anonymous":
        return Actor.anonymous()
    if role == "producer_linked":
        user = user_with_role(Role.PRODUCER)
        ProducerRepresentativeFactory(producer=world["same_commune"], user=user)
        return actor_for(user)
    if role == Role.COMMUNE_OFFICER:
        return actor_for(user_with_role(role, commune=commune))
    if role in (Role.PROVINCE_OFFICER, Role.INSPECTOR, Role.COUNCIL_MEMBER):
        return actor_for(user_with_role(role, province=province))
    return actor_for(user_with_role(role))


# expected[role][action] = set of relations allowed
ALL = {"same_commune", "same_province", "other_province"}
OWN_PROVINCE = {"same_commune", "same_province"}
OWN_COMMUNE = {"same_commune"}
NONE: set[str] = set()
EXPECTED = {
    Role.ADMIN: {"view": ALL, "create": ALL, "edit": ALL, "manage": ALL},
    Role.PROVINCE_OFFICER: {
        "view": OWN_PROVINCE,
        "create": OWN_PROVINCE,
        "edit": OWN_PROVINCE,
        "manage": OWN_PROVINCE,
    },
    Role.COMMUNE_OFFICER: {
        "view": OWN_COMMUNE,
        "create": OWN_COMMUNE,
        "edit": OWN_COMMUNE,
        "manage": OWN_COMMUNE,
    },
    Role.INSPECTOR: {"view": OWN_PROVINCE, "create": NONE, "edit": NONE, "manage": NONE},
    Role.COUNCIL_MEMBER: {"view": NONE, "create": NONE, "edit": NONE, "manage": NONE},
    Role.PRODUCER: {"view": NONE, "create": NONE, "edit": NONE, "manage": NONE},
    "producer_linked": {"view": OWN_COMMUNE, "create": NONE, "edit": OWN_COMMUNE, "manage": NONE},
    "anonymous": {"view": NONE, "create": NONE, "edit": NONE, "manage": NONE},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_policy_matrix(role, province, commune, world):
    actor = _actor(role, province, commune, world)
    for action, policy in ACTIONS.items():
        for relation, producer in world.items():
            target = (
                producer
                if action != "create"
                else Producer(province_id=producer.province_id, commune_id=producer.commune_id)
            )
            allowed = policy(actor, target)
            expected = relation in EXPECTED[role][action]
            assert allowed == expected, (role, action, relation)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_scope_lists_exactly_the_visible_producers(role, province, commune, world):
    actor = _actor(role, province, commune, world)
    visible = set(policies.scope_producers(actor, Producer.objects.all()))
    assert visible == {world[r] for r in EXPECTED[role]["view"]}


def test_create_policy_accepts_a_commune_as_location(province, commune):
    officer = actor_for(user_with_role(Role.COMMUNE_OFFICER, commune=commune))
    assert policies.can_create_producer(officer, commune)
    assert not policies.can_create_producer(officer, CommuneFactory(province=province))


@pytest.mark.parametrize(
    ("role", "view", "create", "edit"),
    [
        (Role.ADMIN, True, True, True),
        (Role.PROVINCE_OFFICER, True, True, True),
        (Role.COMMUNE_OFFICER, True, True, True),
        (Role.INSPECTOR, True, False, False),
        (Role.PRODUCER, True, False, True),
        (Role.COUNCIL_MEMBER, False, False, False),
    ],
)
def test_without_an_object_policies_answer_for_anywhere(role, view, create, edit, commune):
    actor = actor_for(user_with_role(role, commune=commune if role != Role.ADMIN else None))
    assert policies.can_view_producer(actor) is view
    assert policies.can_create_producer(actor) is create
    assert policies.can_edit_producer(actor) is edit


def test_the_system_actor_may_do_everything(commune):
    producer = ProducerFactory(commune=commune)
    system = Actor.system("test")
    assert all(policy(system, producer) for policy in ACTIONS.values())
    assert list(policies.scope_producers(system, Producer.objects.all())) == [producer]


def test_an_expired_membership_grants_nothing(commune):
    user = UserFactory()
    MembershipFactory(
        user=user,
        role=Role.PROVINCE_OFFICER,
        province=commune.province,
        valid_to=dt.date(2000, 1, 1),
    )
    producer = ProducerFactory(commune=commune)
    assert not policies.can_view_producer(actor_for(user), producer)
