"""Fixtures of the stamps tests: a frozen day, a valid certificate, actors per role."""

import datetime as dt

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.certificates.tests.factories import CertificateFactory
from ocop.core import clock
from ocop.producers.tests.factories import ProducerRepresentativeFactory

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.freeze(TODAY):
        yield


@pytest.fixture(autouse=True)
def stamp_keys(settings):
    settings.OCOP_STAMP_KEYS = {
        "A": b"stamp-key-a-for-tests-only-0123",
        "B": b"stamp-key-b-0123456789",
    }
    settings.OCOP_STAMP_ACTIVE_KEY = "B"


@pytest.fixture
def certificate(db):
    return CertificateFactory()


@pytest.fixture
def product(certificate):
    return certificate.product


@pytest.fixture
def producer_actor(product):
    user = user_with_role(Role.PRODUCER, commune=product.commune)
    ProducerRepresentativeFactory(producer=product.producer, user=user)
    return actor_for(user)


@pytest.fixture
def officer(product):
    return actor_for(user_with_role(Role.PROVINCE_OFFICER, province=product.province))


@pytest.fixture
def other_officer(other_province):
    return actor_for(user_with_role(Role.PROVINCE_OFFICER, province=other_province))
