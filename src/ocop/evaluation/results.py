"""Results of a round: itemised feedback for the producer, round counts, recognition decisions.

`application_feedback` and `round_summary` are pure reads (no policy: callers pass an object they
already obtained through a scoped selector). `decision_record` and `decision_publish` are writes:
keyword-only, actor first, atomic, policy-checked and audited.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from ocop.accounts.constants import Role
from ocop.core import audit, clock
from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.errors import Conflict, ValidationFailed
from ocop.criteria.models import Criterion, Part, Section
from ocop.evaluation import errors as evaluation_errors
from ocop.evaluation import services as evaluation_services
from ocop.evaluation.constants import ApplicationStatus, Level, Outcome, RoundStatus, SheetStatus
from ocop.evaluation.models import Application, Decision, Round, ScoreSheet

CENT = Decimal("0.01")
DECIDABLE_OUTCOMES = (Outcome.RECOGNISED, Outcome.PROPOSED_NATIONAL)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- feedback for the producer ---------------------------------------------------------------
@dataclass(frozen=True)
class CriterionFeedback:
    code: str
    name: str
    part_code: str
    section_code: str
    max_points: Decimal
    points: Decimal  # mean over the submitted sheets, 2 decimals

    @property
    def missing(self) -> Decimal:
        return self.max_points - self.points


@dataclass(frozen=True)
class SectionFeedback:
    code: str
    name: str
    max_points: Decimal | None
    criteria: list[CriterionFeedback]

    @property
    def points(self) -> Decimal:
        return sum((c.points for c in self.criteria), Decimal(0))

    @property
    def criteria_max(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), Decimal(0))


@dataclass(frozen=True)
class PartFeedback:
    code: str
    name: str
    max_points: Decimal
    sections: list[SectionFeedback]
    # Mean of the members' part totals as stored on their sheets (None: no sheet stored it).
    sheet_mean: Decimal | None = None

    @property
    def points(self) -> Decimal:
        return sum((s.points for s in self.sections), Decimal(0))

    @property
    def missing(self) -> Decimal:
        return self.max_points - self.points


@dataclass(frozen=True)
class Feedback:
    application: Application
    sheet_count: int
    parts: list[PartFeedback]
    total: Decimal | None
    stars: int | None
    scale_total: Decimal | None
    gaps: list[CriterionFeedback] = field(default_factory=list)
    # The rule set is not checked against the official text: every report on it says so.
    unverified: bool = False

    @property
    def criteria(self) -> list[CriterionFeedback]:
        return [c for p in self.parts for s in p.sections for c in s.criteria]


def application_feedback(application: Application) -> Feedback:
    """Per part, section and criterion: mean points over the submitted sheets vs the maximum, and
    the gaps (criteria with points missing, most missing first). Five queries whatever the size
    of the sheet: sheets, their answers, parts, sections, criteria."""
    sheets = list(
        ScoreSheet.objects.filter(
            application=application, status=SheetStatus.SUBMITTED
        ).prefetch_related("answers")
    )
    ruleset = application.ruleset
    count = len(sheets)
    sums: dict[int, Decimal] = defaultdict(Decimal)
    for sheet in sheets:
        for answer in sheet.answers.all():
            sums[answer.criterion_id] += answer.points
    part_sheet_totals: dict[str, list[Decimal]] = defaultdict(list)
    for sheet in sheets:
        for code, value in (sheet.part_totals or {}).items():
            part_sheet_totals[code].append(Decimal(str(value)))

    parts_out: list[PartFeedback] = []
    if ruleset is not None:
        parts = list(Part.objects.filter(ruleset=ruleset).order_by("position", "id"))
        sections = list(Section.objects.filter(ruleset=ruleset).order_by("position", "id"))
        criteria = list(Criterion.objects.filter(ruleset=ruleset).order_by("position", "id"))
        by_section: dict[int, list[CriterionFeedback]] = defaultdict(list)
        section_code = {s.pk: s.code for s in sections}
        part_code = {p.pk: p.code for p in parts}
        for c in criteria:
            mean = _cents(sums[c.pk] / count) if count else Decimal("0.00")
            by_section[c.section_id].append(
                CriterionFeedback(
                    code=c.code,
                    name=c.name_vi,
                    part_code=part_code.get(c.part_id, ""),
                    section_code=section_code.get(c.section_id, ""),
                    max_points=c.max_points,
                    points=mean,
                )
            )
        by_part: dict[int, list[SectionFeedback]] = defaultdict(list)
        for s in sections:
            by_part[s.part_id].append(
                SectionFeedback(
                    code=s.code, name=s.name_vi, max_points=s.max_points, criteria=by_section[s.pk]
                )
            )
        for p in parts:
            stored = part_sheet_totals.get(p.code)
            parts_out.append(
                PartFeedback(
                    code=p.code,
                    name=p.name_vi,
                    max_points=p.max_points,
                    sections=by_part[p.pk],
                    sheet_mean=_cents(sum(stored, Decimal(0)) / len(stored)) if stored else None,
                )
            )
    all_criteria = [c for p in parts_out for s in p.sections for c in s.criteria]
    gaps = sorted((c for c in all_criteria if c.missing > 0), key=lambda c: (-c.missing, c.code))
    total = application.score
    if total is None and count:
        total = sum((Decimal(s.total) for s in sheets if s.total is not None), Decimal(0)) / count
    return Feedback(
        application=application,
        sheet_count=count,
        parts=parts_out,
        total=_cents(total) if total is not None else None,
        stars=application.stars,
        scale_total=ruleset.scale_total if ruleset is not None else None,
        gaps=gaps,
        unverified=bool(ruleset is not None and ruleset.needs_unverified_banner),
    )


# --- round summary ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RoundSummary:
    evaluated: int
    recognised: int
    recognised_by_stars: dict[int, int]
    proposed_national: int
    not_recognised: int

    def describe(self) -> str:
        by_stars = ", ".join(
            f"{n}×{stars}★" for stars, n in sorted(self.recognised_by_stars.items())
        )
        return f"{self.evaluated} evaluated, {self.recognised} recognised: {by_stars}"


def round_summary(round: Round) -> RoundSummary:
    """Counts of a round: evaluated (has a score), recognised by stars, proposed to the ministry."""
    rows = Application.objects.filter(round=round, score__isnull=False).values_list(
        "outcome", "stars"
    )
    evaluated = 0
    stars: Counter[int] = Counter()
    outcomes: Counter[str] = Counter()
    for outcome, star in rows:
        evaluated += 1
        outcomes[outcome] += 1
        if outcome == Outcome.RECOGNISED and star is not None:
            stars[star] += 1
    return RoundSummary(
        evaluated=evaluated,
        recognised=outcomes[Outcome.RECOGNISED],
        recognised_by_stars=dict(sorted(stars.items())),
        proposed_national=outcomes[Outcome.PROPOSED_NATIONAL],
        not_recognised=outcomes[Outcome.NOT_RECOGNISED],
    )


# --- decisions -------------------------------------------------------------------------------
class DecisionNumberTaken(Conflict):
    code = "evaluation.decision_number_taken"
    message = _("Số quyết định «%(number)s» đã có trong đợt đánh giá này.")


class DecisionAlreadyPublished(Conflict):
    code = "evaluation.decision_already_published"
    message = _("Quyết định «%(number)s» đã được công bố.")


class DecisionInvalid(ValidationFailed):
    code = "evaluation.decision_invalid"


def can_record_decision(actor: Actor, round: Any) -> bool:
    """Province officer of the round's province (admin and the system actor: always)."""
    if actor.is_system or actor.has_role(Role.ADMIN):
        return True
    return actor.covers(Role.PROVINCE_OFFICER, province_id=round.province_id)


def can_publish_decision(actor: Actor, decision: Any) -> bool:
    return can_record_decision(actor, decision.round)


@transaction.atomic
def decision_record(
    *,
    actor: Actor,
    round: Round,
    number: str,
    signed_on: dt.date,
    signer: str,
    issuer: str,
    level: str,
    applications: list[Application],
) -> Decision:
    """Record a signed recognition decision listing applications of `round` that the council
    recognised or proposed to the ministry. The number is unique within the round.

    Each listed application in status recognised moves to decided through the workflow
    (StatusChange, audit, producer notice). Applications proposed to the ministry keep the
    status proposed_national ("potential 5★") until `application_record_national`. Listed
    applications in another status (historic imports) only get the decision link. The round
    becomes decided when none of its applications remains open (`round_close_if_decided`)."""
    require(actor, can_record_decision, round)
    number = (number or "").strip()
    errors: list[dict[str, Any]] = []

    def fail(loc: str, message: Any) -> None:
        errors.append({"loc": [loc], "code": "invalid", "message": str(message)})

    if not number:
        fail("number", _("Nhập số quyết định."))
    if not (signer or "").strip():
        fail("signer", _("Nhập người ký."))
    if not (issuer or "").strip():
        fail("issuer", _("Nhập cơ quan ban hành."))
    if level not in Level.values:
        fail("level", _("Cấp ban hành không hợp lệ."))
    if not isinstance(signed_on, dt.date):
        fail("signed_on", _("Nhập ngày ký (dd/mm/yyyy)."))
    if not applications:
        fail("applications", _("Chọn ít nhất một hồ sơ."))
    ids = [a.pk for a in applications]
    rows = list(Application.objects.select_for_update().filter(pk__in=ids))
    for app in rows:
        if app.round_id != round.pk:
            fail("applications", _("Hồ sơ %(id)s không thuộc đợt này.") % {"id": app.public_id})
        elif app.outcome not in DECIDABLE_OUTCOMES:
            fail(
                "applications",
                _("Hồ sơ %(id)s chưa được hội đồng đề nghị công nhận.") % {"id": app.public_id},
            )
        elif app.decision_id is not None:
            fail("applications", _("Hồ sơ %(id)s đã có quyết định.") % {"id": app.public_id})
    if len(rows) != len(set(ids)):
        fail("applications", _("Có hồ sơ không tồn tại."))
    if errors:
        raise DecisionInvalid(errors=errors)
    if Decision.objects.filter(round=round, number=number).exists():
        raise DecisionNumberTaken(number=number)
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                round=round,
                number=number,
                signed_on=signed_on,
                signer=signer.strip(),
                issuer=issuer.strip(),
                level=level,
            )
    except IntegrityError as exc:
        raise DecisionNumberTaken(number=number) from exc
    Application.objects.filter(pk__in=ids).update(decision=decision)
    audit.record(
        actor=actor,
        action="evaluation.decision.record",
        obj=decision,
        before=None,
        province_id=round.province_id,
    )
    for app in sorted(rows, key=lambda a: a.pk):
        if app.status == ApplicationStatus.RECOGNISED:
            evaluation_services.application_transition(
                actor=actor, application=app, verb="decide", reason=number
            )
    round_close_if_decided(actor=actor, round=round)
    return decision


# Statuses of an application still on its way to a result in its round. Drafts never submitted
# do not hold a round open; proposed_national waits for the ministry, not for the province;
# forwarded applications of a district round continue in the province round.
OPEN_STATUSES = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.RETURNED,
        ApplicationStatus.PRE_ASSESSED,
        ApplicationStatus.LOWER_SCORED,
        ApplicationStatus.SCHEDULED,
        ApplicationStatus.SCORED,
        ApplicationStatus.RECOGNISED,
    }
)


def round_close_if_decided(*, actor: Actor, round: Round) -> bool:  # noqa: A002
    """Set the round's status to decided once none of its applications is in OPEN_STATUSES
    (called after each decision). Returns True when it changed the round."""
    locked = Round.objects.select_for_update().get(pk=round.pk)
    if locked.status == RoundStatus.DECIDED:
        return False
    if Application.objects.filter(round=locked, status__in=OPEN_STATUSES).exists():
        return False
    before = audit.snapshot(locked)
    locked.status = RoundStatus.DECIDED
    locked.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="evaluation.round.decide",
        obj=locked,
        before=before,
        province_id=locked.province_id,
    )
    round.status = locked.status
    return True


# --- the national result (5★) --------------------------------------------------------------
class NationalResultInvalid(ValidationFailed):
    code = "evaluation.national_result_invalid"


@transaction.atomic
def application_record_national(
    *,
    actor: Actor,
    application: Application,
    stars: int,
    decision_number: str,
    decided_on: dt.date,
) -> Application:
    """Record the ministry's result for an application proposed to the national level.

    Until then the application stays "potential 5★" (status proposed_national). Province officer
    of its province or admin. Stores national_stars / national_decision / national_decided_on
    and moves proposed_national → decided (StatusChange, audit, producer notice).
    `stars` is the ministry's star level (1–5; 5 when recognised as a national OCOP product).
    """
    app = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    require(actor, can_record_decision, app.round)
    errors: dict[str, list[str]] = {}
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        errors.setdefault("stars", []).append(str(_("Hạng sao từ 1 đến 5.")))
    if not (decision_number or "").strip():
        errors.setdefault("decision_number", []).append(str(_("Nhập số quyết định.")))
    if not isinstance(decided_on, dt.date):
        errors.setdefault("decided_on", []).append(str(_("Nhập ngày quyết định (dd/mm/yyyy).")))
    if errors:
        raise NationalResultInvalid.from_dict(errors)
    if app.status != ApplicationStatus.PROPOSED_NATIONAL:
        raise evaluation_errors.ApplicationInvalidTransition(
            verb=str(_("Ghi nhận kết quả Trung ương")),
            state=ApplicationStatus(app.status).label,
        )
    app.national_stars = stars
    app.national_decision = decision_number.strip()[:100]
    app.national_decided_on = decided_on
    app.save(
        update_fields=["national_stars", "national_decision", "national_decided_on", "updated_at"]
    )
    return evaluation_services.application_transition(
        actor=actor, application=app, verb="decide", reason=app.national_decision
    )


@transaction.atomic
def decision_publish(*, actor: Actor, decision: Decision) -> Decision:
    """Publish a recorded decision (sets published_at once; a second publish is a Conflict)."""
    require(actor, can_publish_decision, decision)
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.published_at is not None:
        raise DecisionAlreadyPublished(number=locked.number)
    before = audit.snapshot(locked)
    locked.published_at = clock.now()
    locked.save(update_fields=["published_at", "updated_at"])
    audit.record(
        actor=actor,
        action="evaluation.decision.publish",
        obj=locked,
        before=before,
        province_id=locked.round.province_id,
    )
    decision.published_at = locked.published_at
    return locked
