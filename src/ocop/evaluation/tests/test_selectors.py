"""Reads are scoped: outside the actor's jurisdiction an application looks missing."""

import uuid

import pytest

from ocop.core.errors import NotFound
from ocop.evaluation import selectors
from ocop.evaluation.tests import factories as f

VISIBLE = {
    "admin": True,
    "producer": True,
    "commune_officer": True,
    "province_officer": True,
    "inspector": True,
    "other_producer": False,
    "neighbour_commune_officer": False,
    "other_province_officer": False,
    "council_member": False,
}


@pytest.mark.parametrize(("who", "visible"), sorted(VISIBLE.items()))
def test_application_scope(product, two_tier_round, actors, who, visible):
    app = f.ApplicationFactory(product=product, round=two_tier_round)
    f.ApplicationFactory()  # another province's application: never listed for officers there
    listed = list(selectors.application_list(actor=actors[who]))
    assert (app in listed) is visible
    if visible:
        assert selectors.application_get(actor=actors[who], public_id=app.public_id) == app
        assert list(selectors.application_history(actor=actors[who], application=app)) == []
    else:
        with pytest.raises(NotFound):
            selectors.application_get(actor=actors[who], public_id=app.public_id)


def test_application_get_with_a_bad_or_unknown_id(actors):
    for public_id in ("not-a-uuid", uuid.uuid4()):
        with pytest.raises(NotFound):
            selectors.application_get(actor=actors["admin"], public_id=public_id)


def test_round_scope(product, two_tier_round, actors):
    elsewhere = f.RoundFactory()
    assert set(selectors.round_list(actor=actors["admin"])) == {two_tier_round, elsewhere}
    for who in ("province_officer", "commune_officer", "inspector", "producer"):
        assert list(selectors.round_list(actor=actors[who])) == [two_tier_round]
        assert selectors.round_get(actor=actors[who], public_id=two_tier_round.public_id)
    for who in ("other_producer", "council_member"):
        assert not selectors.round_list(actor=actors[who]).exists()
    with pytest.raises(NotFound):
        selectors.round_get(actor=actors["province_officer"], public_id=elsewhere.public_id)


def test_variant_in_force(db):
    import datetime as dt

    f.variant()
    assert selectors.variant_in_force(on=dt.date(2025, 7, 5)).code == f.QD148_THREE_TIER
    assert selectors.variant_in_force(on=dt.date(2025, 7, 6)).code == f.TWO_TIER
    assert selectors.variant_in_force(on=dt.date(2020, 1, 1)).code == f.QD1048_THREE_TIER
    assert selectors.variant_in_force(on=dt.date(2018, 1, 1)) is None
