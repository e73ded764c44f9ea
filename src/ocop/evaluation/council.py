"""The council's work: seats, conflict declarations, assignments, score sheets, the final score.

Policies of these writes sit at the top of this module (deny by default):
- admin and the system actor: everything;
- province officer of the round's province: create councils, seat members, assign, finalise;
- the council's secretary or chair: assign, record field visits; the secretary: enter a signed
  paper sheet, finalise;
- the chair: return a sheet for re-scoring (e.g. a divergent total);
- a member: declare (no) conflict, save and submit their own sheet of an assigned application
  they did not recuse themselves from.

A stale `expected_version` on a sheet is a 409 ("evaluation.sheet_stale"); sheets and
applications are re-read under lock before every write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts import services as account_services
from ocop.accounts.constants import Role
from ocop.accounts.models import Membership
from ocop.core import audit, clock
from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.errors import Conflict, ValidationFailed
from ocop.core.files import check_upload, upload_path
from ocop.evaluation import scoring, variants
from ocop.evaluation import services as evaluation_services
from ocop.evaluation.constants import ApplicationStatus, CouncilRole, Outcome, SheetStatus
from ocop.evaluation.models import (
    Application,
    Assignment,
    ConflictDeclaration,
    Council,
    CouncilMember,
    FieldVisit,
    Round,
    ScoreAnswer,
    ScoreSheet,
)

STORED = Decimal("0.01")
MANDATORY_YES = "yes"


# --- errors -------------------------------------------------------------------------------------
class CouncilInvalid(ValidationFailed):
    code = "evaluation.council_invalid"


class SheetInvalid(ValidationFailed):
    code = "evaluation.sheet_invalid"


class SheetStale(Conflict):
    code = "evaluation.sheet_stale"
    message = gettext_lazy(
        "Phiếu chấm đã được người khác lưu (phiên bản %(current)s); tải lại phiếu rồi chấm tiếp."
    )


class SheetLocked(Conflict):
    code = "evaluation.sheet_locked"
    message = gettext_lazy("Phiếu chấm đã nộp; chỉ Chủ tịch hội đồng có thể trả lại để chấm lại.")


class ScoringIncomplete(Conflict):
    code = "evaluation.scoring_incomplete"
    message = gettext_lazy("Còn %(missing)s thành viên được phân công chưa nộp phiếu chấm.")


class ScoringClosed(Conflict):
    code = "evaluation.scoring_closed"
    message = gettext_lazy("Hội đồng đã chốt điểm hồ sơ này; không nhận thêm hay sửa phiếu chấm.")


class FieldVisitMissing(Conflict):
    code = "evaluation.field_visit_missing"
    message = gettext_lazy(
        "Bộ sản phẩm «%(product_set)s» phải có biên bản khảo sát thực tế trước khi chốt điểm."
    )


class FieldVisitInvalid(ValidationFailed):
    code = "evaluation.field_visit_invalid"


class RuleSetNotScorable(Conflict):
    code = "evaluation.ruleset_not_scorable"
    message = gettext_lazy("Bộ tiêu chí «%(ruleset)s» không được dùng để chấm điểm.")


# --- policies -----------------------------------------------------------------------------------
def _is_central(actor: Actor) -> bool:
    return actor.is_system or actor.has_role(Role.ADMIN)


def _province_officer(actor: Actor, province_id: int | None) -> bool:
    return actor.covers(Role.PROVINCE_OFFICER, province_id=province_id)


def _seat(actor: Actor, council: Council) -> CouncilMember | None:
    if actor.user_id is None:
        return None
    today = clock.today()
    return CouncilMember.objects.filter(
        council=council, user_id=actor.user_id, valid_from__lte=today, valid_to__gte=today
    ).first()


def _holds(actor: Actor, council: Council, *roles: str) -> bool:
    seat = _seat(actor, council)
    return seat is not None and seat.role in roles


def can_create_council(actor: Actor, round: Round) -> bool:  # noqa: A002
    return _is_central(actor) or _province_officer(actor, round.province_id)


def can_manage_council(actor: Actor, council: Council) -> bool:
    return _is_central(actor) or _province_officer(actor, council.round.province_id)


def can_assign_council(actor: Actor, council: Council) -> bool:
    return can_manage_council(actor, council) or _holds(
        actor, council, CouncilRole.SECRETARY, CouncilRole.CHAIR
    )


def can_declare_conflict(actor: Actor, member: CouncilMember) -> bool:
    return actor.user_id is not None and actor.user_id == member.user_id


def can_score_sheet(actor: Actor, member: CouncilMember) -> bool:
    """Only the member themself, on a seat valid today."""
    today = clock.today()
    return (
        actor.user_id is not None
        and actor.user_id == member.user_id
        and member.valid_from <= today <= member.valid_to
    )


def can_enter_paper_sheet(actor: Actor, council: Council) -> bool:
    return _is_central(actor) or _holds(actor, council, CouncilRole.SECRETARY)


def can_return_sheet(actor: Actor, council: Council) -> bool:
    return _is_central(actor) or _holds(actor, council, CouncilRole.CHAIR)


def can_record_field_visit(actor: Actor, council: Council) -> bool:
    """Province officer of the round's province, the council's secretary or chair."""
    return can_manage_council(actor, council) or _holds(
        actor, council, CouncilRole.SECRETARY, CouncilRole.CHAIR
    )


def can_finalise_score(actor: Actor, council: Council) -> bool:
    return can_manage_council(actor, council) or _holds(actor, council, CouncilRole.SECRETARY)


# --- helpers ------------------------------------------------------------------------------------
def is_recused(member: CouncilMember, application: Application) -> bool:
    return ConflictDeclaration.objects.filter(
        member=member, application=application, has_conflict=True
    ).exists()


def member_can_score(member: CouncilMember, application: Application) -> bool:
    """Assigned to the application and not recused (a recused member neither sees nor scores it)."""
    if member.council.round_id != application.round_id:
        return False
    assigned = Assignment.objects.filter(member=member, application=application).exists()
    return assigned and not is_recused(member, application)


def _check_same_round(council: Council, application: Application) -> None:
    if application.round_id != council.round_id:
        raise SheetInvalid.from_dict(
            {"application": [_("Hồ sơ không thuộc đợt đánh giá của hội đồng.")]}
        )


# --- councils and seats -------------------------------------------------------------------------
@transaction.atomic
def council_create(
    *,
    actor: Actor,
    round: Round,  # noqa: A002 - the domain's word
    name: str,
    establishing_decision: str = "",
    established_on: dt.date | None = None,
) -> Council:
    """The council of one round (one per round)."""
    require(actor, can_create_council, round)
    if not (name or "").strip():
        raise CouncilInvalid.from_dict({"name": [_("Nhập tên hội đồng.")]})
    if Council.objects.filter(round=round).exists():
        raise CouncilInvalid.from_dict({"round": [_("Đợt đánh giá này đã có hội đồng.")]})
    council = Council.objects.create(
        round=round,
        name=name.strip(),
        establishing_decision=(establishing_decision or "").strip(),
        established_on=established_on,
    )
    audit.record(actor=actor, action="evaluation.council.create", obj=council, before=None)
    return council


def _covering_council_role(
    user: Any, province_id: int, valid_from: dt.date, valid_to: dt.date
) -> Membership | None:
    """The user's council_member role over the whole province covering [valid_from, valid_to]."""
    return (
        Membership.objects.filter(
            user=user,
            role=Role.COUNCIL_MEMBER,
            province_id=province_id,
            commune__isnull=True,
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=valid_from))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_to))
        .order_by("id")
        .first()
    )


@transaction.atomic
def council_member_add(
    *,
    actor: Actor,
    council: Council,
    user: Any,
    role: str,
    valid_from: dt.date,
    valid_to: dt.date,
    organisation: str = "",
    is_external: bool = False,
) -> CouncilMember:
    """Seat `user` on the council; also grants a council_member Membership for the same period
    over the round's province (granted by the system: seating is the province officer's act).
    A council_member role the user already holds in that province over the whole seat period
    (e.g. open-ended) is reused and linked instead of granting an overlapping one."""
    require(actor, can_manage_council, council)
    errors: dict[str, list[str]] = {}
    if role not in CouncilRole.values:
        errors.setdefault("role", []).append(_("Vai trò trong hội đồng không hợp lệ."))
    if valid_to < valid_from:
        errors.setdefault("valid_to", []).append(_("Ngày kết thúc phải sau ngày bắt đầu."))
    if CouncilMember.objects.filter(council=council, user=user).exists():
        errors.setdefault("user", []).append(_("Người này đã là thành viên hội đồng."))
    if errors:
        raise CouncilInvalid.from_dict(errors)
    membership = _covering_council_role(user, council.round.province_id, valid_from, valid_to)
    if membership is None:
        membership = account_services.membership_grant(
            actor=Actor.system("council_member_add"),
            user=user,
            role=Role.COUNCIL_MEMBER,
            province=council.round.province,
            valid_from=valid_from,
            valid_to=valid_to,
            note=str(council.name)[:200],
        )
    member = CouncilMember.objects.create(
        council=council,
        user=user,
        role=role,
        organisation=(organisation or "").strip(),
        is_external=is_external,
        membership=membership,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    audit.record(actor=actor, action="evaluation.council_member.add", obj=member, before=None)
    return member


@transaction.atomic
def conflict_declare(
    *,
    actor: Actor,
    member: CouncilMember,
    application: Application,
    has_conflict: bool,
    note: str = "",
) -> ConflictDeclaration:
    """The member's own declaration; a conflict recuses them from the application."""
    require(actor, can_declare_conflict, member)
    _check_same_round(member.council, application)
    if has_conflict and not (note or "").strip():
        raise CouncilInvalid.from_dict({"note": [_("Nêu lý do xung đột lợi ích.")]})
    existing = ConflictDeclaration.objects.filter(member=member, application=application).first()
    before = audit.snapshot(existing) if existing else None
    declaration, _created = ConflictDeclaration.objects.update_or_create(
        member=member,
        application=application,
        defaults={
            "has_conflict": bool(has_conflict),
            "note": (note or "").strip(),
            "declared_at": clock.now(),
        },
    )
    audit.record(actor=actor, action="evaluation.conflict.declare", obj=declaration, before=before)
    return declaration


@transaction.atomic
def assignment_bulk(
    *,
    actor: Actor,
    council: Council,
    applications: Iterable[Application],
    members: Iterable[CouncilMember],
) -> list[Assignment]:
    """Assign every application to every member, skipping recused pairs and existing ones.
    Returns the assignments created (none on a repeat call)."""
    require(actor, can_assign_council, council)
    applications = list(applications)
    members = list(members)
    errors: dict[str, list[str]] = {}
    if any(app.round_id != council.round_id for app in applications):
        errors.setdefault("applications", []).append(
            _("Có hồ sơ không thuộc đợt đánh giá của hội đồng.")
        )
    if any(m.council_id != council.pk for m in members):
        errors.setdefault("members", []).append(_("Có người không phải thành viên hội đồng."))
    if errors:
        raise CouncilInvalid.from_dict(errors)
    recused = set(
        ConflictDeclaration.objects.filter(
            member__in=members, application__in=applications, has_conflict=True
        ).values_list("member_id", "application_id")
    )
    existing = set(
        Assignment.objects.filter(member__in=members, application__in=applications).values_list(
            "member_id", "application_id"
        )
    )
    now = clock.now()
    created = []
    for app in applications:
        for member in members:
            pair = (member.pk, app.pk)
            if pair in recused or pair in existing:
                continue
            assignment = Assignment.objects.create(member=member, application=app, assigned_at=now)
            audit.record(
                actor=actor, action="evaluation.assignment.create", obj=assignment, before=None
            )
            created.append(assignment)
    return created


# --- score sheets -------------------------------------------------------------------------------
def _criteria(ruleset: Any) -> dict[str, Any]:
    return {c.code: c for c in ruleset.criteria.select_related("part").prefetch_related("options")}


def _validated_answers(ruleset: Any, answers: dict) -> list[tuple[Any, Any, str]]:
    """[(criterion, option, comment)] or SheetInvalid naming every bad criterion."""
    criteria = _criteria(ruleset)
    errors: dict[str, list[str]] = {}
    rows = []
    for code, value in (answers or {}).items():
        criterion = criteria.get(code)
        if criterion is None:
            errors.setdefault(str(code), []).append(
                _("Tiêu chí không thuộc bộ tiêu chí của hồ sơ.")
            )
            continue
        if isinstance(value, str):
            option_code, comment = value, ""
        else:
            try:
                option_code, comment = value
            except (TypeError, ValueError):
                errors.setdefault(code, []).append(_("Chọn đúng một phương án cho tiêu chí."))
                continue
        option = next((o for o in criterion.options.all() if o.code == option_code), None)
        if option is None:
            errors.setdefault(code, []).append(_("Phương án không thuộc tiêu chí này."))
            continue
        rows.append((criterion, option, str(comment or "").strip()))
    if errors:
        raise SheetInvalid.from_dict(errors)
    return rows


def _scorable_ruleset(application: Application) -> Any:
    ruleset = application.ruleset
    if ruleset is None:
        raise SheetInvalid.from_dict({"ruleset": [_("Hồ sơ chưa gắn bộ tiêu chí.")]})
    if not ruleset.is_scorable:
        raise RuleSetNotScorable(ruleset=ruleset.code)
    return ruleset


CLOSED = frozenset(
    {
        ApplicationStatus.SCORED,
        ApplicationStatus.RECOGNISED,
        ApplicationStatus.NOT_RECOGNISED,
        ApplicationStatus.PROPOSED_NATIONAL,
        ApplicationStatus.DECIDED,
        ApplicationStatus.WITHDRAWN,
    }
)


def _lock_open_application(application_id: int) -> Application:
    """Lock the application row (serialises sheets against finalising); refuse once scored."""
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("ruleset")
        .get(pk=application_id)
    )
    if app.outcome or app.status in CLOSED:
        raise ScoringClosed()
    return app


def _application_id(sheet: ScoreSheet) -> int:
    return ScoreSheet.objects.values_list("application_id", flat=True).get(pk=sheet.pk)


def _locked_sheet(application: Application, member: CouncilMember) -> ScoreSheet:
    sheet, _created = ScoreSheet.objects.get_or_create(application=application, member=member)
    return ScoreSheet.objects.select_for_update().get(pk=sheet.pk)


def _recompute(sheet: ScoreSheet) -> None:
    total = Decimal(0)
    parts: dict[str, Decimal] = {}
    for answer in sheet.answers.select_related("criterion__part"):
        total += answer.points
        code = answer.criterion.part.code
        parts[code] = parts.get(code, Decimal(0)) + answer.points
    sheet.total = total
    sheet.part_totals = {code: str(value) for code, value in sorted(parts.items())}


def _write_answers(
    *,
    actor: Actor,
    application: Application,
    member: CouncilMember,
    answers: dict,
    expected_version: int | None,
    action: str,
) -> ScoreSheet:
    application = _lock_open_application(application.pk)
    ruleset = _scorable_ruleset(application)
    if not member_can_score(member, application):
        raise SheetInvalid.from_dict(
            {"member": [_("Thành viên không được phân công hoặc đã khai báo xung đột lợi ích.")]}
        )
    sheet = _locked_sheet(application, member)
    # No version given: only a new sheet may be written (a blind write never overwrites).
    if sheet.version != (1 if expected_version is None else expected_version):
        raise SheetStale(current=sheet.version)
    if sheet.status == SheetStatus.SUBMITTED:
        raise SheetLocked()
    rows = _validated_answers(ruleset, answers)
    before = audit.snapshot(sheet)
    for criterion, option, comment in rows:
        ScoreAnswer.objects.update_or_create(
            sheet=sheet,
            criterion=criterion,
            defaults={"option": option, "points": option.points, "comment": comment},
        )
    _recompute(sheet)
    sheet.version += 1
    sheet.save()
    audit.record(actor=actor, action=action, obj=sheet, before=before)
    return sheet


@transaction.atomic
def sheet_save(
    *,
    actor: Actor,
    application: Application,
    member: CouncilMember,
    answers: dict[str, tuple[str, str]],
    expected_version: int | None,
) -> ScoreSheet:
    """Save (part of) a member's sheet: {criterion code: (option code, comment)}.
    `expected_version` is the version the member loaded (a new sheet starts at 1)."""
    require(actor, can_score_sheet, member)
    return _write_answers(
        actor=actor,
        application=application,
        member=member,
        answers=answers,
        expected_version=expected_version,
        action="evaluation.sheet.save",
    )


@transaction.atomic
def sheet_enter_paper(
    *,
    actor: Actor,
    application: Application,
    member: CouncilMember,
    answers: dict[str, tuple[str, str]],
    scan_upload: Any,
    expected_version: int | None = None,
) -> ScoreSheet:
    """The secretary transcribes a member's signed paper sheet; the scan is required and kept."""
    require(actor, can_enter_paper_sheet, member.council)
    if scan_upload is None:
        raise SheetInvalid.from_dict({"scan": [_("Tải lên bản quét phiếu chấm có chữ ký.")]})
    checked = check_upload(scan_upload, field="scan")
    sheet = _write_answers(
        actor=actor,
        application=application,
        member=member,
        answers=answers,
        expected_version=expected_version,
        action="evaluation.sheet.enter_paper",
    )
    name = default_storage.save(upload_path("score-sheets", checked.extension), scan_upload)
    sheet.paper_scan = name
    sheet.entered_by_id = actor.user_id
    sheet.save(update_fields=["paper_scan", "entered_by", "updated_at"])
    return sheet


@transaction.atomic
def sheet_submit(*, actor: Actor, sheet: ScoreSheet, expected_version: int | None = None):
    """Submit a complete sheet (every criterion answered); it is locked afterwards."""
    _lock_open_application(_application_id(sheet))
    locked = (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("member__council", "application__ruleset")
        .get(pk=sheet.pk)
    )
    if not (
        can_score_sheet(actor, locked.member) or can_enter_paper_sheet(actor, locked.member.council)
    ):
        require(actor, can_score_sheet, locked.member)
    if expected_version is not None and locked.version != expected_version:
        raise SheetStale(current=locked.version)
    if locked.status == SheetStatus.SUBMITTED:
        raise SheetLocked()
    if not member_can_score(locked.member, locked.application):
        raise SheetInvalid.from_dict(
            {"member": [_("Thành viên không được phân công hoặc đã khai báo xung đột lợi ích.")]}
        )
    codes = set(_scorable_ruleset(locked.application).criteria.values_list("code", flat=True))
    answered = set(locked.answers.values_list("criterion__code", flat=True))
    missing = sorted(codes - answered)
    if missing:
        raise SheetInvalid.from_dict({code: [_("Chưa chấm tiêu chí này.")] for code in missing})
    before = audit.snapshot(locked)
    locked.status = SheetStatus.SUBMITTED
    locked.submitted_at = clock.now()
    locked.returned_reason = ""
    locked.version += 1
    locked.save()
    audit.record(actor=actor, action="evaluation.sheet.submit", obj=locked, before=before)
    return locked


@transaction.atomic
def sheet_return(*, actor: Actor, sheet: ScoreSheet, reason: str) -> ScoreSheet:
    """The chair returns a submitted sheet for re-scoring (e.g. a divergent total)."""
    _lock_open_application(_application_id(sheet))
    locked = (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("member__council")
        .get(pk=sheet.pk)
    )
    require(actor, can_return_sheet, locked.member.council)
    if not (reason or "").strip():
        raise SheetInvalid.from_dict({"reason": [_("Nêu lý do yêu cầu chấm lại.")]})
    if locked.status != SheetStatus.SUBMITTED:
        raise SheetInvalid.from_dict({"status": [_("Chỉ trả lại phiếu đã nộp.")]})
    before = audit.snapshot(locked)
    locked.status = SheetStatus.RETURNED
    locked.returned_reason = reason.strip()
    locked.submitted_at = None
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor, action="evaluation.sheet.return", obj=locked, before=before, reason=reason
    )
    return locked


# --- field visits ------------------------------------------------------------------------------
VISIT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
NOT_VISITABLE = CLOSED | {ApplicationStatus.DRAFT}


@transaction.atomic
def field_visit_record(
    *,
    actor: Actor,
    application: Application,
    visited_on: dt.date,
    members: Iterable[CouncilMember],
    notes: str,
    file: Any = None,
) -> FieldVisit:
    """Record a site visit (khảo sát thực tế) of council members to the producer.

    Who: the council's secretary or chair, a province officer of the round's province. When: the
    application is submitted and not yet scored. `members`: at least one seat of the round's
    council; `notes`: the findings; `file`: the signed minutes (PDF/JPEG/PNG), optional.
    Variants name the product sets (tourism) whose score cannot be finalised without one.
    """
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=application.pk)
    )
    council = Council.objects.select_related("round").filter(round_id=app.round_id).first()
    if council is None:
        raise CouncilInvalid.from_dict({"council": [_("Đợt đánh giá chưa có hội đồng.")]})
    require(actor, can_record_field_visit, council)
    if app.status in NOT_VISITABLE or app.outcome:
        raise ScoringClosed()
    members = list(members)
    errors: dict[str, list[str]] = {}
    if not isinstance(visited_on, dt.date):
        errors.setdefault("visited_on", []).append(_("Nhập ngày khảo sát (dd/mm/yyyy)."))
    elif visited_on > clock.today():
        errors.setdefault("visited_on", []).append(_("Ngày khảo sát không được sau hôm nay."))
    if not members:
        errors.setdefault("members", []).append(_("Chọn thành viên hội đồng đi khảo sát."))
    elif any(m.council_id != council.pk for m in members):
        errors.setdefault("members", []).append(_("Có người không phải thành viên hội đồng."))
    if not (notes or "").strip():
        errors.setdefault("notes", []).append(_("Nhập nội dung ghi nhận khi khảo sát."))
    if errors:
        raise FieldVisitInvalid.from_dict(errors)
    name = ""
    if file is not None:
        checked = check_upload(file, allowed=VISIT_TYPES, field="file")
        name = default_storage.save(upload_path("field-visits", checked.extension), file)
    visit = FieldVisit.objects.create(
        application=app,
        visited_on=visited_on,
        findings=notes.strip(),
        file=name,
        recorded_by_id=actor.user_id,
        recorded_at=clock.now(),
    )
    visit.members.set(members)
    audit.record(actor=actor, action="evaluation.field_visit.record", obj=visit, before=None)
    return visit


def require_field_visit(application: Application) -> None:
    """FieldVisitMissing when the round's variant requires a visit for the product's set at the
    round's level and none is recorded."""
    set_code = application.product.product_set.code
    required = variants.field_visit_required(
        application.round.process_variant, application.round.level, set_code
    )
    if required and not FieldVisit.objects.filter(application=application).exists():
        raise FieldVisitMissing(product_set=set_code)


# --- the council's result -----------------------------------------------------------------------
def divergence_flags(application: Application) -> set[int]:
    """Member ids whose submitted total diverges from the others by more than the round's
    threshold."""
    totals = {
        s.member_id: s.total
        for s in application.sheets.filter(status=SheetStatus.SUBMITTED)
        if s.total is not None
    }
    return scoring.divergent_members(totals, application.round.divergence_threshold)


@transaction.atomic
def application_score_finalise(*, actor: Actor, application: Application) -> Application:
    """Close the council's scoring of one application.

    Products of a set whose variant requires a field visit (tourism) need one recorded first
    (409 "evaluation.field_visit_missing"). Every assigned, non-recused member's sheet must be
    submitted. Score = mean of their totals,
    stars = band of the pinned rule set; outcome: proposed_national at or above the national
    threshold, recognised when the stars are certifiable, else not_recognised (also when a
    mandatory criterion averages 0 points). Divergent members are named in outcome_reason.
    The application moves scheduled → scored → its result through the workflow.
    """
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related(
            "round__council", "round__process_variant", "ruleset", "product__product_set"
        )
        .get(pk=application.pk)
    )
    council = Council.objects.select_related("round").filter(round_id=app.round_id).first()
    if council is None:
        raise CouncilInvalid.from_dict({"council": [_("Đợt đánh giá chưa có hội đồng.")]})
    require(actor, can_finalise_score, council)
    if app.outcome or app.status in CLOSED:
        raise ScoringClosed()
    require_field_visit(app)
    ruleset = _scorable_ruleset(app)
    scorers = [
        a.member
        for a in Assignment.objects.filter(application=app).select_related("member")
        if not is_recused(a.member, app)
    ]
    sheets = {
        s.member_id: s
        for s in ScoreSheet.objects.select_for_update().filter(application=app, member__in=scorers)
    }
    missing = [m for m in scorers if getattr(sheets.get(m.pk), "status", None) != "submitted"]
    if not scorers or missing:
        raise ScoringIncomplete(missing=len(missing) if scorers else 0)
    totals = {m.pk: sheets[m.pk].total for m in scorers}
    mean = scoring.mean_total(totals.values())
    stars = ruleset.star_for(mean).stars
    reasons = []
    failed = _failed_mandatory(ruleset, [sheets[m.pk] for m in scorers])
    if failed:
        outcome = Outcome.NOT_RECOGNISED
        reasons.append(_("Không đạt tiêu chí bắt buộc: %(codes)s.") % {"codes": ", ".join(failed)})
    elif scoring.proposes_national(ruleset, mean):
        outcome = Outcome.PROPOSED_NATIONAL
    elif ruleset.is_certifiable(stars):
        outcome = Outcome.RECOGNISED
    else:
        outcome = Outcome.NOT_RECOGNISED
    flagged = scoring.divergent_members(totals, app.round.divergence_threshold)
    if flagged:
        names = ", ".join(sorted(str(m.user) for m in scorers if m.pk in flagged))
        reasons.append(
            _("Điểm chênh lệch quá ngưỡng %(threshold)s: %(members)s.")
            % {"threshold": app.round.divergence_threshold, "members": names}
        )
    system = Actor.system("application_score_finalise")
    if app.status == ApplicationStatus.SCHEDULED:
        app = evaluation_services.application_score(
            actor=system, application=app, totals=list(totals.values())
        )
    else:
        app.score = mean.quantize(evaluation_services.STORED_MEAN, rounding=ROUND_DOWN)
        app.stars = stars
    before = audit.snapshot(app)
    app.outcome = outcome
    app.outcome_reason = " ".join(reasons)
    app.save(update_fields=["score", "stars", "outcome", "outcome_reason", "updated_at"])
    audit.record(
        actor=actor, action="evaluation.application.score_finalise", obj=app, before=before
    )
    if app.status == ApplicationStatus.SCORED:
        verb = {
            Outcome.PROPOSED_NATIONAL: "propose_national",
            Outcome.RECOGNISED: "recognise",
            Outcome.NOT_RECOGNISED: "not_recognise",
        }[outcome]
        app = evaluation_services.application_transition(
            actor=system, application=app, verb=verb, reason=app.outcome_reason
        )
    return app


def _failed_mandatory(ruleset: Any, sheets: list[ScoreSheet]) -> list[str]:
    """Codes of mandatory criteria whose mean points over the sheets is 0."""
    mandatory = list(ruleset.criteria.filter(mandatory=MANDATORY_YES))
    if not mandatory:
        return []
    failed = []
    for criterion in mandatory:
        points = [
            a.points for a in ScoreAnswer.objects.filter(sheet__in=sheets, criterion=criterion)
        ]
        if not points or scoring.mean_total(points) == 0:
            failed.append(criterion.code)
    return failed
