"""Pages of the certificates app. Thin: parse a form, read through selectors, call one service."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.certificates import grounds, policies, selectors, services, throttle
from ocop.certificates.constants import CertificateStatus
from ocop.certificates.forms import (
    CertificateFilterForm,
    IssueFromDecisionForm,
    ReinstateForm,
    RevokeForm,
    SuspendForm,
    apply_errors,
)
from ocop.certificates.pdf import certificate_pdf, public_url
from ocop.core import clock
from ocop.core.access import access
from ocop.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed

PAGE_SIZE = 20
EXPORT_LIMIT = 20000


@access(policies.can_list_certificates)
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    form = CertificateFilterForm(request.GET or None, actor=request.actor)
    filters = form.filters()
    certificates = selectors.certificate_list(actor=request.actor, **filters)
    unfiltered = {k: v for k, v in filters.items() if k != "status"}
    counts = selectors.certificate_status_counts(
        actor=request.actor,
        qs=selectors.certificate_list(actor=request.actor, **unfiltered),
    )
    page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/certificate_list.html",
        {
            "form": form,
            "page_obj": page,
            "counts": [(s, s.label, counts.get(str(s), 0)) for s in CertificateStatus],
            "province_counts": selectors.province_counts_for_actor(actor=request.actor),
            "can_issue": policies.can_issue_certificate(request.actor),
            "export_query": request.GET.urlencode(),
            "today": clock.today(),
        },
    )


@access(policies.can_list_certificates)
@require_GET
def certificate_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as an Excel workbook (status as of today)."""
    from openpyxl import Workbook

    form = CertificateFilterForm(request.GET or None, actor=request.actor)
    rows = selectors.certificate_list(actor=request.actor, **form.filters())[:EXPORT_LIMIT]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Giấy chứng nhận"))
    sheet.append(
        [
            _("Số GCN"),
            _("Mã sản phẩm"),
            _("Sản phẩm"),
            _("Chủ thể"),
            _("Xã"),
            _("Hạng sao"),
            _("Số quyết định"),
            _("Ngày quyết định"),
            _("Hiệu lực từ"),
            _("Hiệu lực đến"),
            _("Trạng thái"),
        ]
    )
    today = clock.today()
    for c in rows.iterator(chunk_size=500):
        sheet.append(
            [
                c.number,
                c.product_code,
                c.product_name,
                c.producer_name,
                c.commune_name,
                c.stars,
                c.decision_number,
                c.decision_date,
                c.valid_from,
                c.valid_until,
                str(CertificateStatus(c.status_on(today)).label),
            ]
        )
    buf = io.BytesIO()
    book.save(buf)
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="giay-chung-nhan-{today:%Y%m%d}.xlsx"'
    return response


def _detail_context(request: HttpRequest, cert: Any, **forms: Any) -> dict[str, Any]:
    actor = request.actor
    events = list(selectors.certificate_events(actor=actor, certificate=cert))
    for event in events:
        found = grounds.ground(event.legal_ground) if event.legal_ground else None
        event.ground_name = found.name if found else event.legal_ground
    can_manage = policies.can_manage_certificate(actor, cert)
    return {
        "certificate": cert,
        "events": events,
        "public_url": public_url(cert, request),
        "can_manage": can_manage,
        "can_reevaluate": policies.can_request_reevaluation(actor, cert)
        and cert.application_id is not None,
        "suspension_ground": grounds.ground(cert.suspension_ground),
        "revocation_ground": grounds.ground(cert.revocation_ground),
        "suspend_form": forms.get("suspend_form") or SuspendForm(),
        "revoke_form": forms.get("revoke_form") or RevokeForm(),
        "reinstate_form": forms.get("reinstate_form") or ReinstateForm(),
    }


@access(policies.can_view_certificate)
@require_GET
def certificate_detail(request: HttpRequest, public_id) -> HttpResponse:
    cert = selectors.certificate_get(actor=request.actor, public_id=public_id)
    return render(request, "certificates/certificate_detail.html", _detail_context(request, cert))


@access(policies.can_view_certificate)
@require_GET
def certificate_pdf_download(request: HttpRequest, public_id) -> HttpResponse:
    cert = selectors.certificate_get(actor=request.actor, public_id=public_id)
    data = certificate_pdf(cert, url=public_url(cert, request))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="GCN-OCOP-{cert.number}.pdf"'
    return response


def _lifecycle(request, public_id, form_class, form_key, call, success) -> HttpResponse:
    cert = selectors.certificate_get(actor=request.actor, public_id=public_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(cert, form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except (Conflict, InvalidTransition) as exc:
            messages.error(request, exc.detail)
            return redirect("certificates:certificate_detail", public_id=cert.public_id)
        else:
            messages.success(request, success)
            return redirect("certificates:certificate_detail", public_id=cert.public_id)
    context = _detail_context(request, cert, **{form_key: form})
    return render(request, "certificates/certificate_detail.html", context, status=422)


@access(policies.can_suspend_certificate)
@require_POST
def certificate_suspend(request: HttpRequest, public_id) -> HttpResponse:
    def call(cert, data):
        services.certificate_suspend(actor=request.actor, certificate=cert, **data)

    return _lifecycle(
        request,
        public_id,
        SuspendForm,
        "suspend_form",
        call,
        _("Đã tạm đình chỉ giấy chứng nhận."),
    )


@access(policies.can_reinstate_certificate)
@require_POST
def certificate_reinstate(request: HttpRequest, public_id) -> HttpResponse:
    def call(cert, data):
        services.certificate_reinstate(actor=request.actor, certificate=cert, **data)

    return _lifecycle(
        request,
        public_id,
        ReinstateForm,
        "reinstate_form",
        call,
        _("Đã khôi phục hiệu lực giấy chứng nhận."),
    )


@access(policies.can_revoke_certificate)
@require_POST
def certificate_revoke(request: HttpRequest, public_id) -> HttpResponse:
    def call(cert, data):
        services.certificate_revoke(actor=request.actor, certificate=cert, **data)

    return _lifecycle(
        request, public_id, RevokeForm, "revoke_form", call, _("Đã thu hồi giấy chứng nhận.")
    )


@access(policies.can_request_reevaluation)
@require_POST
def certificate_request_reevaluation(request: HttpRequest, public_id) -> HttpResponse:
    cert = selectors.certificate_get(actor=request.actor, public_id=public_id)
    try:
        app = services.certificate_request_reevaluation(actor=request.actor, certificate=cert)
    except (Conflict, InvalidTransition, ValidationFailed) as exc:
        messages.error(request, exc.detail)
        return redirect("certificates:certificate_detail", public_id=cert.public_id)
    messages.success(
        request, _("Đã tạo hồ sơ đánh giá lại từ hồ sơ trước (mã %(id)s).") % {"id": app.public_id}
    )
    return redirect("certificates:certificate_detail", public_id=cert.public_id)


@access(policies.can_issue_certificate)
@require_GET
def certificate_issue_index(request: HttpRequest) -> HttpResponse:
    decisions = selectors.decision_list_for_issue(actor=request.actor)
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/issue_index.html", {"page_obj": page})


@access(policies.can_issue_certificate)
@require_http_methods(["GET", "POST"])
def certificate_issue_from_decision(request: HttpRequest, decision_id) -> HttpResponse:
    decision = selectors.decision_get_for_issue(actor=request.actor, public_id=decision_id)
    form = IssueFromDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.certificate_issue_from_decision(
                actor=request.actor, decision=decision
            )
        except (Conflict, InvalidTransition, ValidationFailed) as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(
                request, _("Đã cấp %(count)s giấy chứng nhận.") % {"count": len(issued)}
            )
            return redirect(
                reverse("certificates:certificate_issue_from_decision", args=[decision.public_id])
            )
    applications = selectors.decision_applications(actor=request.actor, decision=decision)
    issuable = {a.pk for a in services.issuable_applications(decision)}
    return render(
        request,
        "certificates/issue_from_decision.html",
        {
            "decision": decision,
            "applications": applications,
            "issuable": issuable,
            "form": form,
        },
        status=422 if request.method == "POST" else 200,
    )


# --- public, no log-in ------------------------------------------------------------------------------
@access.public
@require_GET
def public_lookup(request: HttpRequest, number: str) -> HttpResponse:
    """The public look-up of a certificate by its printed number: current status, partial data."""
    wait = throttle.check(request)
    if wait is not None:
        response = render(
            request, "certificates/public_lookup.html", {"rate_limited": True}, status=429
        )
        response["Retry-After"] = str(wait)
        return response
    try:
        cert = selectors.certificate_public_lookup(number=number)
    except NotFound:
        return render(
            request,
            "certificates/public_lookup.html",
            {"number": number[:60], "not_found": True},
            status=404,
        )
    today = clock.today()
    status = CertificateStatus(cert.status_on(today))
    ground = None
    if status == CertificateStatus.REVOKED:
        ground = grounds.ground(cert.revocation_ground)
    elif status == CertificateStatus.SUSPENDED:
        ground = grounds.ground(cert.suspension_ground)
    return render(
        request,
        "certificates/public_lookup.html",
        {
            "certificate": cert,
            "status": status,
            "status_badge": cert.status_badge,
            "in_force": cert.in_force_on(today),
            "ground": ground,
            "today": today,
            "site_host": request.get_host(),
        },
    )
