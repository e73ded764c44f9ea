import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role


@pytest.fixture
def officer(province):
    return user_with_role(Role.PROVINCE_OFFICER, province=province, email="officer@example.org")


@pytest.fixture
def officer_actor(officer):
    return actor_for(officer)
