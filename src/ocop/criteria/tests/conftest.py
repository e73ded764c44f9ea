"""Fixtures of the criteria tests: the product classification, the shipped rule sets, actors."""

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.criteria.tests import factories as f


@pytest.fixture
def product_sets(db):
    f.load_product_sets()


@pytest.fixture
def qd1048(product_sets):
    return f.load_file(f.QD1048)


@pytest.fixture
def skeleton(product_sets):
    return f.load_file(f.SKELETON)


@pytest.fixture
def fragment(product_sets):
    return f.load_file(f.FRAGMENT)


@pytest.fixture
def shipped(qd1048, skeleton, fragment):
    return {"qd1048": qd1048, "skeleton": skeleton, "fragment": fragment}


@pytest.fixture
def admin(db):
    return actor_for(user_with_role(Role.ADMIN))


@pytest.fixture
def province_officer(province):
    return actor_for(user_with_role(Role.PROVINCE_OFFICER, province=province))


@pytest.fixture
def commune_officer(commune):
    return actor_for(user_with_role(Role.COMMUNE_OFFICER, commune=commune))


@pytest.fixture
def inspector(province):
    return actor_for(user_with_role(Role.INSPECTOR, province=province))


@pytest.fixture
def council_member(province):
    return actor_for(user_with_role(Role.COUNCIL_MEMBER, province=province))


@pytest.fixture
def producer_actor(db):
    return actor_for(user_with_role(Role.PRODUCER))
