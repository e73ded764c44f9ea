"""Pages of the stamp register (/stamps/). Thin: parse a form, read through selectors, call one
service, render. Print files stream (never the whole batch in memory)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.core.access import access, require
from ocop.core.errors import Conflict, InvalidTransition, ValidationFailed
from ocop.stamps import policies, printing, selectors, services
from ocop.stamps.constants import BatchStatus, StampState
from ocop.stamps.errors import BatchNotIssued
from ocop.stamps.forms import (
    ActivateForm,
    BatchFilterForm,
    BatchRequestForm,
    DecisionForm,
    RangeReasonForm,
    RejectForm,
    apply_errors,
)

PAGE_SIZE = 20


@access(policies.can_list_batches)
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    form = BatchFilterForm(request.GET or None)
    batches = selectors.batch_list(actor=request.actor, **form.filters())
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "stamps/batch_list.html",
        {
            "form": form,
            "page_obj": page,
            "can_request": policies.can_request_batch(request.actor),
        },
    )


@access(policies.can_request_batch)
@require_http_methods(["GET", "POST"])
def batch_request(request: HttpRequest) -> HttpResponse:
    products = list(selectors.requestable_products(actor=request.actor)[:500])
    chosen = None
    if request.method == "POST" and request.POST.get("product"):
        # Out of scope looks like missing (404), before any form error.
        chosen = selectors.product_for_request(
            actor=request.actor, public_id=request.POST.get("product")
        )
        if chosen not in products:
            products.append(chosen)
    form = BatchRequestForm(request.POST or None, products=products)
    if chosen is not None and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.batch_request(
                actor=request.actor, product=chosen, quantity=data["quantity"], note=data["note"]
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(
                request, _("Đã gửi đề nghị cấp lô tem %(code)s.") % {"code": batch.code}
            )
            return redirect("stamps:batch_detail", public_id=batch.public_id)
    status = 422 if request.method == "POST" else 200
    return render(request, "stamps/batch_request.html", {"form": form}, status=status)


def _detail_context(request: HttpRequest, batch: Any, **forms: Any) -> dict[str, Any]:
    actor = request.actor
    issued = batch.status == BatchStatus.ISSUED
    return {
        "batch": batch,
        "counts": selectors.batch_state_counts(batch=batch) if issued else {},
        "states": StampState,
        "lots": selectors.batch_lots(batch=batch),
        "events": selectors.batch_events(batch=batch),
        "can_decide": batch.status == BatchStatus.REQUESTED
        and policies.can_decide_batch(actor, batch),
        "can_activate": issued and policies.can_activate_batch(actor, batch),
        "can_return": issued and policies.can_return_stamps(actor, batch),
        "can_void": issued and policies.can_void_stamps(actor, batch),
        "can_print": issued and policies.can_print_batch(actor, batch),
        "approve_form": forms.get("approve_form") or DecisionForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "activate_form": forms.get("activate_form") or ActivateForm(),
        "return_form": forms.get("return_form") or RangeReasonForm(prefix="return"),
        "void_form": forms.get("void_form") or RangeReasonForm(prefix="void"),
    }


@access(policies.can_list_batches)
@require_GET
def batch_detail(request: HttpRequest, public_id) -> HttpResponse:
    batch = selectors.batch_get(actor=request.actor, public_id=public_id)
    require(request.actor, policies.can_view_batch, batch)
    return render(request, "stamps/batch_detail.html", _detail_context(request, batch))


def _post(request, public_id, form_class, form_key, call, success, prefix=None) -> HttpResponse:
    """A form posted from the detail page: run one service, or show the page with the errors."""
    batch = selectors.batch_get(actor=request.actor, public_id=public_id)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            result = call(batch, form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except (Conflict, InvalidTransition) as exc:
            messages.error(request, exc.detail)
            return redirect("stamps:batch_detail", public_id=batch.public_id)
        else:
            messages.success(request, success(result))
            return redirect("stamps:batch_detail", public_id=batch.public_id)
    context = _detail_context(request, batch, **{form_key: form})
    return render(request, "stamps/batch_detail.html", context, status=422)


@access(policies.can_decide_batch)
@require_POST
def batch_approve(request: HttpRequest, public_id) -> HttpResponse:
    def call(batch, data):
        return services.batch_approve(actor=request.actor, batch=batch, note=data["note"])

    def success(batch):
        if batch.status == BatchStatus.ISSUED:
            return _("Đã duyệt và phát hành %(n)s mã tem.") % {"n": batch.issued_count}
        return _("Đã duyệt; mã tem đang được phát hành.")

    return _post(request, public_id, DecisionForm, "approve_form", call, success)


@access(policies.can_decide_batch)
@require_POST
def batch_reject(request: HttpRequest, public_id) -> HttpResponse:
    def call(batch, data):
        return services.batch_reject(actor=request.actor, batch=batch, reason=data["reason"])

    return _post(
        request, public_id, RejectForm, "reject_form", call, lambda _b: _("Đã từ chối đề nghị.")
    )


@access(policies.can_activate_batch)
@require_POST
def lot_activate(request: HttpRequest, public_id) -> HttpResponse:
    def call(batch, data):
        return services.lot_activate(actor=request.actor, batch=batch, **data)

    def success(lot):
        return _("Đã kích hoạt %(n)s tem cho lô %(lot)s.") % {
            "n": lot.stamp_count,
            "lot": lot.lot_number,
        }

    return _post(request, public_id, ActivateForm, "activate_form", call, success)


@access(policies.can_return_stamps)
@require_POST
def stamps_return(request: HttpRequest, public_id) -> HttpResponse:
    def call(batch, data):
        return services.stamps_return(actor=request.actor, batch=batch, **data)

    def success(count):
        return _("Đã ghi nhận trả lại %(n)s tem.") % {"n": count}

    return _post(request, public_id, RangeReasonForm, "return_form", call, success, "return")


@access(policies.can_void_stamps)
@require_POST
def stamps_void(request: HttpRequest, public_id) -> HttpResponse:
    def call(batch, data):
        return services.stamps_void(actor=request.actor, batch=batch, **data)

    def success(count):
        return _("Đã hủy %(n)s tem.") % {"n": count}

    return _post(request, public_id, RangeReasonForm, "void_form", call, success, "void")


def _printable(request: HttpRequest, public_id) -> Any:
    batch = selectors.batch_get(actor=request.actor, public_id=public_id)
    require(request.actor, policies.can_print_batch, batch)
    if batch.status != BatchStatus.ISSUED:
        raise BatchNotIssued(params={"batch": batch.code, "status": batch.get_status_display()})
    return batch


@access(policies.can_print_batch)
@require_GET
def batch_labels_pdf(request: HttpRequest, public_id) -> StreamingHttpResponse:
    batch = _printable(request, public_id)
    response = StreamingHttpResponse(printing.batch_pdf(batch), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{batch.code}.pdf"'
    return response


@access(policies.can_print_batch)
@require_GET
def batch_codes_csv(request: HttpRequest, public_id) -> StreamingHttpResponse:
    batch = _printable(request, public_id)
    response = StreamingHttpResponse(
        printing.batch_csv(batch), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{batch.code}.csv"'
    return response
