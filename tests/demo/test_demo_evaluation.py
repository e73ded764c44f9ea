"""The demo's evaluation rounds: a historic QĐ 1048 round with a published decision, and the
current two-tier round at every stage, on a demonstration rule set usable only in demo mode."""

import datetime as dt
from decimal import Decimal

import pytest

from ocop.core.actors import actor_for_user
from ocop.core.models import AuditEvent
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.constants import RuleSetStatus
from ocop.criteria.errors import RuleSetNotScorable
from ocop.criteria.models import RuleSet
from ocop.evaluation import council, dossier, results
from ocop.evaluation.constants import ApplicationStatus, RoundStatus, SheetStatus
from ocop.evaluation.models import (
    Application,
    ConflictDeclaration,
    CouncilMember,
    Decision,
    DossierDocument,
    FieldVisit,
    Round,
    ScoreSheet,
)
from ocop.evaluation.pdf import council_minutes_pdf

HISTORIC = "Đánh giá, phân hạng sản phẩm OCOP năm 2021 — huyện Thăng Bình (tỉnh Quảng Nam cũ)"
CURRENT = "Đợt 1/2026"
DEMO_RULESET = "DEMO-2026.two-tier.demonstration"


def _statuses(rnd):
    return sorted(rnd.applications.values_list("status", flat=True))


def _historic_round_is_scored_on_the_qd1048_sheet_and_decided():
    rnd = Round.objects.get(name=HISTORIC, is_demo=True)
    assert rnd.process_variant.code == "QD1048-2019.three-tier"
    assert rnd.registration_opens.year == 2021
    assert _statuses(rnd) == ["decided", "decided", "decided", "not_recognised", "not_recognised"]
    scored = rnd.applications.filter(score__isnull=False)
    assert {a.ruleset.code for a in scored} == {"QD1048-2019.fresh-produce"}
    # The district score below 50 was not forwarded; the other four were scored by five members.
    assert rnd.applications.get(product__name="Khoai lang Bình Nam").score is None
    assert scored.count() == 4
    assert (
        ScoreSheet.objects.filter(application__round=rnd, status=SheetStatus.SUBMITTED).count()
        == 20
    )
    paper = ScoreSheet.objects.get(application__round=rnd, paper_scan__gt="")
    assert paper.member.user.username == "danang.hd.yte"
    assert paper.entered_by.username == "danang.hd.thuky"
    summary = results.round_summary(rnd)
    assert (summary.evaluated, summary.recognised, summary.recognised_by_stars) == (
        4,
        3,
        {3: 2, 4: 1},
    )
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.DECIDED  # no application of it is still open
    decision = Decision.objects.get(round=rnd)
    assert decision.published_at is not None
    assert decision.published_at.year == 2021
    assert decision.applications.count() == 3
    assert set(decision.applications.values_list("status", flat=True)) == {"decided"}


def _the_producer_gets_itemised_feedback_and_the_minutes_have_content():
    app = Application.objects.get(round__name=HISTORIC, product__name="Rau an toàn Bình Đào")
    feedback = results.application_feedback(app)
    assert feedback.sheet_count == 5
    assert feedback.stars == 3
    assert feedback.total == app.score
    assert len(feedback.criteria) == app.ruleset.criteria.count() > 20
    assert feedback.gaps  # points to improve, most missing first
    assert abs(sum(p.points for p in feedback.parts) - app.score) <= Decimal("0.05")
    pdf = council_minutes_pdf(app.round)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def _current_round_has_an_application_at_every_stage():
    rnd = Round.objects.get(name=CURRENT, is_demo=True, province__code="48")
    assert rnd.process_variant.code == "QD1489-2025.two-tier"
    assert _statuses(rnd) == sorted(
        ["draft", "submitted", "returned", "pre_assessed", "scheduled", "scheduled"]
    )
    pinned = rnd.applications.exclude(status=ApplicationStatus.DRAFT)
    assert {a.ruleset.code for a in pinned} == {DEMO_RULESET}
    returned = rnd.applications.get(status=ApplicationStatus.RETURNED)
    assert "kiểm nghiệm" in returned.status_changes.get(verb="return").reason
    assert rnd.applications.get(status=ApplicationStatus.PRE_ASSESSED).pre_assessment.answers
    # Partial scoring: sheets submitted and in progress, one member recused, nothing finalised.
    sheets = ScoreSheet.objects.filter(application__round=rnd)
    assert sheets.filter(status=SheetStatus.SUBMITTED).count() == 6
    assert sheets.filter(status=SheetStatus.DRAFT).count() == 2
    assert not rnd.applications.filter(score__isnull=False).exists()
    recusal = ConflictDeclaration.objects.get(application__round=rnd, has_conflict=True)
    assert not sheets.filter(application=recusal.application, member=recusal.member).exists()
    assert not council.member_can_score(recusal.member, recusal.application)
    # The draft has part of its dossier; submitted applications have all required documents.
    draft = rnd.applications.get(status=ApplicationStatus.DRAFT)
    assert DossierDocument.objects.filter(application=draft).count() > 0
    assert dossier.missing_required(draft)
    for app in rnd.applications.exclude(status=ApplicationStatus.DRAFT):
        assert dossier.missing_required(app) == []
    assert CouncilMember.objects.filter(council__round=rnd).count() == 5
    visit = FieldVisit.objects.get(application__round=rnd)
    assert visit.members.count() == 2
    assert rnd.status == RoundStatus.OPEN


def _demo_council_member_has_a_sheet_to_fill_in_the_current_round():
    seat = CouncilMember.objects.get(council__round__name=CURRENT, user__username="danang.hoidong")
    app = Application.objects.get(round__name=CURRENT, product__name="Rau mầm hữu cơ Bình Đào")
    assert council.member_can_score(seat, app)
    assert not ScoreSheet.objects.filter(application=app, member=seat).exists()
    assert seat.valid_from <= dt.date(2026, 11, 23) <= seat.valid_to


def _the_demonstration_rule_set_cannot_score_outside_demo_mode(settings):
    ruleset = RuleSet.objects.get(code=DEMO_RULESET)
    assert ruleset.status == RuleSetStatus.DEMONSTRATION
    assert ruleset.title_vi == "Bộ tiêu chí trình diễn — không dùng để đánh giá thật"
    assert ruleset.is_scorable
    settings.DEMO_MODE = False
    assert not RuleSet.objects.get(code=DEMO_RULESET).is_scorable
    with pytest.raises(RuleSetNotScorable):
        criteria_selectors.ruleset_for(product_set="QD148-01", on=dt.date(2026, 11, 16))
    # A member assigned to an application pinned to it cannot open a sheet.
    seat = CouncilMember.objects.get(council__round__name=CURRENT, user__username="danang.hoidong")
    app = Application.objects.get(round__name=CURRENT, product__name="Rau mầm hữu cơ Bình Đào")
    with pytest.raises(council.RuleSetNotScorable):
        council.sheet_save(
            actor=actor_for_user(seat.user),
            application=app,
            member=seat,
            answers={"A1.1": ("A1.1.c", "")},
            expected_version=None,
        )


def _counts():
    return (
        Round.objects.count(),
        Application.objects.count(),
        ScoreSheet.objects.count(),
        DossierDocument.objects.count(),
        AuditEvent.objects.count(),
    )


# Loading the demo takes a while: each test loads it once and checks several things.
def test_demo_mode_load_gives_every_screen_content(demo, settings):
    assert demo.created["rounds"] == 2
    assert demo.created["decisions"] == 1
    _historic_round_is_scored_on_the_qd1048_sheet_and_decided()
    _the_producer_gets_itemised_feedback_and_the_minutes_have_content()
    _current_round_has_an_application_at_every_stage()
    _demo_council_member_has_a_sheet_to_fill_in_the_current_round()
    _the_demonstration_rule_set_cannot_score_outside_demo_mode(settings)
