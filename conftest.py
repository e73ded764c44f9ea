"""Cross-cutting fixtures. App-specific factories live in each app's tests/factories.py."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in browser tests


@pytest.fixture
def province(db):
    from ocop.geo.tests.factories import ProvinceFactory

    return ProvinceFactory()


@pytest.fixture
def other_province(db):
    from ocop.geo.tests.factories import ProvinceFactory

    return ProvinceFactory()


@pytest.fixture
def commune(province):
    from ocop.geo.tests.factories import CommuneFactory

    return CommuneFactory(province=province)


@pytest.fixture
def other_commune(other_province):
    from ocop.geo.tests.factories import CommuneFactory

    return CommuneFactory(province=other_province)
