"""Fixtures of the accounts tests: one actor per role, and a clean cache (log-in counters)."""

import pytest
from django.core.cache import cache

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_user(db):
    return user_with_role(Role.ADMIN)


@pytest.fixture
def officer(province):
    """Province officer of `province`."""
    return user_with_role(Role.PROVINCE_OFFICER, province=province)


@pytest.fixture
def other_officer(other_province):
    return user_with_role(Role.PROVINCE_OFFICER, province=other_province)


@pytest.fixture
def commune_officer(commune):
    return user_with_role(Role.COMMUNE_OFFICER, commune=commune)


@pytest.fixture
def foreign_commune_officer(other_commune):
    """A commune officer serving in `other_province`."""
    return user_with_role(Role.COMMUNE_OFFICER, commune=other_commune)
