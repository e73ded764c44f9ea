"""Actors per role and jurisdiction for the producer registry tests."""

from dataclasses import dataclass, field
from typing import Any

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.producers.tests.factories import ProducerFactory, ProducerRepresentativeFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(db):
    return actor_for(user_with_role(Role.ADMIN))


@pytest.fixture
def province_officer(province):
    return actor_for(user_with_role(Role.PROVINCE_OFFICER, province=province))


@pytest.fixture
def other_province_officer(other_province):
    return actor_for(user_with_role(Role.PROVINCE_OFFICER, province=other_province))


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
def producer(commune):
    return ProducerFactory(commune=commune)


@pytest.fixture
def producer_user(producer):
    user = user_with_role(Role.PRODUCER)
    ProducerRepresentativeFactory(producer=producer, user=user)
    return user


@pytest.fixture
def producer_actor(producer_user):
    return actor_for(producer_user)


@dataclass
class FakeResolution:
    status: str
    commune: Any = None
    province: Any = None
    legacy_commune: Any = None
    candidates: list = field(default_factory=list)
    message: str = ""


@pytest.fixture
def resolver(monkeypatch):
    """Replace geo's address resolver: set `resolver.answer` to the Resolution to return."""

    class Resolver:
        answer: Any = FakeResolution(status="not_found")
        calls: list[str] = []

        def __call__(self, address: str) -> Any:
            self.calls.append(address)
            return self.answer

    fake = Resolver()
    fake.calls = []
    monkeypatch.setattr("ocop.producers.services._address_resolve", fake)
    return fake
