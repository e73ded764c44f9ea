"""JSON API of the certificates app, mounted at /api/v1/certificates.

Thin: parse, fetch through a selector, call one service, shape the result. Operation ids are the
names of the service or selector each endpoint calls. `certificate_public_lookup` needs no log-in
and is rate-limited per client address.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from ocop.certificates import policies, selectors, services, throttle
from ocop.certificates.constants import CertificateStatus
from ocop.certificates.pdf import certificate_pdf, public_url
from ocop.certificates.schemas import (
    CertificateOut,
    CertificatePageOut,
    IssueFromDecisionIn,
    IssueIn,
    LifecycleIn,
    ProblemOut,
    ProvinceCountsOut,
    PublicCertificateOut,
    ReinstateIn,
    RevokeIn,
)
from ocop.core import clock
from ocop.core.access import require
from ocop.core.errors import RateLimited

router = Router(tags=["certificates"])

ERRORS = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut}
MAX_PAGE_SIZE = 200


class CertificateFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Số GCN, mã, tên sản phẩm, chủ thể")
    status: CertificateStatus | None = Field(None, description="Trạng thái suy ra tại hôm nay")
    stars: int | None = Field(None, ge=1, le=5)
    commune: str | None = Field(None, max_length=6, description="Mã xã")
    year: int | None = Field(None, ge=2000, le=2100)
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


@router.get(
    "",
    response={200: CertificatePageOut, **ERRORS},
    operation_id="certificate_list",
    summary="Danh sách giấy chứng nhận trong phạm vi của người dùng",
)
def certificate_list(request: HttpRequest, filters: Query[CertificateFilters]):
    data = filters.dict(exclude={"page", "page_size"}, exclude_none=True)
    qs = selectors.certificate_list(actor=request.actor, **data).select_related("superseded_by")
    offset = (filters.page - 1) * filters.page_size
    return {
        "items": list(qs[offset : offset + filters.page_size]),
        "count": qs.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.get(
    "/public/{path:number}",
    response={200: PublicCertificateOut, 404: ProblemOut, 429: ProblemOut},
    auth=None,
    operation_id="certificate_public_lookup",
    summary="Tra cứu công khai giấy chứng nhận theo số (không cần đăng nhập)",
)
def certificate_public_lookup(request: HttpRequest, number: str):
    wait = throttle.check(request)
    if wait is not None:
        raise RateLimited(retry_after=wait, extra={"retry_after": wait})
    cert = selectors.certificate_public_lookup(number=number)
    today = clock.today()
    status = cert.status_on(today)
    reason = ""
    if status == CertificateStatus.REVOKED:
        reason = cert.revocation_public_reason
    elif status == CertificateStatus.SUSPENDED:
        reason = cert.suspension_public_reason
    return {
        "number": cert.number,
        "product_name": cert.product_name,
        "product_code": cert.product_code,
        "producer_name": cert.producer_name,
        "commune_name": cert.commune_name,
        "province_name": cert.province_name,
        "stars": cert.stars,
        "level": cert.level,
        "decision_number": cert.decision_number,
        "decision_date": cert.decision_date,
        "valid_from": cert.valid_from,
        "valid_until": cert.valid_until,
        "status": status,
        "status_label": str(CertificateStatus(status).label),
        "in_force": cert.in_force_on(today),
        "reason": reason,
        "superseded_by": cert.superseded_by.number if cert.superseded_by_id else None,
    }


@router.get(
    "/province-counts",
    response={200: list[ProvinceCountsOut], **ERRORS},
    operation_id="province_certificate_counts",
    summary="Sản phẩm được công nhận lũy kế và đang còn hiệu lực, theo tỉnh",
)
def province_certificate_counts(request: HttpRequest):
    require(request.actor, policies.can_view_province_counts)
    return [
        {
            "province": province.code,
            "recognised": counts.recognised,
            "valid": counts.valid,
            "certificates": counts.certificates,
        }
        for province, counts in selectors.province_counts_for_actor(actor=request.actor)
    ]


@router.post(
    "/issue-from-decision",
    response={201: list[CertificateOut], **ERRORS},
    operation_id="certificate_issue_from_decision",
    summary="Cấp giấy chứng nhận cho các sản phẩm của một quyết định công nhận đã công bố",
)
def certificate_issue_from_decision(request: HttpRequest, payload: IssueFromDecisionIn):
    decision = selectors.decision_get_for_issue(actor=request.actor, public_id=payload.decision)
    issued = services.certificate_issue_from_decision(actor=request.actor, decision=decision)
    return Status(201, issued)


@router.post(
    "/issue",
    response={201: CertificateOut, **ERRORS},
    operation_id="certificate_issue",
    summary="Cấp giấy chứng nhận cho một hồ sơ đã có quyết định công nhận",
)
def certificate_issue(request: HttpRequest, payload: IssueIn):
    application = selectors.application_get_for_issue(
        actor=request.actor, public_id=payload.application
    )
    return Status(201, services.certificate_issue(actor=request.actor, application=application))


@router.get(
    "/{uuid:public_id}",
    response={200: CertificateOut, **ERRORS},
    operation_id="certificate_get",
    summary="Chi tiết giấy chứng nhận",
)
def certificate_get(request: HttpRequest, public_id: uuid.UUID):
    return selectors.certificate_get(actor=request.actor, public_id=public_id)


@router.get(
    "/{uuid:public_id}/pdf",
    response={200: None, **ERRORS},
    operation_id="certificate_pdf",
    summary="Bản PDF của giấy chứng nhận (có mã QR tra cứu công khai)",
)
def certificate_pdf_download(request: HttpRequest, public_id: uuid.UUID):
    cert = selectors.certificate_get(actor=request.actor, public_id=public_id)
    response = HttpResponse(
        certificate_pdf(cert, url=public_url(cert, request)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="GCN-OCOP-{cert.number}.pdf"'
    return response


@router.post(
    "/{uuid:public_id}/suspend",
    response={200: CertificateOut, **ERRORS},
    operation_id="certificate_suspend",
    summary="Tạm đình chỉ giấy chứng nhận (căn cứ pháp lý, lý do công khai)",
)
def certificate_suspend(request: HttpRequest, public_id: uuid.UUID, payload: LifecycleIn):
    cert = selectors.certificate_get(actor=request.actor, public_id=public_id)
    return services.certificate_suspend(actor=request.actor, certificate=cert, **payload.dict())


@router.post(
    "/{uuid:public_id}/reinstate",
    response={200: CertificateOut, **ERRORS},
    operation_id="certificate_reinstate",
    summary="Khôi phục hiệu lực giấy chứng nhận đang tạm đình chỉ",
)
def certificate_reinstate(request: HttpRequest, public_id: uuid.UUID, payload: ReinstateIn):
    cert = selectors.certificate_get(actor=request.actor, public_id=public_id)
    return services.certificate_reinstate(actor=request.actor, certificate=cert, **payload.dict())


@router.post(
    "/{uuid:public_id}/revoke",
    response={200: CertificateOut, **ERRORS},
    operation_id="certificate_revoke",
    summary="Thu hồi giấy chứng nhận (căn cứ pháp lý, lý do công khai)",
)
def certificate_revoke(request: HttpRequest, public_id: uuid.UUID, payload: RevokeIn):
    cert = selectors.certificate_get(actor=request.actor, public_id=public_id)
    return services.certificate_revoke(actor=request.actor, certificate=cert, **payload.dict())
