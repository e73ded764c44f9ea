"""Pages of rounds and applications: lists, creation, the application's workflow and feedback.

Thin: parse a form, read through selectors, call one service, render. The decorators admit roles
that may have something to do here; the selectors scope the objects (outside the scope is 404) and
the services check the policy on the object (403) — a hidden button is never the check.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.constants import Role
from ocop.core.access import access
from ocop.core.actor import Actor
from ocop.core.errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from ocop.core.workflow import GuardFailed
from ocop.evaluation import (
    exports,
    forwarding,
    policies,
    results,
    selectors,
    services,
    variants,
)
from ocop.evaluation.constants import ApplicationStatus, Level
from ocop.evaluation.errors import ApplicationNotEditable
from ocop.evaluation.forms import (
    ApplicationCreateForm,
    ApplicationEditForm,
    ApplicationFilterForm,
    ApplicationListFilterForm,
    DocumentRemoveForm,
    DocumentUploadForm,
    LowerScoreForm,
    NationalResultForm,
    NoteForm,
    PreAssessmentForm,
    ReasonForm,
    RoundCreateForm,
    RoundFilterForm,
    RoundForwardForm,
    TransitionForm,
    apply_errors,
)
from ocop.evaluation.workflow import APPLICATION
from ocop.geo import selectors as geo_selectors

PAGE_SIZE = 25
EXPORT_LIMIT = 5000
S = ApplicationStatus
# Moves with their own form or page (council scoring, decisions), never offered as a plain button.
OWN_FORM_VERBS = frozenset({"submit", "resubmit", "return", "pre_assess", "lower_score", "score"})
DECISION_VERBS = frozenset({"decide"})
FEEDBACK_STATES = frozenset(
    {S.SCORED, S.RECOGNISED, S.NOT_RECOGNISED, S.PROPOSED_NATIONAL, S.DECIDED}
)


# --- who may open the pages (objects are checked again by selectors and services) ---------------
def _central(actor: Actor) -> bool:
    return actor.is_system or actor.has_role(Role.ADMIN)


def can_view_rounds(actor: Actor) -> bool:
    return _central(actor) or actor.has_role(
        Role.PROVINCE_OFFICER,
        Role.COMMUNE_OFFICER,
        Role.INSPECTOR,
        Role.COUNCIL_MEMBER,
        Role.PRODUCER,
    )


def can_view_applications(actor: Actor) -> bool:
    return _central(actor) or actor.has_role(*policies.VIEW_ROLES, Role.PRODUCER)


def can_register_applications(actor: Actor) -> bool:
    """Create, submit, resubmit, withdraw: producers and officers (service checks the object)."""
    return _central(actor) or actor.has_role(
        Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.PRODUCER
    )


def can_review_applications(actor: Actor) -> bool:
    """Return and pre-assess: commune and province officers."""
    return _central(actor) or actor.has_role(Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER)


def can_manage_applications(actor: Actor) -> bool:
    """Province-level moves (lower-tier record, forward, schedule …)."""
    return _central(actor) or actor.has_role(Role.PROVINCE_OFFICER)


# --- helpers -------------------------------------------------------------------------------------
def _is_fragment(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False)) and not request.htmx.boosted


def application_filters(actor: Actor, cleaned: dict[str, Any], **fixed: Any) -> dict[str, Any]:
    """The filter bar's values as selectors.application_list keyword arguments."""
    filters: dict[str, Any] = {k: cleaned[k] for k in ("status", "kind", "q") if cleaned.get(k)}
    if cleaned.get("round"):
        filters["round"] = selectors.round_get(actor=actor, public_id=cleaned["round"])
    if cleaned.get("commune"):
        filters["commune"] = geo_selectors.commune_list().filter(code=cleaned["commune"]).first()
    return {**filters, **fixed}


def _ordered(qs):
    return qs.order_by("product__name", "id")


def _status_label(value: str) -> str:
    return str(S(value).label) if value in S.values else value


def _status_counts(qs) -> list[dict[str, Any]]:
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    return [
        {"status": value, "label": label, "count": counts[value]}
        for value, label in S.choices
        if counts.get(value)
    ]


# --- rounds --------------------------------------------------------------------------------------
@access(can_view_rounds)
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    form = RoundFilterForm(request.GET)
    filters = form.filters()
    rounds = selectors.round_list(actor=request.actor, year=filters.get("year"))
    if filters.get("status"):
        rounds = rounds.filter(status=filters["status"])
    if filters.get("level"):
        rounds = rounds.filter(level=filters["level"])
    rounds = rounds.select_related("legacy_district")
    page = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "evaluation/round_list.html"
    if _is_fragment(request):
        template += "#round-table"
    context = {
        "form": form,
        "page_obj": page,
        "can_create": policies.can_create_round(request.actor),
    }
    return render(request, template, context)


@access(policies.can_create_round)
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundCreateForm(request.POST or None, actor=request.actor)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data["level"] != Level.DISTRICT:
            data["legacy_district"] = None
        try:
            rnd = services.round_create(actor=request.actor, **data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo đợt đánh giá «%(name)s».") % {"name": rnd.name})
            return redirect("evaluation:round_detail", public_id=rnd.public_id)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "evaluation/round_form.html", {"form": form}, status=status)


def _round_applications(request: HttpRequest, rnd) -> tuple[ApplicationFilterForm, dict]:
    form = ApplicationFilterForm(request.GET, actor=request.actor)
    return form, application_filters(request.actor, form.filters(), round=rnd)


def _can_forward(actor: Actor, rnd) -> bool:
    return (
        rnd.level == Level.DISTRICT
        and variants.does(rnd.process_variant, Level.DISTRICT, "forward")
        and forwarding.can_forward_round(actor, rnd)
    )


@access(can_view_rounds)
@require_GET
def round_detail(request: HttpRequest, public_id) -> HttpResponse:
    rnd = selectors.round_get(actor=request.actor, public_id=public_id)
    return _round_page(request, rnd)


def _round_page(request: HttpRequest, rnd, forward_form=None, status: int = 200) -> HttpResponse:
    actor = request.actor
    form, filters = _round_applications(request, rnd)
    applications = _ordered(selectors.application_list(actor=actor, **filters))
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "evaluation/round_detail.html"
    if _is_fragment(request):
        template += "#application-table"
    context = {
        "round": rnd,
        "form": form,
        "page_obj": page,
        "status_counts": _status_counts(selectors.application_list(actor=actor, round=rnd)),
        "can_register": can_register_applications(actor) and rnd.status == "open",
        "show_round": False,
        "can_forward": _can_forward(actor, rnd),
        "show_council": can_manage_applications(actor),
        "forward_form": forward_form or RoundForwardForm(actor=actor, source=rnd),
    }
    return render(request, template, context, status=status)


@access(can_manage_applications)
@require_POST
def round_forward(request: HttpRequest, public_id) -> HttpResponse:
    """Forward a legacy district round's scored products to a province round."""
    actor = request.actor
    rnd = selectors.round_get(actor=actor, public_id=public_id)
    form = RoundForwardForm(request.POST, actor=actor, source=rnd)
    if form.is_valid():
        try:
            result = forwarding.round_forward(
                actor=actor,
                source=rnd,
                target=form.cleaned_data["target"],
                min_score=form.cleaned_data.get("min_score"),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Ngưỡng %(threshold)s điểm: %(forwarded)s sản phẩm chuyển lên tỉnh, "
                    "%(recognised)s công nhận cấp huyện, %(rejected)s không đạt, "
                    "%(left)s chưa xử lý."
                )
                % {
                    "threshold": result.threshold,
                    "forwarded": len(result.forwarded),
                    "recognised": len(result.recognised),
                    "rejected": len(result.not_recognised),
                    "left": len(result.left),
                },
            )
            return redirect("evaluation:round_detail", public_id=rnd.public_id)
    return _round_page(request, rnd, forward_form=form, status=422)


@access(can_view_rounds)
@require_GET
def round_export(request: HttpRequest, public_id) -> HttpResponse:
    """The round's applications as filtered on the page, as an Excel workbook."""
    rnd = selectors.round_get(actor=request.actor, public_id=public_id)
    _form, filters = _round_applications(request, rnd)
    rows = selectors.application_export_rows(actor=request.actor, **filters)
    content = exports.export_applications_xlsx(rows[:EXPORT_LIMIT])
    return _xlsx_response(content, f"ho-so-{rnd.year}-{rnd.number}.xlsx")


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- applications: list and create --------------------------------------------------------------
@access(can_view_applications)
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    form, filters = _all_applications(request)
    applications = _ordered(selectors.application_list(actor=actor, **filters))
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "evaluation/application_list.html"
    if _is_fragment(request):
        template += "#application-table"
    context = {
        "form": form,
        "page_obj": page,
        "can_register": can_register_applications(actor),
        "show_round": True,
    }
    return render(request, template, context)


def _all_applications(request: HttpRequest) -> tuple[ApplicationListFilterForm, dict]:
    form = ApplicationListFilterForm(request.GET, actor=request.actor)
    return form, application_filters(request.actor, form.filters())


@access(can_view_applications)
@require_GET
def application_export(request: HttpRequest) -> HttpResponse:
    """The applications list as filtered on the page, as an Excel workbook."""
    _form, filters = _all_applications(request)
    rows = selectors.application_export_rows(actor=request.actor, **filters)
    content = exports.export_applications_xlsx(rows[:EXPORT_LIMIT])
    return _xlsx_response(content, "ho-so-danh-gia.xlsx")


@access(can_register_applications)
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest) -> HttpResponse:
    initial = {k: request.GET[k] for k in ("round", "product", "kind") if request.GET.get(k)}
    form = ApplicationCreateForm(request.POST or None, actor=request.actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            app = services.application_create(
                actor=request.actor,
                round=data["round"],
                product=data["product"],
                kind=data["kind"],
                previous=data["previous"],
                registration=form.registration(),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except Conflict as exc:  # round closed meanwhile, or the product already registered
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Đã tạo hồ sơ đăng ký đánh giá (đang soạn)."))
            return redirect("evaluation:application_detail", public_id=app.public_id)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "evaluation/application_form.html", {"form": form}, status=status)


def _part_maxima(app) -> dict[str, Any]:
    """The part maxima of the application's rule set (pinned, or in force today for a draft)."""
    ruleset = services.self_assessment_ruleset(app)
    return ruleset.part_maxima() if ruleset is not None else {}


@access(can_register_applications)
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, public_id) -> HttpResponse:
    """Edit the registration form and the self-assessment (draft or returned application)."""
    app = selectors.application_get(actor=request.actor, public_id=public_id)
    if not policies.can_submit_application(request.actor, app):
        raise PermissionDenied()
    if app.status not in services.EDITABLE_STATES:
        messages.error(request, str(ApplicationNotEditable().detail))
        return redirect("evaluation:application_detail", public_id=app.public_id)
    registration = app.registration or {}
    assessment = app.self_assessment or {}
    initial = {
        **registration,
        **{f"part_{code}": value for code, value in (assessment.get("parts") or {}).items()},
        "self_stars": assessment.get("stars"),
    }
    form = ApplicationEditForm(request.POST or None, initial=initial, part_maxima=_part_maxima(app))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                actor=request.actor,
                application=app,
                registration=form.registration(),
                self_assessment=form.self_assessment(),
            )
        except ValidationFailed as exc:
            for err in exc.errors or [{"loc": [None], "message": exc.detail}]:
                form.add_error((err.get("loc") or [None])[-1], err["message"])
        except Conflict as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Đã lưu phiếu đăng ký và tự đánh giá."))
            return redirect("evaluation:application_detail", public_id=app.public_id)
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request, "evaluation/application_edit.html", {"app": app, "form": form}, status=status
    )


# --- application detail and moves ---------------------------------------------------------------
def _pre_assessment_rows(app) -> list[dict[str, Any]]:
    found = getattr(app, "pre_assessment", None) if _has_pre_assessment(app) else None
    if found is None:
        return []
    answers = found.answers or {}
    return [
        {
            "name": c.get("name_vi") or c["code"],
            "met": (answers.get(c["code"]) or {}).get("met"),
            "note": (answers.get(c["code"]) or {}).get("note", ""),
        }
        for c in app.round.process_variant.pre_assessment_criteria or []
    ]


def _has_pre_assessment(app) -> bool:
    try:
        return app.pre_assessment is not None
    except app.__class__.pre_assessment.RelatedObjectDoesNotExist:
        return False


def _pre_assess_form(app, data=None, files=None) -> PreAssessmentForm:
    return PreAssessmentForm(
        data,
        files,
        criteria=list(app.round.process_variant.pre_assessment_criteria or []),
        with_report=True,
    )


def _detail_context(request: HttpRequest, app, **forms: Any) -> dict[str, Any]:
    actor = request.actor
    moves = APPLICATION.available(app, actor)
    verbs = {t.verb for t in moves}
    checklist = selectors.dossier_checklist(actor=actor, application=app)
    return {
        "app": app,
        "checklist": checklist,
        "diff": _diff_states(app),
        "can_edit_dossier": checklist.editable and policies.can_edit_dossier(actor, app),
        "upload_form": forms.get("upload_form"),
        "action_errors": forms.get("action_errors") or [],
        "registration": app.registration or {},
        "history": [
            (change, _status_label(change.to_status))
            for change in selectors.application_history(actor=actor, application=app)
        ],
        "moves": [t for t in moves if t.verb not in OWN_FORM_VERBS | DECISION_VERBS],
        "can_submit": bool(verbs & {"submit", "resubmit"}),
        "can_edit": app.status in services.EDITABLE_STATES
        and policies.can_submit_application(actor, app),
        "self_assessment": app.self_assessment or {},
        "can_return": "return" in verbs,
        "can_pre_assess": "pre_assess" in verbs,
        "can_lower_score": "lower_score" in verbs,
        "pre_assessment": _pre_assessment_rows(app),
        "pre_assessment_obj": app.pre_assessment if _has_pre_assessment(app) else None,
        "show_feedback": app.status in FEEDBACK_STATES and app.ruleset_id is not None,
        "return_form": forms.get("return_form") or ReasonForm(),
        "pre_assess_form": forms.get("pre_assess_form") or _pre_assess_form(app),
        "lower_score_form": forms.get("lower_score_form") or LowerScoreForm(),
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "show_council": can_manage_applications(actor),
        "can_record_national": app.status == S.PROPOSED_NATIONAL
        and results.can_record_decision(actor, app.round),
        "national_form": forms.get("national_form") or NationalResultForm(),
    }


@access(can_view_applications)
@require_GET
def application_detail(request: HttpRequest, public_id) -> HttpResponse:
    app = selectors.application_get(actor=request.actor, public_id=public_id)
    return render(request, "evaluation/application_detail.html", _detail_context(request, app))


def _diff_states(app) -> dict[str, str]:
    """Item code → how it differs from the previous dossier (upgrades and re-evaluations only)."""
    if app.previous_id is None:
        return {}
    return {row.item.code: row.state for row in selectors.dossier_diff(app)}


def _on_detail(request, public_id, form, form_key, call, success) -> HttpResponse:
    """A form posted from the detail page: run one service, or show the page with the errors.

    Invalid input re-renders with 422 and saves nothing; a refused move (wrong state, a guard,
    the round closed) is reported as a message on the page it came from."""
    app = selectors.application_get(actor=request.actor, public_id=public_id)
    if form is None or form.is_valid():
        try:
            call(app, form.cleaned_data if form is not None else {})
        except ValidationFailed as exc:
            if form_key is None:  # a bare button: list the reasons above the workflow card
                context = _detail_context(
                    request, app, action_errors=[_error_text(exc)] + _item_errors(exc)
                )
                return render(
                    request, "evaluation/application_detail.html", context, status=exc.status
                )
            apply_errors(form, exc)
        except (Conflict, InvalidTransition, GuardFailed) as exc:  # state moved on, or a guard
            messages.error(request, exc.detail)
            return redirect("evaluation:application_detail", public_id=app.public_id)
        else:
            messages.success(request, success)
            return redirect("evaluation:application_detail", public_id=app.public_id)
    context = _detail_context(request, app, **({form_key: form} if form_key else {}))
    return render(request, "evaluation/application_detail.html", context, status=422)


def _error_text(exc: DomainError) -> str:
    return exc.detail


def _item_errors(exc: DomainError) -> list[str]:
    return [str(e["message"]) for e in exc.errors if e.get("message")]


@access(can_register_applications)
@require_POST
def application_submit(request: HttpRequest, public_id) -> HttpResponse:
    """Submit a draft, or resubmit a dossier returned for completion."""

    def call(app, data):
        if app.status == S.RETURNED:
            services.application_transition(
                actor=request.actor, application=app, verb="resubmit", reason=data.get("note", "")
            )
        else:
            services.application_submit(
                actor=request.actor, application=app, note=data.get("note", "")
            )

    return _on_detail(request, public_id, NoteForm(request.POST), None, call, _("Đã nộp hồ sơ."))


@access(can_review_applications)
@require_POST
def application_return(request: HttpRequest, public_id) -> HttpResponse:
    def call(app, data):
        services.application_return(actor=request.actor, application=app, reason=data["reason"])

    return _on_detail(
        request,
        public_id,
        ReasonForm(request.POST),
        "return_form",
        call,
        _("Đã trả lại hồ sơ để bổ sung."),
    )


@access(can_review_applications)
@require_POST
def application_pre_assess(request: HttpRequest, public_id) -> HttpResponse:
    app = selectors.application_get(actor=request.actor, public_id=public_id)
    form = _pre_assess_form(app, request.POST, request.FILES)

    def call(app, data):
        services.application_pre_assess(
            actor=request.actor,
            application=app,
            answers=form.answers(),
            conclusion=data["conclusion"],
            report=data.get("report"),
        )

    return _on_detail(
        request, public_id, form, "pre_assess_form", call, _("Đã ghi kết quả sơ đánh giá cấp xã.")
    )


@access(can_manage_applications)
@require_POST
def application_lower_score(request: HttpRequest, public_id) -> HttpResponse:
    def call(app, data):
        services.application_lower_score(
            actor=request.actor, application=app, score=data["score"], note=data["note"]
        )

    return _on_detail(
        request,
        public_id,
        LowerScoreForm(request.POST),
        "lower_score_form",
        call,
        _("Đã ghi điểm của hội đồng cấp huyện."),
    )


@access(can_register_applications)
@require_POST
def application_move(request: HttpRequest, public_id) -> HttpResponse:
    """Any other move offered as a button (withdraw, forward, schedule, recognise …)."""
    form = TransitionForm(request.POST)

    def call(app, data):
        if data["verb"] in OWN_FORM_VERBS | DECISION_VERBS or data["verb"] not in APPLICATION.verbs:
            raise InvalidTransition(
                code="evaluation.invalid_transition", verb=data["verb"], state=app.status
            )
        services.application_transition(
            actor=request.actor, application=app, verb=data["verb"], reason=data["reason"]
        )

    return _on_detail(request, public_id, form, "transition_form", call, _("Đã cập nhật hồ sơ."))


@access(can_manage_applications)
@require_POST
def application_national(request: HttpRequest, public_id) -> HttpResponse:
    """Record the national (5★) result of a product proposed to the ministry."""

    def call(app, data):
        results.application_record_national(
            actor=request.actor,
            application=app,
            stars=data["stars"],
            decision_number=data["decision_number"],
            decided_on=data["decided_on"],
        )

    return _on_detail(
        request,
        public_id,
        NationalResultForm(request.POST),
        "national_form",
        call,
        _("Đã ghi nhận kết quả đánh giá của Trung ương."),
    )


# --- dossier documents --------------------------------------------------------------------------
@access(can_register_applications)
@require_POST
def application_document_upload(request: HttpRequest, public_id) -> HttpResponse:
    """Upload (a new version of) one checklist item's document."""
    form = DocumentUploadForm(request.POST, request.FILES)

    def call(app, data):
        services.document_upload(
            actor=request.actor,
            application=app,
            item=data["item"],
            file=data["file"],
            title=data["title"],
        )

    return _on_detail(request, public_id, form, "upload_form", call, _("Đã tải lên tài liệu."))


@access(can_register_applications)
@require_POST
def application_document_remove(request: HttpRequest, public_id, document_id: int) -> HttpResponse:
    """Withdraw an item's current document (kept stored as history)."""
    form = DocumentRemoveForm(request.POST)

    def call(app, data):
        document = _document_of(request, app, document_id)
        services.document_remove(actor=request.actor, document=document, reason=data["reason"])

    return _on_detail(request, public_id, form, None, call, _("Đã gỡ tài liệu khỏi hồ sơ."))


def _document_of(request: HttpRequest, app, document_id: int):
    document = selectors.document_get(actor=request.actor, id=document_id)
    if document.application_id != app.pk:
        raise NotFound()
    return document


@access(can_view_applications)
@require_GET
def application_document(request: HttpRequest, public_id, document_id: int) -> FileResponse:
    """Download a dossier document (any version) of an application the actor may see."""
    app = selectors.application_get(actor=request.actor, public_id=public_id)
    document = _document_of(request, app, document_id)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise NotFound() from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@access(can_view_applications)
@require_GET
def application_pre_assessment_report(request: HttpRequest, public_id) -> FileResponse:
    """Download the commune's signed pre-assessment report of an application the actor may see."""
    app = selectors.application_get(actor=request.actor, public_id=public_id)
    record = selectors.pre_assessment_report(actor=request.actor, application=app)
    try:
        handle = record.report_file.open("rb")
    except OSError:
        raise NotFound() from None
    response = FileResponse(
        handle, as_attachment=True, filename=record.report_file.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- feedback ------------------------------------------------------------------------------------
@access(can_view_applications)
@require_GET
def application_feedback(request: HttpRequest, public_id) -> HttpResponse:
    """Itemised results for the producer: per criterion the points obtained vs the maximum."""
    app = selectors.application_get(actor=request.actor, public_id=public_id)
    if app.status not in FEEDBACK_STATES or app.ruleset_id is None:
        messages.info(request, _("Kết quả chấm điểm chi tiết có sau khi hội đồng chốt điểm."))
        return redirect("evaluation:application_detail", public_id=app.public_id)
    feedback = results.application_feedback(app)
    return render(
        request, "evaluation/application_feedback.html", {"app": app, "feedback": feedback}
    )
