"""The demo is loaded once for this package: in demo mode, on a fixed day, into a transaction that
is rolled back when the package's tests are done. Each test runs in a savepoint inside it, so a
test may load the demo again (idempotence) without disturbing the next one.

Demo tests write generated dossier documents: they go to a temporary folder, never the project's
upload folder.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings

DAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="package")
def demo_state(django_db_setup, django_db_blocker, tmp_path_factory):
    from ocop.core import clock
    from ocop.geo.loader import load_all
    from ocop.geo.models import LegacyProvince, Province
    from ocop.products.taxonomy import load_taxonomy
    from ocop.web.demo.loader import load_demo

    media = tmp_path_factory.mktemp("demo-uploads")
    with django_db_blocker.unblock():
        if Province.objects.count() < 34 or LegacyProvince.objects.count() < 63:
            load_all()  # committed, like the `geography` fixture
        demo_mode = override_settings(DEMO_MODE=True, MEDIA_ROOT=media)
        with demo_mode, clock.freeze(DAY), transaction.atomic():
            load_taxonomy()
            report = load_demo()
            yield report
            transaction.set_rollback(True)


@pytest.fixture
def demo(demo_state, db):
    """The report of the package's one demo load (the data is there for the test)."""
    return demo_state


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
