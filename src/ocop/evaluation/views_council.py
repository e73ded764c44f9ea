"""Council pages: the council of a round (seats, assignments, conflicts), a member's sheets, the
score sheet with its live totals, the chair's summary, paper entry, minutes and decisions.

Thin: find through a selector (outside the actor's scope looks missing: 404), check the policy
(visible but not permitted: 403), call one service, render. A service's refusal shows on the page
and saves nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.constants import Role
from ocop.core.access import access
from ocop.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from ocop.evaluation import council as svc
from ocop.evaluation import pdf, results
from ocop.evaluation import selectors as evaluation_selectors
from ocop.evaluation import selectors_council as sel
from ocop.evaluation.constants import SheetStatus
from ocop.evaluation.forms_council import (
    AssignmentForm,
    ConflictForm,
    CouncilForm,
    DecisionForm,
    FieldVisitForm,
    FinaliseForm,
    MemberForm,
    PaperScanForm,
    ReturnForm,
    apply_errors,
)

CHOICE = "c-"
COMMENT = "n-"


def _deny_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


def _council_or_404(round_: Any):
    council = sel.council_of(round_)
    if council is None:
        raise NotFound()
    return council


def _page_url(round_: Any) -> str:
    return reverse("evaluation:council_detail", kwargs={"public_id": round_.public_id})


def _summary_url(round_: Any) -> str:
    return reverse("evaluation:council_summary", kwargs={"public_id": round_.public_id})


def _show_error(request: HttpRequest, exc: DomainError) -> None:
    if isinstance(exc, ValidationFailed) and exc.errors:
        for err in exc.errors:
            messages.error(request, err.get("message") or exc.detail)
    else:
        messages.error(request, exc.detail)


def _is_council_member(actor: Any) -> bool:
    return actor.has_role(Role.COUNCIL_MEMBER)


# --- the council of a round ----------------------------------------------------------------------
def _council_context(request: HttpRequest, round_: Any, **extra: Any) -> dict:
    actor = request.actor
    council = sel.council_of(round_)
    seat = sel.seat_of(actor, council)
    context = {
        "round": round_,
        "council": council,
        "seat": seat,
        "can_create": council is None and svc.can_create_council(actor, round_),
        "can_manage": council is not None and svc.can_manage_council(actor, council),
        "can_assign": council is not None and svc.can_assign_council(actor, council),
        "can_summary": council is not None and _can_see_summary(actor, round_, council),
        "members": sel.members(council) if council is not None else [],
    }
    if context["can_create"]:
        context.setdefault("council_form", CouncilForm())
    if context["can_manage"]:
        context.setdefault("member_form", MemberForm())
    context.update(extra)
    return context


@access.authenticated
@require_GET
def council_detail(request: HttpRequest, public_id) -> HttpResponse:
    round_ = sel.council_round(actor=request.actor, public_id=public_id)
    return render(request, "evaluation/council/council.html", _council_context(request, round_))


@access.authenticated
@require_POST
def council_create(request: HttpRequest, public_id) -> HttpResponse:
    round_ = sel.council_round(actor=request.actor, public_id=public_id)
    _deny_unless(svc.can_create_council(request.actor, round_))
    form = CouncilForm(request.POST)
    if form.is_valid():
        try:
            svc.council_create(actor=request.actor, round=round_, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thành lập hội đồng."))
            return redirect(_page_url(round_))
    context = _council_context(request, round_, council_form=form)
    return render(request, "evaluation/council/council.html", context, status=200)


@access.authenticated
@require_POST
def council_member_add(request: HttpRequest, public_id) -> HttpResponse:
    round_ = sel.council_round(actor=request.actor, public_id=public_id)
    council = _council_or_404(round_)
    _deny_unless(svc.can_manage_council(request.actor, council))
    form = MemberForm(request.POST, find_user=sel.user_by_username)
    if form.is_valid():
        data = dict(form.cleaned_data)
        user = data.pop("username")
        try:
            svc.council_member_add(actor=request.actor, council=council, user=user, **data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã thêm %(user)s vào hội đồng.") % {"user": user},
            )
            return redirect(_page_url(round_))
    context = _council_context(request, round_, member_form=form)
    return render(request, "evaluation/council/council.html", context)


@access.authenticated
@require_http_methods(["GET", "POST"])
def council_assign(request: HttpRequest, public_id) -> HttpResponse:
    """The checkbox grid: applications × members; recused pairs cannot be ticked."""
    round_ = sel.council_round(actor=request.actor, public_id=public_id)
    council = _council_or_404(round_)
    _deny_unless(svc.can_assign_council(request.actor, council))
    seats = sel.members(council)
    apps = list(sel.council_applications(round_))
    assigned = sel.assignment_pairs(council)
    recused = sel.recused_pairs(council)
    choices = [(f"{m.pk}:{a.pk}", "") for a in apps for m in seats if (m.pk, a.pk) not in recused]
    form = AssignmentForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        by_app = {a.pk: a for a in apps}
        by_member = {m.pk: m for m in seats}
        wanted: dict[int, list] = {}
        for value in form.cleaned_data["pairs"]:
            member_id, app_id = (int(x) for x in value.split(":"))
            wanted.setdefault(member_id, []).append(by_app[app_id])
        try:
            with transaction.atomic():
                created = 0
                for member_id, chosen in wanted.items():
                    created += len(
                        svc.assignment_bulk(
                            actor=request.actor,
                            council=council,
                            applications=chosen,
                            members=[by_member[member_id]],
                        )
                    )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã phân công thêm %(n)s lượt chấm.") % {"n": created})
            return redirect(reverse("evaluation:council_assign", kwargs={"public_id": public_id}))
    rows = [
        {
            "application": a,
            "cells": [
                {
                    "value": f"{m.pk}:{a.pk}",
                    "member": m,
                    "assigned": (m.pk, a.pk) in assigned,
                    "recused": (m.pk, a.pk) in recused,
                }
                for m in seats
            ],
        }
        for a in apps
    ]
    context = {"round": round_, "council": council, "members": seats, "rows": rows, "form": form}
    return render(request, "evaluation/council/assign.html", context)


@access.authenticated
@require_http_methods(["GET", "POST"])
def council_conflicts(request: HttpRequest, public_id) -> HttpResponse:
    """A member declares, per application of the round, whether they have a conflict of
    interest; a conflict recuses them (the application disappears from their sheets)."""
    round_ = sel.council_round(actor=request.actor, public_id=public_id)
    council = _council_or_404(round_)
    seat = sel.seat_of(request.actor, council)
    if seat is None:
        raise NotFound()
    _deny_unless(svc.can_declare_conflict(request.actor, seat))
    form = ConflictForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                app = sel.round_application(round_, form.cleaned_data["application"])
                svc.conflict_declare(
                    actor=request.actor,
                    member=seat,
                    application=app,
                    has_conflict=form.cleaned_data["has_conflict"],
                    note=form.cleaned_data["note"],
                )
            except ValidationFailed as exc:
                _show_error(request, exc)
            else:
                messages.success(
                    request, _("Đã ghi nhận khai báo cho «%(p)s».") % {"p": app.product}
                )
                return redirect(
                    reverse("evaluation:council_conflicts", kwargs={"public_id": public_id})
                )
        else:
            messages.error(request, _("Chọn có hay không có xung đột lợi ích."))
    declared = sel.declarations_of(seat)
    rows = [
        {"application": a, "declaration": declared.get(a.pk)}
        for a in sel.council_applications(round_)
    ]
    return render(
        request,
        "evaluation/council/conflicts.html",
        {"round": round_, "council": council, "seat": seat, "rows": rows},
    )


# --- a member's sheets -----------------------------------------------------------------------
@access(_is_council_member)
@require_GET
def council_my_sheets(request: HttpRequest) -> HttpResponse:
    rows = sel.my_sheets(actor=request.actor)
    return render(request, "evaluation/council/my_sheets.html", {"rows": rows})


def _choices_from(data: Any, tree: list) -> tuple[dict[str, str], dict[str, str]]:
    choices, comments = {}, {}
    for part in tree:
        for section in part.sections.all():
            for criterion in section.criteria.all():
                value = (data.get(CHOICE + criterion.code) or "").strip()
                if value:
                    choices[criterion.code] = value
                comment = (data.get(COMMENT + criterion.code) or "").strip()
                if comment:
                    comments[criterion.code] = comment
    return choices, comments


def _saved_choices(sheet: Any, tree: list) -> tuple[dict[str, str], dict[str, str]]:
    if sheet is None:
        return {}, {}
    codes = {
        c.pk: (c.code, {o.pk: o.code for o in c.options.all()})
        for p in tree
        for s in p.sections.all()
        for c in s.criteria.all()
    }
    choices, comments = {}, {}
    for answer in sheet.answers.all():
        code, options = codes.get(answer.criterion_id, (None, {}))
        if code is not None:
            choices[code] = options.get(answer.option_id, "")
            if answer.comment:
                comments[code] = answer.comment
    return choices, comments


def _rows(tree: list, choices: dict, comments: dict) -> list:
    """Template-friendly tree with the chosen option and comment of each criterion."""
    parts = []
    for part in tree:
        sections = []
        for section in part.sections.all():
            criteria = [
                {
                    "criterion": c,
                    "chosen": choices.get(c.code, ""),
                    "comment": comments.get(c.code, ""),
                    "field": CHOICE + c.code,
                    "comment_field": COMMENT + c.code,
                }
                for c in section.criteria.all()
            ]
            sections.append({"section": section, "criteria": criteria})
        parts.append({"part": part, "sections": sections})
    return parts


def _answers(choices: dict, comments: dict) -> dict[str, tuple[str, str]]:
    return {code: (option, comments.get(code, "")) for code, option in choices.items()}


def _version(data: Any) -> int | None:
    try:
        return int(data.get("version") or "")
    except (TypeError, ValueError):
        return None


def _sheet_page(
    request: HttpRequest,
    app: Any,
    seat: Any,
    *,
    data: Any = None,
    errors: dict | None = None,
    stale: str = "",
    status: int = 200,
) -> HttpResponse:
    ruleset = app.ruleset
    if ruleset is None:
        raise NotFound()
    tree = sel.ruleset_tree(ruleset)
    sheet = sel.sheet_of(app, seat)
    if data is not None:
        choices, comments = _choices_from(data, tree)
    else:
        choices, comments = _saved_choices(sheet, tree)
    locked = sheet is not None and sheet.status == SheetStatus.SUBMITTED
    context = {
        "application": app,
        "round": app.round,
        "seat": seat,
        "sheet": sheet,
        # After a stale save the form keeps the version it was loaded at: saving again stays
        # refused until the member reloads the sheet saved by the other session.
        "version": (_version(data) if stale else (sheet.version if sheet is not None else 1)),
        "parts": _rows(tree, choices, comments),
        "totals": sel.totals_for(ruleset, tree, choices),
        "locked": locked,
        "errors": errors or {},
        "stale": stale,
        "ruleset": ruleset,
        "totals_url": reverse(
            "evaluation:council_sheet_totals", kwargs={"public_id": app.public_id}
        ),
    }
    return render(request, "evaluation/council/sheet.html", context, status=status)


@access(_is_council_member)
@require_http_methods(["GET", "POST"])
def council_sheet(request: HttpRequest, public_id) -> HttpResponse:
    """The member's own sheet: GET shows it (read-only once submitted); POST saves a draft."""
    app, seat = sel.sheet_target(actor=request.actor, public_id=public_id)
    if request.method == "GET":
        return _sheet_page(request, app, seat)
    tree = sel.ruleset_tree(app.ruleset) if app.ruleset is not None else []
    choices, comments = _choices_from(request.POST, tree)
    try:
        svc.sheet_save(
            actor=request.actor,
            application=app,
            member=seat,
            answers=_answers(choices, comments),
            expected_version=_version(request.POST),
        )
    except svc.SheetStale as exc:
        return _sheet_page(request, app, seat, data=request.POST, stale=exc.detail, status=409)
    except ValidationFailed as exc:
        return _sheet_page(request, app, seat, data=request.POST, errors=exc.field_errors())
    except DomainError as exc:
        if isinstance(exc, PermissionDenied | NotFound):
            raise
        _show_error(request, exc)
        return redirect(request.path)
    messages.success(request, _("Đã lưu nháp phiếu chấm."))
    return redirect(request.path)


@access(_is_council_member)
@require_POST
def council_sheet_totals(request: HttpRequest, public_id) -> HttpResponse:
    """The running totals of the sheet as filled on screen (nothing saved): an htmx partial."""
    app, seat = sel.sheet_target(actor=request.actor, public_id=public_id)
    if app.ruleset is None:
        raise NotFound()
    tree = sel.ruleset_tree(app.ruleset)
    choices, _comments = _choices_from(request.POST, tree)
    totals = sel.totals_for(app.ruleset, tree, choices)
    return render(request, "evaluation/council/_totals.html", {"totals": totals, "oob": False})


@access(_is_council_member)
@require_POST
def council_sheet_submit(request: HttpRequest, public_id) -> HttpResponse:
    """Save what is on screen and submit it, in one step (nothing is kept when it fails)."""
    app, seat = sel.sheet_target(actor=request.actor, public_id=public_id)
    tree = sel.ruleset_tree(app.ruleset) if app.ruleset is not None else []
    choices, comments = _choices_from(request.POST, tree)
    try:
        with transaction.atomic():
            sheet = svc.sheet_save(
                actor=request.actor,
                application=app,
                member=seat,
                answers=_answers(choices, comments),
                expected_version=_version(request.POST),
            )
            svc.sheet_submit(actor=request.actor, sheet=sheet, expected_version=sheet.version)
    except svc.SheetStale as exc:
        return _sheet_page(request, app, seat, data=request.POST, stale=exc.detail, status=409)
    except ValidationFailed as exc:
        messages.error(request, _("Phiếu chưa nộp được: còn tiêu chí chưa chấm hoặc không hợp lệ."))
        return _sheet_page(request, app, seat, data=request.POST, errors=exc.field_errors())
    except DomainError as exc:
        if isinstance(exc, PermissionDenied | NotFound):
            raise
        _show_error(request, exc)
        return redirect(reverse("evaluation:council_sheet", kwargs={"public_id": public_id}))
    messages.success(request, _("Đã nộp phiếu chấm. Phiếu đã khóa."))
    return redirect(reverse("evaluation:council_sheet", kwargs={"public_id": public_id}))


# --- the chair's summary ---------------------------------------------------------------------
def _can_see_summary(actor: Any, round_: Any, council: Any) -> bool:
    if sel.is_officer_of(actor, round_):
        return True
    seat = sel.seat_of(actor, council)
    return seat is not None and seat.role in sel.LEADERS


@access.authenticated
@require_GET
def council_summary(request: HttpRequest, public_id) -> HttpResponse:
    round_ = sel.council_round(actor=request.actor, public_id=public_id)
    council = _council_or_404(round_)
    _deny_unless(_can_see_summary(request.actor, round_, council))
    actor = request.actor
    context = {
        "round": round_,
        "council": council,
        "summary": sel.council_summary(round_, council, actor=actor),
        "can_return": svc.can_return_sheet(actor, council),
        "can_finalise": svc.can_finalise_score(actor, council),
        "can_paper": svc.can_enter_paper_sheet(actor, council),
        "threshold": round_.divergence_threshold,
    }
    return render(request, "evaluation/council/summary.html", context)


@access.authenticated
@require_POST
def council_sheet_return(request: HttpRequest, public_id) -> HttpResponse:
    round_ = sel.council_round(actor=request.actor, public_id=public_id)
    council = _council_or_404(round_)
    _deny_unless(svc.can_return_sheet(request.actor, council))
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nêu lý do yêu cầu chấm lại."))
        return redirect(_summary_url(round_))
    app = sel.round_application(round_, form.cleaned_data["application"])
    member = sel.member_get(council, form.cleaned_data["member"])
    sheet = sel.sheet_of(app, member)
    if sheet is None:
        raise NotFound()
    try:
        svc.sheet_return(actor=request.actor, sheet=sheet, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        if isinstance(exc, PermissionDenied | NotFound):
            raise
        _show_error(request, exc)
    else:
        messages.success(
            request,
            _("Đã trả phiếu của %(m)s về để chấm lại.") % {"m": member.user},
        )
    return redirect(_summary_url(round_))


@access.authenticated
@require_POST
def council_finalise(request: HttpRequest, public_id) -> HttpResponse:
    round_ = sel.council_round(actor=request.actor, public_id=public_id)
    council = _council_or_404(round_)
    _deny_unless(svc.can_finalise_score(request.actor, council))
    form = FinaliseForm(request.POST)
    if not form.is_valid():
        raise NotFound()
    app = sel.round_application(round_, form.cleaned_data["application"])
    try:
        app = svc.application_score_finalise(actor=request.actor, application=app)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied | NotFound):
            raise
        _show_error(request, exc)
    else:
        messages.success(
            request,
            _("Đã chốt điểm «%(p)s»: %(score)s điểm, %(stars)s sao.")
            % {"p": app.product, "score": app.score, "stars": app.stars},
        )
    return redirect(_summary_url(round_))


@access.authenticated
@require_http_methods(["GET", "POST"])
def council_paper_entry(request: HttpRequest, public_id, application, member_id) -> HttpResponse:
    """The secretary transcribes a member's signed paper sheet (scan required) and submits it."""
    round_ = sel.council_round(actor=request.actor, public_id=public_id)
    council = _council_or_404(round_)
    _deny_unless(svc.can_enter_paper_sheet(request.actor, council))
    app = sel.round_application(round_, application)
    member = sel.member_get(council, member_id)
    if not svc.member_can_score(member, app) or app.ruleset is None:
        raise NotFound()
    tree = sel.ruleset_tree(app.ruleset)
    sheet = sel.sheet_of(app, member)
    scan_form = PaperScanForm(request.POST or None, request.FILES or None)
    errors: dict = {}
    if request.method == "POST":
        choices, comments = _choices_from(request.POST, tree)
        try:
            with transaction.atomic():
                saved = svc.sheet_enter_paper(
                    actor=request.actor,
                    application=app,
                    member=member,
                    answers=_answers(choices, comments),
                    scan_upload=request.FILES.get("scan"),
                    expected_version=_version(request.POST),
                )
                svc.sheet_submit(actor=request.actor, sheet=saved, expected_version=saved.version)
        except ValidationFailed as exc:
            errors = exc.field_errors()
            for message in errors.pop("scan", []):
                scan_form.add_error("scan", message)
        except DomainError as exc:
            if isinstance(exc, PermissionDenied | NotFound):
                raise
            _show_error(request, exc)
        else:
            messages.success(request, _("Đã nhập và nộp phiếu chấm giấy."))
            return redirect(_summary_url(round_))
    else:
        choices, comments = _saved_choices(sheet, tree)
    context = {
        "round": round_,
        "application": app,
        "member": member,
        "sheet": sheet,
        "version": sheet.version if sheet is not None else 1,
        "parts": _rows(tree, choices, comments),
        "totals": sel.totals_for(app.ruleset, tree, choices),
        "locked": sheet is not None and sheet.status == SheetStatus.SUBMITTED,
        "errors": errors,
        "scan_form": scan_form,
        "ruleset": app.ruleset,
    }
    return render(request, "evaluation/council/paper.html", context)


@access.authenticated
@require_GET
def council_minutes(request: HttpRequest, public_id) -> HttpResponse:
    round_ = sel.council_round(actor=request.actor, public_id=public_id)
    council = _council_or_404(round_)
    _deny_unless(_can_see_summary(request.actor, round_, council))
    response = HttpResponse(pdf.council_minutes_pdf(round_), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="bien-ban-hoi-dong-{round_.public_id}.pdf"'
    )
    return response


# --- decisions -----------------------------------------------------------------------------------
@access.authenticated
@require_GET
def decision_list(request: HttpRequest, public_id) -> HttpResponse:
    """Published decisions of a round for everyone who sees the round; its officers also see
    the recorded, unpublished ones."""
    round_ = evaluation_selectors.round_get(actor=request.actor, public_id=public_id)
    officer = results.can_record_decision(request.actor, round_)
    context = {
        "round": round_,
        "decisions": sel.decisions(round_, published_only=not officer),
        "can_record": officer,
    }
    return render(request, "evaluation/council/decisions.html", context)


@access.authenticated
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, public_id) -> HttpResponse:
    round_ = evaluation_selectors.round_get(actor=request.actor, public_id=public_id)
    _deny_unless(results.can_record_decision(request.actor, round_))
    candidates = list(sel.decidable_applications(round_))
    form = DecisionForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            results.decision_record(actor=request.actor, round=round_, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except DomainError as exc:
            if isinstance(exc, PermissionDenied | NotFound):
                raise
            form.add_error("number", exc.detail)
        else:
            messages.success(request, _("Đã ghi nhận quyết định công nhận."))
            return redirect(reverse("evaluation:decision_list", kwargs={"public_id": public_id}))
    return render(
        request,
        "evaluation/council/decision_form.html",
        {"round": round_, "form": form, "candidates": candidates},
    )


@access.authenticated
@require_POST
def decision_publish(request: HttpRequest, public_id, decision) -> HttpResponse:
    round_ = evaluation_selectors.round_get(actor=request.actor, public_id=public_id)
    found = sel.decision_get(round_, decision)
    _deny_unless(results.can_publish_decision(request.actor, found))
    try:
        results.decision_publish(actor=request.actor, decision=found)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied | NotFound):
            raise
        _show_error(request, exc)
    else:
        messages.success(request, _("Đã công bố quyết định %(n)s.") % {"n": found.number})
    return redirect(reverse("evaluation:decision_list", kwargs={"public_id": public_id}))


# --- entry points from the round and application pages -------------------------------------------
@access.authenticated
@require_GET
def council_application(request: HttpRequest, public_id) -> HttpResponse:
    """The council scoring entry of one application: a member goes to their own sheet, the council's
    officers and leaders to the summary of the round."""
    app = sel.application_for_council(actor=request.actor, public_id=public_id)
    council = _council_or_404(app.round)
    seat = sel.seat_of(request.actor, council)
    if seat is not None and svc.member_can_score(seat, app):
        return redirect(reverse("evaluation:council_sheet", kwargs={"public_id": app.public_id}))
    if _can_see_summary(request.actor, app.round, council):
        return redirect(_summary_url(app.round) + f"#app-{app.public_id}")
    raise NotFound()


@access.authenticated
@require_GET
def round_summary(request: HttpRequest, public_id) -> HttpResponse:
    """The results of a round: counts by outcome and stars, and its published decisions."""
    round_ = evaluation_selectors.round_get(actor=request.actor, public_id=public_id)
    context = {
        "round": round_,
        "summary": results.round_summary(round_),
        "decisions": sel.decisions(round_, published_only=True),
    }
    return render(request, "evaluation/council/round_results.html", context)


# --- field visits ------------------------------------------------------------------------------
@access.authenticated
@require_http_methods(["GET", "POST"])
def council_field_visits(request: HttpRequest, public_id) -> HttpResponse:
    """Site visits of the round's applications (mandatory for the tourism sets): the list for the
    council, the record form for the secretary, the chair and the province officer."""
    round_ = sel.council_round(actor=request.actor, public_id=public_id)
    council = _council_or_404(round_)
    can_record = svc.can_record_field_visit(request.actor, council)
    rows = sel.field_visits(round_)
    form = None
    if can_record:
        open_apps = [r.application for r in rows if not r.application.outcome]
        form = FieldVisitForm(
            request.POST or None,
            request.FILES or None,
            applications=open_apps,
            members=sel.members(council),
        )
    if request.method == "POST":
        _deny_unless(can_record)
        if form.is_valid():
            data = form.cleaned_data
            try:
                svc.field_visit_record(
                    actor=request.actor,
                    application=data["application"],
                    visited_on=data["visited_on"],
                    members=data["members"],
                    notes=data["notes"],
                    file=data["file"],
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
            except DomainError as exc:
                if isinstance(exc, PermissionDenied | NotFound):
                    raise
                form.add_error(None, exc.detail)
            else:
                messages.success(request, _("Đã ghi nhận chuyến khảo sát thực tế."))
                return redirect(
                    reverse("evaluation:council_field_visits", kwargs={"public_id": public_id})
                )
    context = {"round": round_, "council": council, "rows": rows, "form": form}
    return render(request, "evaluation/council/field_visits.html", context)
