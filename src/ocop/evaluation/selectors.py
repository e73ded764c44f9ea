"""Every read of the evaluation app, scoped to the actor (outside the scope looks missing)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from ocop.accounts.constants import Role
from ocop.core import clock
from ocop.core.actor import Actor
from ocop.core.errors import NotFound
from ocop.core.text import fold
from ocop.evaluation import dossier, policies, scoring
from ocop.evaluation.models import (
    Application,
    Assignment,
    ConflictDeclaration,
    CouncilMember,
    PreAssessment,
    ProcessVariant,
    Round,
    ScoreAnswer,
    ScoreSheet,
    StatusChange,
)

# Dossier reads live in evaluation.dossier; re-exported here, the app's read entry point.
dossier_checklist = dossier.dossier_checklist
dossier_diff = dossier.dossier_diff
document_get = dossier.document_get
display_score = scoring.display_score


def variant_list() -> QuerySet[ProcessVariant]:
    """Process variants are reference data (not scoped)."""
    return ProcessVariant.objects.order_by("-effective_from")


def variant_in_force(*, on) -> ProcessVariant | None:
    """The variant whose [effective_from, effective_to] contains `on` (latest start wins)."""
    for variant in variant_list().exclude(is_demo=True):
        if variant.effective_from <= on and (
            variant.effective_to is None or on <= variant.effective_to
        ):
            return variant
    return None


def round_list(*, actor: Actor, year: int | None = None) -> QuerySet[Round]:
    qs = policies.scope_rounds(actor, Round.objects.select_related("province", "process_variant"))
    if year is not None:
        qs = qs.filter(year=year)
    return qs


def round_get(*, actor: Actor, public_id: uuid.UUID | str) -> Round:
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound() from None
    found = round_list(actor=actor).filter(public_id=public_id).first()
    if found is None:
        raise NotFound()
    return found


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related(
        "round__process_variant", "product", "producer", "province", "commune", "ruleset"
    )


def application_list(
    *,
    actor: Actor,
    round: Round | None = None,
    status: str | None = None,  # noqa: A002
    kind: str | None = None,
    commune: Any = None,
    q: str | None = None,
) -> QuerySet[Application]:
    """Applications the actor may see, filtered: round, status, kind, commune (a Commune or its
    id), q (words found in the product's or the producer's name, case- and accent-insensitive:
    "mat ong" finds "Mật ong", through the folded name_search columns)."""
    qs = policies.scope_applications(actor, _applications())
    if round is not None:
        qs = qs.filter(round=round)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if commune is not None and commune != "":
        qs = qs.filter(commune_id=getattr(commune, "pk", commune))
    for word in fold(q).split()[:8]:
        qs = qs.filter(
            Q(product__name_search__contains=word) | Q(producer__name_search__contains=word)
        )
    return qs


def application_get(*, actor: Actor, public_id: uuid.UUID | str) -> Application:
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound() from None
    found = application_list(actor=actor).filter(public_id=public_id).first()
    if found is None:
        raise NotFound()
    return found


def pre_assessment_report(*, actor: Actor, application: Any) -> PreAssessment:
    """The commune's pre-assessment with its signed report, for download: scoped like dossier
    documents (the application's viewers; a seated, non-recused council member). NotFound when
    the actor may not see it or no report was stored."""
    scoped = policies.scope_applications(
        actor, Application.objects.filter(pk=application.pk)
    ).exists()
    if not (scoped or policies.council_member_sees(actor, application)):
        raise NotFound()
    record = PreAssessment.objects.filter(application_id=application.pk).first()
    if record is None or not record.report_file:
        raise NotFound()
    return record


def application_history(*, actor: Actor, application: Any) -> QuerySet[StatusChange]:
    """The moves of an application the actor may see, oldest first."""
    visible = application_get(actor=actor, public_id=application.public_id)
    return visible.status_changes.select_related("actor_user").order_by("at", "id")


# --- a council member's view (recusal: a recused member neither sees nor scores) ----------------
def _seats(actor: Actor) -> QuerySet[CouncilMember]:
    """The actor's council seats valid today."""
    if actor.user_id is None:
        return CouncilMember.objects.none()
    today = clock.today()
    return CouncilMember.objects.filter(
        user_id=actor.user_id, valid_from__lte=today, valid_to__gte=today
    )


def _recused(member_ref: Any) -> Exists:
    return Exists(
        ConflictDeclaration.objects.filter(
            member=member_ref, application=OuterRef("application_id"), has_conflict=True
        )
    )


@dataclass(frozen=True)
class MemberSheet:
    application: Application
    member: CouncilMember
    sheet: ScoreSheet | None  # None: not started

    @property
    def seat(self) -> CouncilMember:
        """The member's seat (same as `member`)."""
        return self.member


def sheets_for_member(*, actor: Actor) -> list[MemberSheet]:
    """Every application assigned to the actor on a seat valid today, with their sheet, except
    those they declared a conflict of interest for. Three queries."""
    assignments = (
        Assignment.objects.filter(member__in=_seats(actor))
        .annotate(recused=_recused(OuterRef("member_id")))
        .filter(recused=False)
        .select_related(
            "member__council__round",
            "application__product",
            "application__producer",
            "application__round",
            "application__ruleset",
        )
        .order_by("application__round_id", "application_id")
    )
    rows = list(assignments)
    sheets = {
        (s.member_id, s.application_id): s
        for s in ScoreSheet.objects.filter(
            member_id__in={a.member_id for a in rows},
            application_id__in={a.application_id for a in rows},
        )
    }
    return [
        MemberSheet(a.application, a.member, sheets.get((a.member_id, a.application_id)))
        for a in rows
    ]


def applications_for_member(*, actor: Actor, round: Round) -> QuerySet[Application]:  # noqa: A002
    """Applications of `round` assigned to the actor's seat on its council, without those the
    actor declared a conflict for. No seat valid today: none."""
    seat = _seats(actor).filter(council__round=round).first()
    if seat is None:
        return Application.objects.none()
    conflict = ConflictDeclaration.objects.filter(
        member=seat, application=OuterRef("pk"), has_conflict=True
    )
    return (
        _applications()
        .filter(round=round, assignments__member=seat)
        .exclude(Exists(conflict))
        .order_by("id")
    )


LEADERS = frozenset({"chair", "vice_chair", "secretary"})


def _leads_or_manages(actor: Actor, round: Round) -> bool:  # noqa: A002
    if actor.is_system or actor.has_role(Role.ADMIN):
        return True
    if actor.covers(Role.PROVINCE_OFFICER, province_id=round.province_id):
        return True
    return _seats(actor).filter(council__round=round, role__in=LEADERS).exists()


def sheet_get(*, actor: Actor, application: Application, member: CouncilMember) -> ScoreSheet:
    """`member`'s sheet of `application`, answers prefetched; an unsaved draft (version 1) when
    not started. Visible to the member themself (seat valid today), the council's chair,
    vice-chair and secretary, the round's province officers. NotFound when the member is not
    assigned to the application or declared a conflict for it (recused), or the actor may not."""
    rnd = application.round
    if member.council.round_id != rnd.pk:
        raise NotFound()
    own = _seats(actor).filter(pk=member.pk).exists()
    if not own and not _leads_or_manages(actor, rnd):
        raise NotFound()
    assigned = Assignment.objects.filter(member=member, application=application).exists()
    recused = ConflictDeclaration.objects.filter(
        member=member, application=application, has_conflict=True
    ).exists()
    if not assigned or recused:
        raise NotFound()
    sheet = (
        ScoreSheet.objects.filter(application=application, member=member)
        .prefetch_related(Prefetch("answers", queryset=_answers()))
        .first()
    )
    return sheet or ScoreSheet(application=application, member=member, version=1)


def _answers() -> QuerySet[ScoreAnswer]:
    return ScoreAnswer.objects.select_related("criterion", "option").order_by("criterion_id")


# --- the council's summary ----------------------------------------------------------------------
@dataclass(frozen=True)
class SummaryRow:
    application: Application
    # One per member, in `CouncilSummary.members` order: the submitted total, None when the
    # member is recused, not assigned or has not submitted.
    totals: list[Decimal | None]
    recused: list[bool]
    mean: Decimal | None  # exact mean of the submitted totals
    stars: int | None  # band of the exact mean on the application's rule set
    divergent: frozenset[int]  # member ids flagged by the round's divergence threshold

    @property
    def display_mean(self) -> Decimal | None:
        if self.mean is None:
            return None
        return scoring.display(self.mean, self.application.ruleset)


@dataclass(frozen=True)
class CouncilSummary:
    round: Round
    members: list[CouncilMember]
    rows: list[SummaryRow]


ROLE_ORDER = {"chair": 0, "vice_chair": 1, "secretary": 2}


def council_summary(*, actor: Actor, round: Round) -> CouncilSummary:  # noqa: A002
    """Per application of the round (past the commune): each member's submitted total, the
    mean, the star band and divergence flags. For the round's province officers and the
    council's chair, vice-chair and secretary (else NotFound). Six queries whatever the number
    of applications and members."""
    if not _leads_or_manages(actor, round):
        raise NotFound()
    seats = sorted(
        CouncilMember.objects.filter(council__round=round).select_related("user"),
        key=lambda m: (ROLE_ORDER.get(m.role, 3), m.pk),
    )
    apps = list(
        _applications()
        .filter(round=round)
        .exclude(status__in=NOT_FOR_COUNCIL)
        .prefetch_related("ruleset__star_bands")
        .order_by("id")
    )
    recused = set(
        ConflictDeclaration.objects.filter(
            member__council__round=round, has_conflict=True
        ).values_list("member_id", "application_id")
    )
    totals = {
        (member_id, app_id): total
        for member_id, app_id, total in ScoreSheet.objects.filter(
            member__council__round=round, status="submitted"
        ).values_list("member_id", "application_id", "total")
    }
    rows = []
    for app in apps:
        values: list[Decimal | None] = []
        flags = []
        present: dict[int, Decimal] = {}
        for seat in seats:
            pair = (seat.pk, app.pk)
            is_recused = pair in recused
            value = None if is_recused else totals.get(pair)
            values.append(value)
            flags.append(is_recused)
            if value is not None:
                present[seat.pk] = value
        mean = scoring.mean_total(present.values()) if present else None
        stars = None
        if mean is not None and app.ruleset is not None:
            band = scoring.band_for(sorted(app.ruleset.star_bands.all(), key=_low), mean)
            stars = band.stars if band is not None else None
        divergent = frozenset(scoring.divergent_members(present, round.divergence_threshold))
        rows.append(SummaryRow(app, values, flags, mean, stars, divergent))
    return CouncilSummary(round=round, members=seats, rows=rows)


def _low(band: Any) -> Decimal:
    return band.min_inclusive


NOT_FOR_COUNCIL = ("draft", "withdrawn", "returned")


# --- export -------------------------------------------------------------------------------------
EXPORT_COLUMNS = (
    ("code", _lazy("Mã hồ sơ")),
    ("product", _lazy("Sản phẩm")),
    ("producer", _lazy("Chủ thể")),
    ("commune", _lazy("Xã/phường")),
    ("round", _lazy("Đợt đánh giá")),
    ("kind", _lazy("Loại hồ sơ")),
    ("status", _lazy("Trạng thái")),
    ("submitted_at", _lazy("Ngày nộp")),
    ("score", _lazy("Điểm trung bình")),
    ("stars", _lazy("Hạng sao")),
    ("outcome", _lazy("Kết quả")),
    ("decision", _lazy("Số quyết định")),
)


def application_export_rows(*, actor: Actor, **filters: Any) -> list[dict[str, Any]]:
    """The rows of `application_list(actor, **filters)` as plain values for a spreadsheet (keys:
    EXPORT_COLUMNS), labels in the active language. Two queries."""
    qs = application_list(actor=actor, **filters).select_related("decision").order_by("id")
    rows = []
    for app in qs:
        submitted = timezone.localtime(app.submitted_at).date() if app.submitted_at else None
        rows.append(
            {
                "code": str(app.public_id),
                "product": app.product.name,
                "producer": app.producer.name,
                "commune": app.commune.name,
                "round": app.round.name,
                "kind": str(app.get_kind_display()),
                "status": str(app.get_status_display()),
                "submitted_at": submitted,
                "score": scoring.display(app.score, app.ruleset) if app.score is not None else None,
                "stars": app.stars,
                "outcome": str(app.get_outcome_display()) if app.outcome else "",
                "decision": app.decision.number if app.decision_id else "",
            }
        )
    return rows
