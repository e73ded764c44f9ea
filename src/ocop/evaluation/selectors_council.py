"""Reads of the council pages: the round's council and seats, a member's sheets, the score-sheet
tree, the chair's summary table, decisions. Scoped to the actor (outside the scope looks missing).

Who sees what:
- the council page and summary: admin, province officer of the round's province, and the
  council's seat holders (the summary: chair, vice-chair and secretary);
- a sheet: only the member themself, for an application assigned to them and not recused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from ocop.accounts.constants import Role
from ocop.core import clock
from ocop.core.actor import Actor
from ocop.core.errors import NotFound
from ocop.criteria.models import Criterion, Part, Section
from ocop.evaluation import council as council_services
from ocop.evaluation import scoring
from ocop.evaluation.constants import ApplicationStatus, CouncilRole, SheetStatus
from ocop.evaluation.models import (
    Application,
    Assignment,
    ConflictDeclaration,
    Council,
    CouncilMember,
    Decision,
    Round,
    ScoreSheet,
)
from ocop.evaluation.results import DECIDABLE_OUTCOMES

CENT = Decimal("0.01")
LEADERS = (CouncilRole.CHAIR, CouncilRole.VICE_CHAIR, CouncilRole.SECRETARY)
# Applications a council can work on (registered and past the commune).
NOT_FOR_COUNCIL = (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN, ApplicationStatus.RETURNED)


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


def _central(actor: Actor) -> bool:
    return actor.is_system or actor.has_role(Role.ADMIN)


def is_officer_of(actor: Actor, round: Round) -> bool:  # noqa: A002
    return _central(actor) or actor.covers(Role.PROVINCE_OFFICER, province_id=round.province_id)


def council_of(round: Round) -> Council | None:  # noqa: A002
    return Council.objects.filter(round=round).select_related("round__province").first()


def seat_of(actor: Actor, council: Council | None) -> CouncilMember | None:
    """The actor's seat on the council, valid today."""
    if council is None or actor.user_id is None:
        return None
    today = clock.today()
    return (
        CouncilMember.objects.filter(
            council=council, user_id=actor.user_id, valid_from__lte=today, valid_to__gte=today
        )
        .select_related("user", "council__round")
        .first()
    )


def council_round(*, actor: Actor, public_id: Any) -> Round:
    """A round whose council pages the actor may open: its officers and its seat holders."""
    found = (
        Round.objects.select_related("province", "process_variant")
        .filter(public_id=_uuid(public_id))
        .first()
    )
    if found is None:
        raise NotFound()
    if is_officer_of(actor, found) or seat_of(actor, council_of(found)) is not None:
        return found
    raise NotFound()


def members(council: Council) -> list[CouncilMember]:
    order = {CouncilRole.CHAIR: 0, CouncilRole.VICE_CHAIR: 1, CouncilRole.SECRETARY: 2}
    rows = list(council.members.select_related("user").order_by("id"))
    rows.sort(key=lambda m: (order.get(m.role, 3), m.pk))
    return rows


def member_get(council: Council, member_id: Any) -> CouncilMember:
    try:
        pk = int(member_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    found = council.members.select_related("user", "council__round").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def user_by_username(username: str) -> Any:
    return (
        get_user_model().objects.filter(username=(username or "").strip(), is_active=True).first()
    )


def council_applications(round: Round) -> QuerySet[Application]:  # noqa: A002
    return (
        Application.objects.filter(round=round)
        .exclude(status__in=NOT_FOR_COUNCIL)
        .select_related("product", "producer", "ruleset")
        .order_by("id")
    )


def round_application(round: Round, public_id: Any) -> Application:  # noqa: A002
    found = council_applications(round).filter(public_id=_uuid(public_id)).first()
    if found is None:
        raise NotFound()
    return found


def assignment_pairs(council: Council) -> set[tuple[int, int]]:
    return set(
        Assignment.objects.filter(member__council=council).values_list(
            "member_id", "application_id"
        )
    )


def recused_pairs(council: Council) -> set[tuple[int, int]]:
    return set(
        ConflictDeclaration.objects.filter(member__council=council, has_conflict=True).values_list(
            "member_id", "application_id"
        )
    )


def declarations_of(seat: CouncilMember) -> dict[int, ConflictDeclaration]:
    return {d.application_id: d for d in seat.declarations.all()}


# --- a member's sheets ------------------------------------------------------------------------
@dataclass(frozen=True)
class MySheet:
    application: Application
    seat: CouncilMember
    sheet: ScoreSheet | None


def my_sheets(*, actor: Actor) -> list[MySheet]:
    """Applications assigned to the actor on any seat valid today; recused ones are hidden."""
    if actor.user_id is None:
        return []
    today = clock.today()
    seats = list(
        CouncilMember.objects.filter(
            user_id=actor.user_id, valid_from__lte=today, valid_to__gte=today
        ).select_related("council__round")
    )
    if not seats:
        return []
    recused = set(
        ConflictDeclaration.objects.filter(member__in=seats, has_conflict=True).values_list(
            "member_id", "application_id"
        )
    )
    sheets = {
        (s.member_id, s.application_id): s for s in ScoreSheet.objects.filter(member__in=seats)
    }
    by_id = {s.pk: s for s in seats}
    rows = []
    assignments = (
        Assignment.objects.filter(member__in=seats)
        .select_related("application__product", "application__producer", "application__round")
        .order_by("application__round_id", "application_id")
    )
    for a in assignments:
        if (a.member_id, a.application_id) in recused:
            continue
        rows.append(
            MySheet(
                application=a.application,
                seat=by_id[a.member_id],
                sheet=sheets.get((a.member_id, a.application_id)),
            )
        )
    return rows


def sheet_target(*, actor: Actor, public_id: Any) -> tuple[Application, CouncilMember]:
    """The application and the actor's seat for their own sheet; 404 when not assigned or
    recused (a recused member neither sees nor scores it)."""
    app = (
        Application.objects.select_related("round", "product", "producer", "ruleset")
        .filter(public_id=_uuid(public_id))
        .first()
    )
    if app is None:
        raise NotFound()
    seat = seat_of(actor, council_of(app.round))
    if seat is None or not council_services.member_can_score(seat, app):
        raise NotFound()
    return app, seat


def application_for_council(*, actor: Actor, public_id: Any) -> Application:
    """An application of a round whose council pages the actor may open (else 404)."""
    app = (
        Application.objects.select_related("round", "product", "producer", "ruleset")
        .filter(public_id=_uuid(public_id))
        .first()
    )
    if app is None:
        raise NotFound()
    council_round(actor=actor, public_id=app.round.public_id)
    return app


def sheet_of(application: Application, member: CouncilMember) -> ScoreSheet | None:
    return (
        ScoreSheet.objects.filter(application=application, member=member)
        .prefetch_related("answers")
        .first()
    )


def ruleset_tree(ruleset: Any) -> list[Part]:
    """Parts → sections → criteria → options of a rule set, in four queries."""
    criteria = Criterion.objects.order_by("position", "id").prefetch_related("options")
    sections = Section.objects.order_by("position", "id").prefetch_related(
        Prefetch("criteria", queryset=criteria)
    )
    return list(
        Part.objects.filter(ruleset=ruleset)
        .order_by("position", "id")
        .prefetch_related(Prefetch("sections", queryset=sections))
    )


# --- totals of an unsaved sheet ---------------------------------------------------------------
@dataclass
class Totals:
    parts: list[tuple[Part, Decimal, Decimal]]  # (part, points, max)
    total: Decimal
    answered: int
    criteria: int
    stars: int | None
    unknown: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.answered == self.criteria


def totals_for(ruleset: Any, tree: list[Part], choices: dict[str, str]) -> Totals:
    """Running totals of a sheet being filled: the chosen options' points per part and overall,
    with the band the total would fall in (the same points the services store)."""
    parts = []
    total = Decimal(0)
    answered = count = 0
    for part in tree:
        points = Decimal(0)
        for section in part.sections.all():
            for criterion in section.criteria.all():
                count += 1
                chosen = choices.get(criterion.code)
                option = next((o for o in criterion.options.all() if o.code == chosen), None)
                if option is not None:
                    answered += 1
                    points += option.points
        parts.append((part, points, part.max_points))
        total += points
    stars = None
    if answered == count and count:
        try:
            stars = scoring.stars_for(ruleset, total)
        except Exception:  # noqa: BLE001 - a total outside every band shows no star
            stars = None
    return Totals(parts=parts, total=total, answered=answered, criteria=count, stars=stars)


# --- the chair's summary ---------------------------------------------------------------------
@dataclass
class Cell:
    member: CouncilMember
    assigned: bool
    recused: bool
    sheet: ScoreSheet | None
    divergent: bool = False


@dataclass
class SummaryRow:
    application: Application
    cells: list[Cell]
    mean: Decimal | None
    stars: int | None
    submitted: int
    expected: int

    @property
    def ready(self) -> bool:
        return self.expected > 0 and self.submitted == self.expected


@dataclass
class Summary:
    members: list[CouncilMember]
    rows: list[SummaryRow]


def _star_of(bands: list[Any], score: Decimal) -> int | None:
    band = scoring.band_for(bands, score)
    return band.stars if band is not None else None


def council_summary(round: Round, council: Council) -> Summary:  # noqa: A002
    """Applications × members: each member's total, the mean of submitted totals, the star band,
    divergence flags. A fixed number of queries whatever the size of the round."""
    seats = members(council)
    apps = list(council_applications(round).prefetch_related("ruleset__star_bands"))
    assigned = assignment_pairs(council)
    recused = recused_pairs(council)
    sheets = {
        (s.member_id, s.application_id): s
        for s in ScoreSheet.objects.filter(member__council=council).only(
            "id", "member_id", "application_id", "status", "total", "version", "returned_reason"
        )
    }
    threshold = round.divergence_threshold
    rows = []
    for app in apps:
        cells = []
        totals: dict[int, Decimal] = {}
        expected = 0
        for seat in seats:
            pair = (seat.pk, app.pk)
            sheet = sheets.get(pair)
            is_assigned = pair in assigned
            is_recused = pair in recused
            if is_assigned and not is_recused:
                expected += 1
                if sheet is not None and sheet.status == SheetStatus.SUBMITTED:
                    totals[seat.pk] = sheet.total or Decimal(0)
            cells.append(Cell(seat, is_assigned, is_recused, sheet if not is_recused else None))
        flagged = scoring.divergent_members(totals, threshold)
        for cell in cells:
            cell.divergent = cell.member.pk in flagged
        mean = stars = None
        if totals:
            exact = scoring.mean_total(totals.values())
            mean = exact.quantize(CENT, rounding=ROUND_HALF_UP)
            bands = list(app.ruleset.star_bands.all()) if app.ruleset is not None else []
            stars = _star_of(bands, exact)
        rows.append(SummaryRow(app, cells, mean, stars, len(totals), expected))
    return Summary(members=seats, rows=rows)


# --- decisions ---------------------------------------------------------------------------------
def decisions(round: Round, *, published_only: bool = False) -> QuerySet[Decision]:  # noqa: A002
    qs = Decision.objects.filter(round=round).prefetch_related(
        Prefetch(
            "applications",
            queryset=Application.objects.select_related("product", "producer").order_by("id"),
        )
    )
    if published_only:
        qs = qs.filter(published_at__isnull=False)
    return qs.order_by("-signed_on", "-id")


def decision_get(round: Round, public_id: Any) -> Decision:  # noqa: A002
    found = Decision.objects.filter(round=round, public_id=_uuid(public_id)).first()
    if found is None:
        raise NotFound()
    return found


def decidable_applications(round: Round) -> QuerySet[Application]:  # noqa: A002
    return (
        Application.objects.filter(
            round=round, outcome__in=DECIDABLE_OUTCOMES, decision__isnull=True
        )
        .select_related("product", "producer")
        .order_by("id")
    )
