"""Policy matrix: role × relation to the product × action, and the list scope per role."""

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.core.actor import Actor
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers.tests.factories import ProducerFactory, ProducerRepresentativeFactory
from ocop.products import policies
from ocop.products.models import Product
from ocop.products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

ACTIONS = {
    "view": policies.can_view_product,
    "edit": policies.can_edit_product,
    "cycle": policies.can_set_cycle_step_product,
    "retire": policies.can_retire_product,
}
RELATIONS = ("same_commune", "same_province", "other_province")
ALL = {a: dict.fromkeys(RELATIONS, True) for a in ACTIONS}
NONE = {a: dict.fromkeys(RELATIONS, False) for a in ACTIONS}
PROVINCE_WIDE = {"same_commune": True, "same_province": True, "other_province": False}
COMMUNE_ONLY = {"same_commune": True, "same_province": False, "other_province": False}

EXPECTED = {
    "admin": ALL,
    "province_officer": dict.fromkeys(ACTIONS, PROVINCE_WIDE),
    "commune_officer": dict.fromkeys(ACTIONS, COMMUNE_ONLY),
    "inspector": {**NONE, "view": PROVINCE_WIDE},
    "council_member": NONE,
    # The producer account is linked to the same-commune product's producer only.
    "producer": {**NONE, "view": COMMUNE_ONLY, "edit": COMMUNE_ONLY},
    "anonymous": NONE,
}


@pytest.fixture
def world(province, commune, other_commune):
    same_commune = ProductFactory(producer=ProducerFactory(commune=commune))
    neighbour = CommuneFactory(province=province)
    same_province = ProductFactory(producer=ProducerFactory(commune=neighbour))
    other_province = ProductFactory(producer=ProducerFactory(commune=other_commune))
    return {
        "same_commune": same_commune,
        "same_province": same_province,
        "other_province": other_province,
    }


def _actor(role: str, world, province, commune) -> Actor:
    if role == "anonymous":
        return Actor.anonymous()
    units = {
        "admin": {},
        "province_officer": {"province": province},
        "commune_officer": {"commune": commune},
        "inspector": {"province": province},
        "council_member": {"province": province},
        "producer": {},
    }[role]
    user = user_with_role(role, **units)
    if role == Role.PRODUCER:
        ProducerRepresentativeFactory(producer=world["same_commune"].producer, user=user)
    return actor_for(user)


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("relation", RELATIONS)
def test_policy_matrix(role, action, relation, world, province, commune):
    actor = _actor(role, world, province, commune)
    product = world[relation]
    assert ACTIONS[action](actor, product) is EXPECTED[role][action][relation]


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("relation", RELATIONS)
def test_creating_for_a_producer_follows_the_edit_column(role, relation, world, province, commune):
    actor = _actor(role, world, province, commune)
    producer = world[relation].producer
    assert policies.can_create_product(actor, producer) is EXPECTED[role]["edit"][relation]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_list_scope_matches_the_view_column(role, world, province, commune):
    actor = _actor(role, world, province, commune)
    visible = set(policies.scope_products(actor, Product.objects.all()))
    expected = {world[r] for r in RELATIONS if EXPECTED[role]["view"][r]}
    assert visible == expected


def test_a_producer_with_several_representatives_is_listed_once(world, province, commune):
    actor = _actor("producer", world, province, commune)
    ProducerRepresentativeFactory(producer=world["same_commune"].producer)
    assert policies.scope_products(actor, Product.objects.all()).count() == 1


def test_the_producer_account_does_not_see_other_producers_of_its_commune(world, province, commune):
    actor = _actor("producer", world, province, commune)
    neighbour = ProductFactory(producer=ProducerFactory(commune=commune))
    assert not policies.can_view_product(actor, neighbour)
    assert neighbour not in policies.scope_products(actor, Product.objects.all())


@pytest.mark.parametrize(
    ("role", "may_list", "may_create"),
    [
        ("admin", True, True),
        ("province_officer", True, True),
        ("commune_officer", True, True),
        ("inspector", True, False),
        ("council_member", False, False),
        ("producer", True, True),
        ("anonymous", False, False),
    ],
)
def test_view_level_answers_without_an_object(role, may_list, may_create, world, province, commune):
    actor = _actor(role, world, province, commune)
    assert policies.can_list_products(actor) is may_list
    assert policies.can_create_product(actor) is may_create


def test_the_system_actor_may_do_everything(world):
    actor = Actor.system("test")
    assert all(check(actor, world["other_province"]) for check in ACTIONS.values())
    assert policies.scope_products(actor, Product.objects.all()).count() == 3
