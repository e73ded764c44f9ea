"""The demo loaded without demo mode: the current round waits for a demo-mode run.

Kept apart from tests/demo, whose package loads the demo once in demo mode for all its tests.
"""

import pytest

from ocop.evaluation.models import Round
from ocop.products.taxonomy import load_taxonomy
from ocop.web.demo.loader import load_demo
from tests.demo.test_demo_evaluation import (
    CURRENT,
    _counts,
    _current_round_has_an_application_at_every_stage,
    _historic_round_is_scored_on_the_qd1048_sheet_and_decided,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def test_without_demo_mode_the_current_round_waits_and_reloading_adds_nothing(
    geography, db, settings
):
    settings.DEMO_MODE = False
    load_taxonomy()
    first = load_demo()
    assert first.created["rounds"] == 1
    assert not Round.objects.filter(name=CURRENT).exists()
    _historic_round_is_scored_on_the_qd1048_sheet_and_decided()
    # In demo mode a later run adds the current round, and only that.
    settings.DEMO_MODE = True
    second = load_demo()
    assert second.created["rounds"] == 1
    assert "decisions" not in second.created
    assert "users" not in second.created
    _current_round_has_an_application_at_every_stage()
    counts = _counts()
    assert load_demo().created == {}
    assert _counts() == counts
