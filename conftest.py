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


@pytest.fixture
def _geography_committed(django_db_setup, django_db_blocker):
    """Load the real map into the test database unless it is there (see `geography`)."""
    from ocop.geo.loader import load_all
    from ocop.geo.models import LegacyProvince, Province

    with django_db_blocker.unblock():
        if Province.objects.count() < 34 or LegacyProvince.objects.count() < 63:
            load_all()


@pytest.fixture
def geography(_geography_committed, db):
    """The real administrative map: 34 provinces, 3,321 communes and the legacy units.

    Loaded once per test database and committed before the test's transaction opens, so later
    tests find it in place; loaded again only when missing (a transactional test flushed the
    tables). When the test's transaction is already open (a `django_db` mark, or `db` requested
    before `geography`), a missing map is loaded inside it and rolled back with the test: request
    `geography` first. Tests that use it must not assume empty geo tables.
    """


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the test's thread (LocaleMiddleware activates
    the request's language and nothing deactivates it): every test ends back in the site's
    default language, so a later test's rendering does not depend on the order tests run in."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_verification_limits():
    """Verification rate limits count per process (stamps.verify.WINDOWS): every test starts
    from zero, as it does with a cleared cache."""
    from ocop.stamps import verify

    verify.reset_rate_limits()
    yield
    verify.reset_rate_limits()
