"""Decision → decided through the workflow; the round closes; the national 5★ result."""

import datetime as dt
from decimal import Decimal

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.core.errors import InvalidTransition, PermissionDenied
from ocop.core.models import AuditEvent, Notification
from ocop.evaluation import results
from ocop.evaluation.constants import ApplicationStatus as S
from ocop.evaluation.constants import Level, Outcome, RoundStatus
from ocop.evaluation.models import StatusChange
from ocop.evaluation.tests import factories as f
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory


@pytest.fixture
def officer(province):
    return actor_for(user_with_role(Role.PROVINCE_OFFICER, province=province))


def _app(rnd, outcome, status, stars=3):
    product = ProductFactory(
        producer=ProducerFactory(commune=CommuneFactory(province=rnd.province))
    )
    return f.ApplicationFactory(
        round=rnd, product=product, score=Decimal(60), stars=stars, outcome=outcome, status=status
    )


def _record(actor, rnd, apps, number="12/QĐ-UBND"):
    return results.decision_record(
        actor=actor,
        round=rnd,
        number=number,
        signed_on=dt.date(2025, 11, 20),
        signer="Chủ tịch UBND tỉnh",
        issuer="Ủy ban nhân dân tỉnh",
        level=Level.PROVINCE,
        applications=apps,
    )


def test_decision_moves_recognised_to_decided_and_closes_the_round(officer, two_tier_round):
    recognised = [_app(two_tier_round, Outcome.RECOGNISED, S.RECOGNISED) for _ in range(2)]
    national = _app(two_tier_round, Outcome.PROPOSED_NATIONAL, S.PROPOSED_NATIONAL, stars=5)
    _app(two_tier_round, Outcome.NOT_RECOGNISED, S.NOT_RECOGNISED)
    f.ApplicationFactory(round=two_tier_round)  # a draft never submitted

    _record(officer, two_tier_round, [*recognised, national])

    for app in recognised:
        app.refresh_from_db()
        assert app.status == S.DECIDED
        change = StatusChange.objects.get(application=app, verb="decide")
        assert (change.from_status, change.reason) == (S.RECOGNISED, "12/QĐ-UBND")
    national.refresh_from_db()
    assert national.status == S.PROPOSED_NATIONAL  # potential 5★ until the ministry decides
    assert national.decision is not None
    two_tier_round.refresh_from_db()
    assert two_tier_round.status == RoundStatus.DECIDED
    assert AuditEvent.objects.filter(action="evaluation.round.decide").count() == 1


def test_round_stays_open_while_an_application_is_still_being_scored(officer, two_tier_round):
    first = _app(two_tier_round, Outcome.RECOGNISED, S.RECOGNISED)
    second = _app(two_tier_round, Outcome.RECOGNISED, S.RECOGNISED)
    _app(two_tier_round, "", S.SCHEDULED)
    _record(officer, two_tier_round, [first, second])
    two_tier_round.refresh_from_db()
    assert two_tier_round.status == RoundStatus.OPEN


def test_round_closes_with_the_last_decision(officer, two_tier_round):
    first = _app(two_tier_round, Outcome.RECOGNISED, S.RECOGNISED)
    second = _app(two_tier_round, Outcome.RECOGNISED, S.RECOGNISED)
    _record(officer, two_tier_round, [first], number="1/QĐ")
    two_tier_round.refresh_from_db()
    assert two_tier_round.status == RoundStatus.OPEN
    _record(officer, two_tier_round, [second], number="2/QĐ")
    two_tier_round.refresh_from_db()
    assert two_tier_round.status == RoundStatus.DECIDED


def test_a_failed_decision_moves_nothing(officer, two_tier_round):
    good = _app(two_tier_round, Outcome.RECOGNISED, S.RECOGNISED)
    bad = _app(two_tier_round, Outcome.NOT_RECOGNISED, S.NOT_RECOGNISED)
    with pytest.raises(results.DecisionInvalid):
        _record(officer, two_tier_round, [good, bad])
    good.refresh_from_db()
    assert good.status == S.RECOGNISED and good.decision is None


# --- national 5★ --------------------------------------------------------------------------------
def test_record_national_result(officer, two_tier_round, producer_user, product):
    app = f.ApplicationFactory(
        round=two_tier_round,
        product=product,
        score=Decimal("91.5"),
        stars=5,
        outcome=Outcome.PROPOSED_NATIONAL,
        status=S.PROPOSED_NATIONAL,
    )
    app = results.application_record_national(
        actor=officer,
        application=app,
        stars=5,
        decision_number="1234/QĐ-BNN-KTHT",
        decided_on=dt.date(2026, 3, 30),
    )
    app.refresh_from_db()
    assert app.status == S.DECIDED
    assert (app.national_stars, app.national_decision) == (5, "1234/QĐ-BNN-KTHT")
    assert app.national_decided_on == dt.date(2026, 3, 30)
    change = StatusChange.objects.get(application=app, verb="decide")
    assert change.from_status == S.PROPOSED_NATIONAL
    assert Notification.objects.filter(user=producer_user, kind="evaluation.decide").exists()
    with pytest.raises(InvalidTransition):
        results.application_record_national(
            actor=officer,
            application=app,
            stars=5,
            decision_number="1",
            decided_on=dt.date(2026, 3, 30),
        )


def test_record_national_validation_and_roles(officer, two_tier_round, actors):
    app = _app(two_tier_round, Outcome.PROPOSED_NATIONAL, S.PROPOSED_NATIONAL, stars=5)
    with pytest.raises(results.NationalResultInvalid) as err:
        results.application_record_national(
            actor=officer, application=app, stars=6, decision_number=" ", decided_on=None
        )
    assert set(err.value.field_errors()) == {"stars", "decision_number", "decided_on"}
    for who in ("other_province_officer", "commune_officer", "producer", "council_member"):
        with pytest.raises(PermissionDenied):
            results.application_record_national(
                actor=actors[who],
                application=app,
                stars=5,
                decision_number="1/QĐ",
                decided_on=dt.date(2026, 1, 1),
            )
    app.refresh_from_db()
    assert app.status == S.PROPOSED_NATIONAL and app.national_stars is None


def test_record_national_refused_for_a_recognised_application(officer, two_tier_round):
    app = _app(two_tier_round, Outcome.RECOGNISED, S.RECOGNISED)
    with pytest.raises(InvalidTransition):
        results.application_record_national(
            actor=officer,
            application=app,
            stars=5,
            decision_number="1/QĐ",
            decided_on=dt.date(2026, 1, 1),
        )
