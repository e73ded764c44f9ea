"""Legacy three-tier: a district round forwards products at or above the variant's threshold."""

import datetime as dt
from decimal import Decimal

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.core.errors import PermissionDenied
from ocop.evaluation import forwarding, selectors
from ocop.evaluation.constants import ApplicationStatus as S
from ocop.evaluation.constants import Level, Outcome
from ocop.evaluation.errors import RoundInvalid
from ocop.evaluation.models import Application, DossierDocument, StatusChange
from ocop.evaluation.tests import factories as f
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory

SCORES = ["45", "49.99", "50", "50.01", "55", "62", "70", "30", "49", "88"]


@pytest.fixture
def officer(province):
    return actor_for(user_with_role(Role.PROVINCE_OFFICER, province=province))


def _round(province, code, level, **extra):
    kwargs = {
        "year": 2021,
        "registration_opens": dt.date(2021, 3, 1),
        "registration_cutoff": dt.date(2021, 6, 30),
        **extra,
    }
    return f.RoundFactory(province=province, process_variant=f.variant(code), level=level, **kwargs)


def _scored(rnd, commune, ruleset, set_code, score):
    product = ProductFactory(
        producer=ProducerFactory(commune=commune), product_set=f.product_set(set_code)
    )
    return f.ApplicationFactory(
        round=rnd,
        product=product,
        ruleset=ruleset,
        status=S.LOWER_SCORED,
        lower_tier_score=Decimal(score),
    )


@pytest.fixture
def legacy(province, commune):
    ruleset = f.qd1048_ruleset()
    district = _round(province, f.QD1048_THREE_TIER, Level.DISTRICT)
    target = _round(province, f.QD1048_THREE_TIER, Level.PROVINCE, number=2)
    apps = [_scored(district, commune, ruleset, f.QD1048_SET, s) for s in SCORES]
    return district, target, apps


def test_a_district_round_forwards_exactly_the_products_at_or_above_50(legacy, officer):
    district, target, apps = legacy
    f.complete_dossier(apps[4])  # 55 points: its dossier follows it
    result = forwarding.round_forward(actor=officer, source=district, target=target)

    assert result.threshold == Decimal(50)
    forwarded_scores = sorted(str(src.lower_tier_score) for src, _new in result.forwarded)
    assert forwarded_scores == ["50.00", "50.01", "55.00", "62.00", "70.00", "88.00"]
    assert len(result.not_recognised) == 4 and not result.recognised  # QĐ 1048: district none

    for src, new in result.forwarded:
        src.refresh_from_db()
        assert (src.status, src.outcome) == (S.FORWARDED, Outcome.FORWARDED)
        assert new.round == target and new.status == S.FORWARDED
        assert (new.previous, new.kind, new.product) == (src, src.kind, src.product)
        assert new.ruleset == src.ruleset and new.lower_tier_score == src.lower_tier_score
        assert StatusChange.objects.filter(application=new, verb="forward").exists()
    below = Application.objects.filter(round=district, status=S.NOT_RECOGNISED)
    assert sorted(str(a.lower_tier_score) for a in below) == ["30.00", "45.00", "49.00", "49.99"]
    assert set(below.values_list("stars", flat=True)) <= {1, 2}

    src55 = next(src for src, _new in result.forwarded if src.pk == apps[4].pk)
    new55 = next(new for src, new in result.forwarded if src.pk == apps[4].pk)
    carried = DossierDocument.objects.filter(application=new55)
    assert carried.count() == DossierDocument.objects.filter(application=src55).count() > 0
    assert all(d.carried_over_from_id for d in carried)

    # The province round can schedule them; a repeat call forwards nothing twice.
    assert selectors.application_list(actor=officer, round=target).count() == 6
    again = forwarding.round_forward(actor=officer, source=district, target=target)
    assert not again.forwarded and Application.objects.filter(round=target).count() == 6


def test_qd148_district_recognises_3_stars_below_the_officers_threshold(province, commune, officer):
    ruleset = f.qd1048_ruleset()  # bands 50/70/90: enough for the district's 3★ check
    dates = {
        "year": 2024,
        "registration_opens": dt.date(2024, 3, 1),
        "registration_cutoff": dt.date(2024, 6, 30),
    }
    district = _round(province, f.QD148_THREE_TIER, Level.DISTRICT, **dates)
    target = _round(province, f.QD148_THREE_TIER, Level.PROVINCE, number=2, **dates)
    apps = [_scored(district, commune, ruleset, f.QD1048_SET, s) for s in ("65", "72", "40")]
    with pytest.raises(RoundInvalid) as err:
        forwarding.round_forward(actor=officer, source=district, target=target)
    assert "min_score" in err.value.field_errors()  # QĐ 148 states no threshold

    result = forwarding.round_forward(
        actor=officer, source=district, target=target, min_score=Decimal(70)
    )
    assert [src.pk for src, _new in result.forwarded] == [apps[1].pk]
    assert [a.pk for a in result.recognised] == [apps[0].pk]
    assert [a.pk for a in result.not_recognised] == [apps[2].pk]
    apps[0].refresh_from_db()
    assert (apps[0].status, apps[0].stars, apps[0].outcome) == (S.RECOGNISED, 3, Outcome.RECOGNISED)


def test_forwarding_checks_rounds_and_roles(legacy, actors, province, other_province):
    district, target, _apps = legacy
    with pytest.raises(RoundInvalid):
        forwarding.round_forward(actor=actors["admin"], source=target, target=district)
    elsewhere = _round(other_province, f.QD1048_THREE_TIER, Level.PROVINCE)
    with pytest.raises(RoundInvalid):
        forwarding.round_forward(actor=actors["admin"], source=district, target=elsewhere)
    for who in ("other_province_officer", "commune_officer", "producer", "council_member"):
        with pytest.raises(PermissionDenied):
            forwarding.round_forward(actor=actors[who], source=district, target=target)
    assert not Application.objects.filter(round=target).exists()
