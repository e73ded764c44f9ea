"""JSON API of the producers app, mounted at /api/v1/producers (ocop.api.routers).

Thin: parse, fetch through a selector, call one service, shape the result. Operation ids are the
names of the service or selector each endpoint calls.
"""

import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.core.errors import NotFound, ValidationFailed
from ocop.producers import selectors, services
from ocop.producers.constants import ProducerDocumentKind
from ocop.producers.schemas import (
    CertificationIn,
    CertificationOut,
    ProblemOut,
    ProducerCreateIn,
    ProducerDocumentOut,
    ProducerFilters,
    ProducerHistoryEventOut,
    ProducerListOut,
    ProducerOut,
    ProducerStatusIn,
    ProducerUpdateIn,
)

router = Router(tags=["producers"])

ERRORS = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut}
HISTORY_LIMIT = 500


# --- producers ----------------------------------------------------------------------------------
@router.get(
    "",
    response={200: list[ProducerListOut], 401: ProblemOut, 422: ProblemOut},
    operation_id="producer_list",
    summary="Danh sách chủ thể OCOP trong phạm vi của người dùng (phân trang limit/offset)",
)
@paginate(LimitOffsetPagination)
def producer_list(request: HttpRequest, filters: Query[ProducerFilters]):
    return selectors.producer_list(actor=request.actor, **filters.dict())


@router.post(
    "",
    response={201: ProducerOut, **ERRORS},
    operation_id="producer_create",
    summary="Đăng ký chủ thể OCOP",
)
def producer_create(request: HttpRequest, payload: ProducerCreateIn):
    producer = services.producer_create(actor=request.actor, **payload.dict())
    return Status(201, producer)


@router.get(
    "/{uuid:public_id}",
    response={200: ProducerOut, **ERRORS},
    operation_id="producer_get",
    summary="Chi tiết chủ thể OCOP",
)
def producer_get(request: HttpRequest, public_id: uuid.UUID):
    return selectors.producer_get(actor=request.actor, public_id=public_id)


@router.patch(
    "/{uuid:public_id}",
    response={200: ProducerOut, **ERRORS},
    operation_id="producer_update",
    summary="Sửa thông tin chủ thể (chỉ các trường gửi lên)",
)
def producer_update(request: HttpRequest, public_id: uuid.UUID, payload: ProducerUpdateIn):
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    return services.producer_update(
        actor=request.actor, producer=producer, data=payload.dict(exclude_unset=True)
    )


@router.post(
    "/{uuid:public_id}/status",
    response={200: ProducerOut, **ERRORS},
    operation_id="producer_set_status",
    summary="Đổi trạng thái hoạt động của chủ thể (tạm ngừng, giải thể, hoạt động lại)",
)
def producer_set_status(request: HttpRequest, public_id: uuid.UUID, payload: ProducerStatusIn):
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    return services.producer_set_status(
        actor=request.actor, producer=producer, status=payload.status, reason=payload.reason
    )


@router.get(
    "/{uuid:public_id}/history",
    response={200: list[ProducerHistoryEventOut], **ERRORS},
    operation_id="producer_history",
    summary="Lịch sử thay đổi của chủ thể, chứng nhận và tài liệu (mới nhất trước)",
)
def producer_history(request: HttpRequest, public_id: uuid.UUID):
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    return list(selectors.producer_history(actor=request.actor, producer=producer)[:HISTORY_LIMIT])


# --- certifications -----------------------------------------------------------------------------
@router.get(
    "/{uuid:public_id}/certifications",
    response={200: list[CertificationOut], **ERRORS},
    operation_id="certification_list",
    summary="Chứng nhận chất lượng của chủ thể",
)
def certification_list(request: HttpRequest, public_id: uuid.UUID):
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    return list(selectors.certification_list(actor=request.actor, producer=producer))


@router.post(
    "/{uuid:public_id}/certifications",
    response={201: CertificationOut, **ERRORS},
    operation_id="certification_add",
    summary="Thêm chứng nhận chất lượng (VietGAP, hữu cơ, HACCP, ISO 22000, GlobalGAP, GMP…)",
)
def certification_add(request: HttpRequest, public_id: uuid.UUID, payload: CertificationIn):
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    certification = services.certification_add(
        actor=request.actor, producer=producer, **payload.dict()
    )
    return Status(201, certification)


# --- documents ----------------------------------------------------------------------------------
@router.get(
    "/{uuid:public_id}/documents",
    response={200: list[ProducerDocumentOut], **ERRORS},
    operation_id="producer_document_list",
    summary="Tài liệu của chủ thể (mọi phiên bản)",
)
def producer_document_list(request: HttpRequest, public_id: uuid.UUID):
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    return list(selectors.producer_document_list(actor=request.actor, producer=producer))


@router.post(
    "/{uuid:public_id}/documents",
    response={201: ProducerDocumentOut, **ERRORS},
    operation_id="producer_document_upload",
    summary="Tải lên tài liệu (PDF, JPEG, PNG, DOCX, XLSX); có thể thay phiên bản trước",
)
def producer_document_upload(
    request: HttpRequest,
    public_id: uuid.UUID,
    file: File[UploadedFile],
    kind: Form[ProducerDocumentKind],
    title: Form[str] = "",
    replaces: Form[uuid.UUID | None] = None,
):
    producer = selectors.producer_get(actor=request.actor, public_id=public_id)
    previous = None
    if replaces is not None:
        try:
            previous = selectors.producer_document_get(
                actor=request.actor, producer=producer, public_id=replaces
            )
        except NotFound:
            raise ValidationFailed(
                errors=[
                    {
                        "loc": ["replaces"],
                        "code": "not_found",
                        "message": _("Không tìm thấy tài liệu cần thay thế của chủ thể này."),
                    }
                ]
            ) from None
    document = services.producer_document_upload(
        actor=request.actor,
        producer=producer,
        kind=kind,
        upload=file,
        title=title,
        replaces=previous,
    )
    return Status(201, document)
