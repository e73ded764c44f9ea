"""Reads of the council pages: the round's council and seats, a member's sheets, the score-sheet
tree, the chair's summary table, decisions. Scoped to the actor (outside the scope looks missing).

Who sees what:
- the council page and summary: admin, province officer of the round's province, and the
  council's seat holders (the summary: chair, vice-chair and secretary);
- a sheet: only the member themself, for an application assigned to them and not recused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from ocop.accounts.constants import Role
from ocop.core import clock
from ocop.core.actor import Actor
from ocop.core.errors import NotFound
from ocop.criteria.models import Criterion, Part, Section
from ocop.evaluation import council as council_services
from ocop.evaluation import scoring, variants
from ocop.evaluation import selectors as evaluation_selectors
from ocop.evaluation.constants import ApplicationStatus, CouncilRole
from ocop.evaluation.models import (
    Application,
    Assignment,
    ConflictDeclaration,
    Council,
    CouncilMember,
    Decision,
    FieldVisit,
    Round,
    ScoreSheet,
)
from ocop.evaluation.results import DECIDABLE_OUTCOMES

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
    sheet: ScoreSheet | None  # None: not started

    @property
    def member(self) -> CouncilMember:
        return self.seat


def my_sheets(*, actor: Actor) -> list[MySheet]:
    """Applications assigned to the actor on any seat valid today; recused ones are hidden."""
    return [
        MySheet(row.application, row.member, row.sheet)
        for row in evaluation_selectors.sheets_for_member(actor=actor)
    ]


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
    sheet: ScoreSheet | None  # None: not started (or recused)
    total: Decimal | None  # the submitted total
    divergent: bool


@dataclass
class SummaryRow:
    application: Application
    cells: list[Cell]
    mean: Decimal | None  # as published (the rule set's rounding)
    stars: int | None  # band of the exact mean
    submitted: int
    expected: int

    @property
    def ready(self) -> bool:
        return self.expected > 0 and self.submitted == self.expected


@dataclass
class Summary:
    members: list[CouncilMember]
    rows: list[SummaryRow]


def council_summary(
    round: Round,  # noqa: A002
    council: Council,
    *,
    actor: Actor | None = None,
) -> Summary:
    """The evaluation selectors' council summary (totals, mean, band, divergence flags) with what
    the chair's page acts on: who is assigned and each sheet's state. A fixed number of queries
    whatever the size of the round. Callers check access first (the page and the API do);
    without `actor` the read is made as the system."""
    reader = actor if actor is not None else Actor.system("council summary")
    base = evaluation_selectors.council_summary(actor=reader, round=round)
    assigned = assignment_pairs(council)
    sheets = {
        (s.member_id, s.application_id): s
        for s in ScoreSheet.objects.filter(member__council=council).only(
            "id", "member_id", "application_id", "status", "total", "version", "returned_reason"
        )
    }
    rows = []
    for row in base.rows:
        app = row.application
        cells = []
        expected = submitted = 0
        for seat, total, recused in zip(base.members, row.totals, row.recused, strict=True):
            is_assigned = (seat.pk, app.pk) in assigned
            if is_assigned and not recused:
                expected += 1
                submitted += total is not None
            cells.append(
                Cell(
                    member=seat,
                    assigned=is_assigned,
                    recused=recused,
                    sheet=None if recused else sheets.get((seat.pk, app.pk)),
                    total=total,
                    divergent=seat.pk in row.divergent,
                )
            )
        rows.append(SummaryRow(app, cells, row.display_mean, row.stars, submitted, expected))
    return Summary(members=base.members, rows=rows)


# --- field visits ------------------------------------------------------------------------------
@dataclass
class VisitRow:
    application: Application
    required: bool
    visits: list[FieldVisit]


def field_visits(round: Round) -> list[VisitRow]:  # noqa: A002
    """Per application of the round: whether the variant requires a site visit for its product
    set (the tourism sets) and the visits recorded. Three queries."""
    apps = list(
        council_applications(round)
        .select_related("product__product_set")
        .prefetch_related(
            Prefetch(
                "field_visits",
                queryset=FieldVisit.objects.order_by("-visited_on", "-id").prefetch_related(
                    Prefetch("members", queryset=CouncilMember.objects.select_related("user"))
                ),
            )
        )
    )
    variant = round.process_variant
    return [
        VisitRow(
            application=a,
            required=variants.field_visit_required(
                variant, round.level, a.product.product_set.code
            ),
            visits=list(a.field_visits.all()),
        )
        for a in apps
    ]


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
