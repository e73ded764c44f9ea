"""JSON API of the stamps app (officers, producers), mounted at /api/v1/stamps.

Thin: parse, fetch through a selector, call one service, shape the result. Operation ids are the
names of the service or selector each endpoint calls. Print files are on the HTML routes
(`stamps:batch_labels_pdf`, `stamps:batch_codes_csv`), which stream.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from ocop.core.access import require
from ocop.stamps import policies, selectors, services
from ocop.stamps.constants import BatchStatus
from ocop.stamps.schemas import (
    ActivateIn,
    BatchOut,
    BatchPageOut,
    BatchRequestIn,
    DecisionIn,
    LotOut,
    ProblemOut,
    RangeReasonIn,
    RangeResultOut,
    RegisterEventOut,
    RejectIn,
)

router = Router(tags=["stamps"])

ERRORS = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut}
MAX_PAGE_SIZE = 200


class BatchFilters(Schema):
    status: BatchStatus | None = None
    product: uuid.UUID | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


@router.get(
    "/batches",
    response={200: BatchPageOut, **ERRORS},
    operation_id="batch_list",
    summary="Danh sách lô tem trong phạm vi của người dùng",
)
def batch_list(request: HttpRequest, filters: Query[BatchFilters]):
    qs = selectors.batch_list(
        actor=request.actor,
        status=filters.status,
        product=str(filters.product) if filters.product else None,
    )
    offset = (filters.page - 1) * filters.page_size
    return {
        "items": list(qs[offset : offset + filters.page_size]),
        "count": qs.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.post(
    "/batches",
    response={201: BatchOut, **ERRORS},
    operation_id="batch_request",
    summary="Đề nghị cấp lô tem cho sản phẩm có giấy chứng nhận còn hiệu lực",
)
def batch_request(request: HttpRequest, payload: BatchRequestIn):
    product = selectors.product_for_request(actor=request.actor, public_id=payload.product)
    batch = services.batch_request(
        actor=request.actor, product=product, quantity=payload.quantity, note=payload.note
    )
    return Status(201, batch)


@router.get(
    "/batches/{uuid:public_id}",
    response={200: BatchOut, **ERRORS},
    operation_id="batch_get",
    summary="Chi tiết lô tem",
)
def batch_get(request: HttpRequest, public_id: uuid.UUID):
    return selectors.batch_get(actor=request.actor, public_id=public_id)


@router.get(
    "/batches/{uuid:public_id}/lots",
    response={200: list[LotOut], **ERRORS},
    operation_id="batch_lots",
    summary="Các lô sản xuất đã kích hoạt của lô tem",
)
def batch_lots(request: HttpRequest, public_id: uuid.UUID):
    batch = selectors.batch_get(actor=request.actor, public_id=public_id)
    return list(selectors.batch_lots(batch=batch))


@router.get(
    "/batches/{uuid:public_id}/events",
    response={200: list[RegisterEventOut], **ERRORS},
    operation_id="batch_events",
    summary="Sổ đăng ký tem của lô: đề nghị, duyệt, phát hành, kích hoạt, trả lại, hủy",
)
def batch_events(request: HttpRequest, public_id: uuid.UUID):
    batch = selectors.batch_get(actor=request.actor, public_id=public_id)
    return list(selectors.batch_events(batch=batch))


@router.post(
    "/batches/{uuid:public_id}/approve",
    response={200: BatchOut, **ERRORS},
    operation_id="batch_approve",
    summary="Phê duyệt đề nghị và phát hành mã tem (lô lớn phát hành nền)",
)
def batch_approve(request: HttpRequest, public_id: uuid.UUID, payload: DecisionIn):
    batch = selectors.batch_get(actor=request.actor, public_id=public_id)
    return services.batch_approve(actor=request.actor, batch=batch, note=payload.note)


@router.post(
    "/batches/{uuid:public_id}/reject",
    response={200: BatchOut, **ERRORS},
    operation_id="batch_reject",
    summary="Từ chối đề nghị cấp tem",
)
def batch_reject(request: HttpRequest, public_id: uuid.UUID, payload: RejectIn):
    batch = selectors.batch_get(actor=request.actor, public_id=public_id)
    return services.batch_reject(actor=request.actor, batch=batch, reason=payload.reason)


@router.post(
    "/batches/{uuid:public_id}/lots",
    response={201: LotOut, **ERRORS},
    operation_id="lot_activate",
    summary="Kích hoạt một dải tem cho lô sản xuất",
)
def lot_activate(request: HttpRequest, public_id: uuid.UUID, payload: ActivateIn):
    batch = selectors.batch_get(actor=request.actor, public_id=public_id)
    lot = services.lot_activate(actor=request.actor, batch=batch, **payload.dict())
    return Status(201, lot)


@router.post(
    "/batches/{uuid:public_id}/return",
    response={200: RangeResultOut, **ERRORS},
    operation_id="stamps_return",
    summary="Trả lại tem chưa dùng (chưa kích hoạt)",
)
def stamps_return(request: HttpRequest, public_id: uuid.UUID, payload: RangeReasonIn):
    batch = selectors.batch_get(actor=request.actor, public_id=public_id)
    return {"count": services.stamps_return(actor=request.actor, batch=batch, **payload.dict())}


@router.post(
    "/batches/{uuid:public_id}/void",
    response={200: RangeResultOut, **ERRORS},
    operation_id="stamps_void",
    summary="Hủy tem (kèm lý do)",
)
def stamps_void(request: HttpRequest, public_id: uuid.UUID, payload: RangeReasonIn):
    batch = selectors.batch_get(actor=request.actor, public_id=public_id)
    require(request.actor, policies.can_void_stamps, batch)
    return {"count": services.stamps_void(actor=request.actor, batch=batch, **payload.dict())}
