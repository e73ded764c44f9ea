"""Pages of the producer registry. Thin: parse a form, read through selectors, call one service.

Every view declares its access rule; the selector answers 404 outside the actor's scope and the
service checks the policy again on the object.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.core.access import access
from ocop.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from ocop.producers import policies, selectors, services
from ocop.producers.forms import (
    CertificationForm,
    ProducerDocumentForm,
    ProducerFilterForm,
    ProducerForm,
    ProducerStatusForm,
    apply_errors,
)

# Errors shown on the form (or as a message); permission errors propagate to the 403/404 page.
FORM_ERRORS = (ValidationFailed, Conflict, InvalidTransition)
PAGE_SIZE = 20
DETAIL_HISTORY = 20
HISTORY_LIMIT = 500


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


# --- list and detail ----------------------------------------------------------------------------
@access(policies.can_view_producer)
@require_GET
def producer_list(request: HttpRequest) -> HttpResponse:
    """The list; an htmx request (filters, pages) gets only the table fragment."""
    form = ProducerFilterForm(request.GET, actor=request.actor)
    producers = selectors.producer_list(actor=request.actor, **form.filters())
    page = Paginator(producers, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "producers/producer_list.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template += "#producer-table"
    context = {
        "form": form,
        "page_obj": page,
        "can_create": policies.can_create_producer(request.actor),
    }
    return render(request, template, context)


@access(policies.can_view_producer)
@require_GET
def producer_detail(request: HttpRequest, public_id) -> HttpResponse:
    actor = request.actor
    producer = selectors.producer_get(actor=actor, public_id=public_id)
    can_manage = policies.can_manage_producer(actor, producer)
    context: dict[str, Any] = {
        "producer": producer,
        "certifications": selectors.certification_list(actor=actor, producer=producer),
        "documents": selectors.producer_document_list(actor=actor, producer=producer),
        "products": selectors.producer_product_list(actor=actor, producer=producer),
        "events": selectors.producer_history(actor=actor, producer=producer)[:DETAIL_HISTORY],
        "representatives": (
            selectors.representative_list(actor=actor, producer=producer) if can_manage else None
        ),
        "can_edit": policies.can_edit_producer(actor, producer),
        "can_manage": can_manage,
        "status_form": ProducerStatusForm(initial={"status": producer.status}),
    }
    return render(request, "producers/producer_detail.html", context)


@access(policies.can_view_producer)
@require_GET
def producer_history(request: HttpRequest, public_id) -> HttpResponse:
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    events = selectors.producer_history(actor=request.actor, producer=producer)[:HISTORY_LIMIT]
    return render(
        request, "producers/producer_history.html", {"producer": producer, "events": events}
    )


# --- create and edit ----------------------------------------------------------------------------
@access(policies.can_create_producer)
@require_http_methods(["GET", "POST"])
def producer_create(request: HttpRequest) -> HttpResponse:
    form = ProducerForm(request.POST or None, actor=request.actor)
    if request.method == "POST" and form.is_valid():
        try:
            producer = services.producer_create(
                actor=request.actor, **form.service_data(changed_only=False)
            )
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã đăng ký chủ thể «%(name)s».") % {"name": producer.name})
            return redirect("producers:detail", public_id=producer.public_id)
    status = 422 if form.errors else 200
    return render(request, "producers/producer_form.html", {"form": form}, status=status)


@access(policies.can_edit_producer)
@require_http_methods(["GET", "POST"])
def producer_edit(request: HttpRequest, public_id) -> HttpResponse:
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    _ensure(policies.can_edit_producer(request.actor, producer))
    form = ProducerForm(request.POST or None, actor=request.actor, producer=producer)
    if request.method == "POST" and form.is_valid():
        try:
            services.producer_update(
                actor=request.actor, producer=producer, data=form.service_data(changed_only=True)
            )
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("producers:detail", public_id=producer.public_id)
    status = 422 if form.errors else 200
    context = {"form": form, "producer": producer}
    return render(request, "producers/producer_form.html", context, status=status)


@access(policies.can_manage_producer)
@require_POST
def producer_set_status(request: HttpRequest, public_id) -> HttpResponse:
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    form = ProducerStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chọn trạng thái mới."))
        return redirect("producers:detail", public_id=producer.public_id)
    try:
        services.producer_set_status(
            actor=request.actor,
            producer=producer,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
    except FORM_ERRORS as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Đã cập nhật trạng thái."))
    return redirect("producers:detail", public_id=producer.public_id)


# --- certifications -----------------------------------------------------------------------------
def _certification_page(request, producer, form, certification=None, status=200) -> HttpResponse:
    context = {"producer": producer, "form": form, "certification": certification}
    return render(request, "producers/certification_form.html", context, status=status)


@access(policies.can_edit_producer)
@require_http_methods(["GET", "POST"])
def certification_add(request: HttpRequest, public_id) -> HttpResponse:
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    _ensure(policies.can_edit_producer(request.actor, producer))
    form = CertificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_add(actor=request.actor, producer=producer, **form.cleaned_data)
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm chứng nhận."))
            return redirect("producers:detail", public_id=producer.public_id)
    return _certification_page(request, producer, form, status=422 if form.errors else 200)


@access(policies.can_edit_producer)
@require_http_methods(["GET", "POST"])
def certification_edit(request: HttpRequest, public_id, certification_id) -> HttpResponse:
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    _ensure(policies.can_edit_producer(request.actor, producer))
    certification = selectors.certification_get(
        actor=request.actor, producer=producer, public_id=certification_id
    )
    initial = {f: getattr(certification, f) for f in CertificationForm.base_fields}
    form = CertificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        try:
            services.certification_update(
                actor=request.actor, certification=certification, data=data
            )
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu chứng nhận."))
            return redirect("producers:detail", public_id=producer.public_id)
    status = 422 if form.errors else 200
    return _certification_page(request, producer, form, certification, status=status)


@access(policies.can_edit_producer)
@require_POST
def certification_remove(request: HttpRequest, public_id, certification_id) -> HttpResponse:
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    certification = selectors.certification_get(
        actor=request.actor, producer=producer, public_id=certification_id
    )
    services.certification_remove(actor=request.actor, certification=certification)
    messages.success(request, _("Đã xóa chứng nhận."))
    return redirect("producers:detail", public_id=producer.public_id)


# --- documents ----------------------------------------------------------------------------------
@access(policies.can_edit_producer)
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, public_id) -> HttpResponse:
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    _ensure(policies.can_edit_producer(request.actor, producer))
    documents = selectors.producer_document_list(actor=request.actor, producer=producer)
    initial = {"replaces": request.GET.get("replaces", "")}
    form = ProducerDocumentForm(
        request.POST or None, request.FILES or None, documents=documents, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.producer_document_upload(
                actor=request.actor,
                producer=producer,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                replaces=form.replaced_document(),
            )
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã tải lên tài liệu."))
            return redirect("producers:detail", public_id=producer.public_id)
    status = 422 if form.errors else 200
    context = {"producer": producer, "form": form}
    return render(request, "producers/document_form.html", context, status=status)


@access(policies.can_view_producer)
@require_GET
def document_download(request: HttpRequest, public_id, document_id) -> FileResponse:
    """The stored file, only to those who may see the producer; never served directly."""
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    document = selectors.producer_document_get(
        actor=request.actor, producer=producer, public_id=document_id
    )
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise NotFound() from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
