"""Pages of the criteria app: list, detail (the whole tree), Excel template, upload with its
validation report and a confirm-to-save step, officer confirmation, exports.

Thin: parse, fetch through a selector, call one service, render.
"""

from __future__ import annotations

import base64
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.core.access import access
from ocop.core.errors import DomainError
from ocop.criteria import excel, loader, policies, selectors, services, validation
from ocop.criteria.forms import RuleSetConfirmForm, RuleSetFilterForm, RuleSetUploadForm

PENDING_KEY = "criteria.pending_upload"
PAGE_SIZE = 20


@access(policies.can_view_rulesets)
def ruleset_list(request: HttpRequest) -> HttpResponse:
    form = RuleSetFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rulesets = selectors.ruleset_list(
        actor=request.actor,
        q=filters.get("q") or "",
        status=filters.get("status") or "",
        product_set=(filters.get("product_set") or "").strip(),
        on=filters.get("on"),
    )
    page = Paginator(rulesets, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "rulesets": page.object_list,
        "can_import": policies.can_import_ruleset(request.actor),
    }
    return render(request, "criteria/ruleset_list.html", context)


@access(policies.can_view_rulesets)
def ruleset_detail(request: HttpRequest, code: str) -> HttpResponse:
    ruleset = selectors.ruleset_get(actor=request.actor, code=code)
    actor = request.actor
    context = {
        "ruleset": ruleset,
        "parts": ruleset.parts.all(),
        "bands": ruleset.star_bands.all(),
        "can_confirm": policies.can_confirm_ruleset(actor, ruleset)
        and ruleset.status == "unverified_transcription",
        "can_delete": policies.can_delete_ruleset(actor, ruleset),
        "national_threshold": ruleset.national_threshold,
    }
    return render(request, "criteria/ruleset_detail.html", context)


@access(policies.can_import_ruleset)
def ruleset_template(request: HttpRequest) -> HttpResponse:
    data = excel.template_workbook(classifications=loader.current_taxonomy())
    return _attachment(data, "mau-bo-tieu-chi.xlsx", excel.XLSX_CONTENT_TYPE)


@access(policies.can_import_ruleset)
@require_http_methods(["GET", "POST"])
def ruleset_upload(request: HttpRequest) -> HttpResponse:
    form = RuleSetUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            data, name = validation.read_upload(form.cleaned_data["file"])
            report = selectors.ruleset_validate(actor=request.actor, data=data)
        except DomainError as exc:
            form.add_error("file", exc.detail)
            for error in exc.errors:
                form.add_error("file", error.get("message", ""))
        else:
            context |= {"report": report, "summary": report.summary(), "filename": name}
            if report.valid:
                token = uuid.uuid4().hex
                request.session[PENDING_KEY] = {
                    "token": token,
                    "name": name,
                    "data": base64.b64encode(data).decode("ascii"),
                }
                context["token"] = token
    return render(request, "criteria/ruleset_upload.html", context)


@access(policies.can_import_ruleset)
@require_POST
def ruleset_upload_save(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY) or {}
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("Phiên nạp tệp đã hết hạn. Vui lòng tải tệp lên lại."))
        return redirect("criteria:ruleset_upload")
    del request.session[PENDING_KEY]
    try:
        outcome = services.ruleset_import(
            actor=request.actor, data=base64.b64decode(pending["data"]), filename=pending["name"]
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("criteria:ruleset_upload")
    if outcome.created:
        messages.success(request, _("Đã nạp bộ tiêu chí «%(code)s».") % {"code": outcome.ruleset})
    else:
        messages.info(
            request, _("Bộ tiêu chí «%(code)s» đã có, không thay đổi.") % {"code": outcome.ruleset}
        )
    return redirect("criteria:ruleset_detail", code=outcome.ruleset.code)


@access(policies.can_confirm_ruleset)
@require_http_methods(["GET", "POST"])
def ruleset_confirm(request: HttpRequest, code: str) -> HttpResponse:
    ruleset = selectors.ruleset_get(actor=request.actor, code=code)
    form = RuleSetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ruleset_confirm(
                actor=request.actor, ruleset=ruleset, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Đã xác nhận bộ tiêu chí theo văn bản chính thức."))
            return redirect("criteria:ruleset_detail", code=ruleset.code)
    return render(request, "criteria/ruleset_confirm.html", {"ruleset": ruleset, "form": form})


@access(policies.can_delete_ruleset)
@require_POST
def ruleset_delete(request: HttpRequest, code: str) -> HttpResponse:
    ruleset = selectors.ruleset_get(actor=request.actor, code=code)
    try:
        services.ruleset_delete(actor=request.actor, ruleset=ruleset)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("criteria:ruleset_detail", code=ruleset.code)
    messages.success(request, _("Đã xóa bộ tiêu chí «%(code)s».") % {"code": code})
    return redirect("criteria:ruleset_list")


@access(policies.can_view_rulesets)
def ruleset_export_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    ruleset = selectors.ruleset_get(actor=request.actor, code=code)
    data = excel.export_workbook(selectors.ruleset_spec(ruleset), status=ruleset.status)
    return _attachment(data, f"{ruleset.code}.xlsx", excel.XLSX_CONTENT_TYPE)


@access(policies.can_view_rulesets)
def ruleset_export_yaml(request: HttpRequest, code: str) -> HttpResponse:
    """The rule set as YAML with its current status; `?source=1` gives the kept source as loaded."""
    ruleset = selectors.ruleset_get(actor=request.actor, code=code)
    if request.GET.get("source"):
        text = ruleset.source_text
    else:
        text = loader.dump_yaml(selectors.ruleset_spec(ruleset), status=ruleset.status)
    return _attachment(text.encode("utf-8"), f"{ruleset.code}.yaml", "application/yaml")


def _attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
