"""JSON API of the products app, mounted at /api/v1/products (ocop.api.routers).

Thin: parse, fetch through a selector, call one service, shape the result. Operation ids are the
names of the service or selector each endpoint calls.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from ocop.core.access import require
from ocop.core.errors import NotFound, ValidationFailed
from ocop.products import policies, selectors, services
from ocop.products.constants import CycleStep, ProductDocumentKind, ProductStatus
from ocop.products.models import ProductSet
from ocop.products.schemas import (
    ClassificationOut,
    HistoryEventOut,
    ProblemOut,
    ProductCreateIn,
    ProductDocumentOut,
    ProductImageOut,
    ProductOut,
    ProductPageOut,
    ProductSetOut,
    ProductUpdateIn,
)

router = Router(tags=["products"])

ERRORS = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut}
MAX_PAGE_SIZE = 200


class ProductFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Tìm theo tên (không dấu) hoặc mã")
    producer: uuid.UUID | None = None
    product_set: str | None = Field(None, description="Mã bộ sản phẩm, ví dụ QD148-01")
    classification: str | None = Field(None, description="QD1048 hoặc QD148")
    province: str | None = Field(None, description="Mã tỉnh")
    commune: str | None = Field(None, description="Mã xã")
    cycle_step: CycleStep | None = None
    status: ProductStatus | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


def _product_set(code: str | None) -> ProductSet | None:
    if code is None:
        return None
    try:
        return selectors.product_set_get(code=code)
    except NotFound as exc:
        raise ValidationFailed(
            errors=[
                {
                    "loc": ["product_set"],
                    "code": "unknown",
                    "message": str(_("Không có bộ sản phẩm với mã này.")),
                }
            ]
        ) from exc


# --- reference data ----------------------------------------------------------------------------
@router.get(
    "/classifications",
    response={200: list[ClassificationOut], 401: ProblemOut},
    operation_id="classification_tree",
    summary="Hệ thống phân loại: ngành → nhóm → bộ sản phẩm",
)
def classification_tree(request: HttpRequest, classification: str | None = None):
    return selectors.classification_tree(classification=classification)


@router.get(
    "/product-sets",
    response={200: list[ProductSetOut], 401: ProblemOut},
    operation_id="product_set_list",
    summary="Danh sách bộ sản phẩm",
)
def product_set_list(request: HttpRequest, classification: str | None = None):
    return selectors.product_set_list(classification=classification)


# --- products ----------------------------------------------------------------------------------
@router.get(
    "",
    response={200: ProductPageOut, **ERRORS},
    operation_id="product_list",
    summary="Danh sách sản phẩm trong phạm vi của người dùng",
)
def product_list(request: HttpRequest, filters: Query[ProductFilters]):
    # Like the page's @access: roles without any registry scope are refused, not shown nothing.
    require(request.actor, policies.can_list_products)
    data = filters.dict(exclude={"page", "page_size"})
    qs = selectors.product_list(actor=request.actor, **data)
    offset = (filters.page - 1) * filters.page_size
    return {
        "items": list(qs[offset : offset + filters.page_size]),
        "count": qs.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.post(
    "",
    response={201: ProductOut, **ERRORS},
    operation_id="product_create",
    summary="Đăng ký sản phẩm",
)
def product_create(request: HttpRequest, payload: ProductCreateIn):
    producer = selectors.producer_for_products(actor=request.actor, public_id=payload.producer)
    data = payload.dict(exclude={"producer", "product_set"})
    product = services.product_create(
        actor=request.actor,
        producer=producer,
        product_set=_product_set(payload.product_set),
        **data,
    )
    return Status(201, product)


@router.get(
    "/{uuid:public_id}",
    response={200: ProductOut, **ERRORS},
    operation_id="product_get",
    summary="Chi tiết sản phẩm",
)
def product_get(request: HttpRequest, public_id: uuid.UUID):
    product = selectors.product_get(actor=request.actor, public_id=public_id)
    product.warnings = selectors.product_warnings(actor=request.actor, product=product)
    return product


@router.patch(
    "/{uuid:public_id}",
    response={200: ProductOut, **ERRORS},
    operation_id="product_update",
    summary="Sửa thông tin sản phẩm (chỉ các trường gửi lên)",
)
def product_update(request: HttpRequest, public_id: uuid.UUID, payload: ProductUpdateIn):
    product = selectors.product_get(actor=request.actor, public_id=public_id)
    data = payload.dict(exclude_unset=True)
    if "product_set" in data:
        data["product_set"] = _product_set(data["product_set"])
    return services.product_update(actor=request.actor, product=product, data=data)


@router.post(
    "/{uuid:public_id}/cycle-step",
    response={200: ProductOut, **ERRORS},
    operation_id="product_set_cycle_step",
    summary="Cập nhật bước chu trình OCOP của sản phẩm",
)
def product_set_cycle_step(
    request: HttpRequest, public_id: uuid.UUID, cycle_step: Form[CycleStep], note: Form[str] = ""
):
    product = selectors.product_get(actor=request.actor, public_id=public_id)
    return services.product_set_cycle_step(
        actor=request.actor, product=product, cycle_step=cycle_step, note=note
    )


@router.post(
    "/{uuid:public_id}/retire",
    response={200: ProductOut, **ERRORS},
    operation_id="product_retire",
    summary="Ngừng theo dõi sản phẩm (ngừng sản xuất)",
)
def product_retire(request: HttpRequest, public_id: uuid.UUID, reason: Form[str]):
    product = selectors.product_get(actor=request.actor, public_id=public_id)
    return services.product_retire(actor=request.actor, product=product, reason=reason)


@router.post(
    "/{uuid:public_id}/images",
    response={201: ProductImageOut, **ERRORS},
    operation_id="product_image_add",
    summary="Thêm ảnh sản phẩm (JPEG/PNG)",
)
def product_image_add(
    request: HttpRequest,
    public_id: uuid.UUID,
    file: File[UploadedFile],
    caption: Form[str] = "",
    is_registered_design: Form[bool] = False,
):
    product = selectors.product_get(actor=request.actor, public_id=public_id)
    image = services.product_image_add(
        actor=request.actor,
        product=product,
        upload=file,
        caption=caption,
        is_registered_design=is_registered_design,
    )
    return Status(201, image)


@router.post(
    "/{uuid:public_id}/documents",
    response={201: ProductDocumentOut, **ERRORS},
    operation_id="product_document_upload",
    summary="Tải lên tài liệu sản phẩm (bản mới thay bản cũ cùng loại)",
)
def product_document_upload(
    request: HttpRequest,
    public_id: uuid.UUID,
    file: File[UploadedFile],
    kind: Form[ProductDocumentKind],
    title: Form[str] = "",
    standard_code: Form[str] = "",
):
    product = selectors.product_get(actor=request.actor, public_id=public_id)
    document = services.product_document_upload(
        actor=request.actor,
        product=product,
        kind=kind,
        upload=file,
        title=title,
        standard_code=standard_code,
    )
    return Status(201, document)


@router.get(
    "/{uuid:public_id}/history",
    response={200: list[HistoryEventOut], **ERRORS},
    operation_id="product_history",
    summary="Lịch sử thay đổi của sản phẩm",
)
def product_history(request: HttpRequest, public_id: uuid.UUID):
    product = selectors.product_get(actor=request.actor, public_id=public_id)
    return list(selectors.product_history(actor=request.actor, product=product)[:500])
