"""Fixtures of the evaluation tests: loaded variants, a two-tier world in province A / commune A1."""

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.core import clock
from ocop.evaluation.tests import factories as f
from ocop.producers.tests.factories import ProducerFactory, ProducerRepresentativeFactory
from ocop.products.tests.factories import ProductFactory


@pytest.fixture
def two_tier_ruleset(db):
    return f.two_tier_ruleset()


@pytest.fixture
def product(commune, two_tier_ruleset):
    producer = ProducerFactory(commune=commune)
    return ProductFactory(producer=producer, product_set=f.product_set(f.TWO_TIER_SET))


@pytest.fixture
def two_tier_round(province):
    return f.RoundFactory(province=province, process_variant=f.variant(f.TWO_TIER))


@pytest.fixture
def today():
    with clock.freeze(f.TWO_TIER_DAY):
        yield f.TWO_TIER_DAY


@pytest.fixture
def producer_user(product):
    user = user_with_role(Role.PRODUCER)
    ProducerRepresentativeFactory(producer=product.producer, user=user)
    return user


@pytest.fixture
def actors(province, other_province, commune, other_commune, producer_user):
    """One actor per role and relation to `product` (province A, commune A1)."""
    from ocop.geo.tests.factories import CommuneFactory

    neighbour = CommuneFactory(province=province)
    return {
        "admin": actor_for(user_with_role(Role.ADMIN)),
        "producer": actor_for(producer_user),
        "other_producer": actor_for(user_with_role(Role.PRODUCER)),
        "commune_officer": actor_for(user_with_role(Role.COMMUNE_OFFICER, commune=commune)),
        "neighbour_commune_officer": actor_for(
            user_with_role(Role.COMMUNE_OFFICER, commune=neighbour)
        ),
        "province_officer": actor_for(user_with_role(Role.PROVINCE_OFFICER, province=province)),
        "other_province_officer": actor_for(
            user_with_role(Role.PROVINCE_OFFICER, province=other_province)
        ),
        "inspector": actor_for(user_with_role(Role.INSPECTOR, province=province)),
        "council_member": actor_for(user_with_role(Role.COUNCIL_MEMBER, province=province)),
    }
