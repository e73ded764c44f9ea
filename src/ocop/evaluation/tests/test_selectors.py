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


def test_round_list_of_a_council_member(province, other_province, actors):
    """A member sees each round where they hold a seat valid today, once, and not the rounds of
    lapsed seats nor the other rounds of their province."""
    import datetime as dt

    from ocop.core import clock
    from ocop.evaluation.constants import CouncilRole
    from ocop.evaluation.models import Council, CouncilMember

    member = actors["council_member"]
    seated = f.RoundFactory(province=other_province)
    lapsed = f.RoundFactory(province=other_province)
    f.RoundFactory(province=province)  # a round of the member's province without a seat
    for rnd, (start, end) in (
        (seated, (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
        (lapsed, (dt.date(2024, 1, 1), dt.date(2024, 12, 31))),
    ):
        council = Council.objects.create(round=rnd, name="Hội đồng")
        CouncilMember.objects.create(
            council=council,
            user_id=member.user_id,
            role=CouncilRole.MEMBER,
            valid_from=start,
            valid_to=end,
        )
    with clock.freeze(dt.date(2025, 9, 1)):
        assert list(selectors.round_list(actor=member)) == [seated]
        assert selectors.round_get(actor=member, public_id=seated.public_id) == seated
        with pytest.raises(NotFound):
            selectors.round_get(actor=member, public_id=lapsed.public_id)
    with clock.freeze(dt.date(2026, 1, 1)):
        assert not selectors.round_list(actor=member).exists()


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("mat ong", True),
        ("MẬT ONG", True),
        ("Mật   ong", True),
        ("ong mat", True),  # words in any order
        ("dong tam", True),  # the producer's name
        ("mat ong dong tam", True),
        ("mat ca", False),
    ],
)
def test_application_search_folds_accents(product, two_tier_round, actors, q, found):
    from ocop.core.text import fold

    product.name, product.name_search = "Mật ong bạc hà", fold("Mật ong bạc hà")
    product.save(update_fields=["name", "name_search"])
    producer = product.producer
    producer.name, producer.name_search = "Hợp tác xã Đồng Tâm", fold("Hợp tác xã Đồng Tâm")
    producer.save(update_fields=["name", "name_search"])
    app = f.ApplicationFactory(product=product, round=two_tier_round)
    f.ApplicationFactory(round=two_tier_round)  # another product
    listed = list(selectors.application_list(actor=actors["admin"], q=q))
    assert listed == ([app] if found else [])
