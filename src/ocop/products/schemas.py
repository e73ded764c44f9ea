"""Ninja In/Out schemas of the products API. Dates are ISO 8601; ids are public UUIDs."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from ninja import Field, Schema

from ocop.core.schemas import ProblemItemOut, ProblemOut  # noqa: F401
from ocop.products.constants import CycleStep, ProductDocumentKind, ProductStatus


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """The API emits local time (+07:00)."""
    return timezone.localtime(value) if value is not None else None


# --- classifications ---------------------------------------------------------------------------
class ProductSetOut(Schema):
    code: str
    name_vi: str
    name_en: str
    classification: str = Field(..., alias="classification.code")
    group: str | None = Field(None, alias="group.code")
    sector: str | None = Field(None, alias="group.sector.code")
    ministries: list[str]
    maps_to: str
    mapping_note: str
    samples_required: bool
    site_visit_required: bool


class ProductSetBriefOut(Schema):
    code: str
    name_vi: str
    name_en: str
    ministries: list[str]
    maps_to: str
    samples_required: bool
    site_visit_required: bool


class ProductGroupOut(Schema):
    code: str
    name_vi: str
    name_en: str
    product_sets: list[ProductSetBriefOut] = Field(..., alias="product_sets.all")


class SectorOut(Schema):
    code: str
    name_vi: str
    name_en: str
    groups: list[ProductGroupOut] = Field(..., alias="groups.all")


class ClassificationOut(Schema):
    code: str
    legal_basis: str
    effective_from: dt.date
    effective_to: dt.date | None
    sectors: list[SectorOut] = Field(..., alias="sectors.all")


# --- products ----------------------------------------------------------------------------------
class UnitRefOut(Schema):
    code: str
    name: str


class ProducerRefOut(Schema):
    public_id: uuid.UUID
    name: str


class ProductListOut(Schema):
    public_id: uuid.UUID
    code: str | None
    name: str
    producer: ProducerRefOut
    product_set: str = Field(..., alias="product_set.code")
    classification: str = Field(..., alias="product_set.classification.code")
    province: UnitRefOut
    commune: UnitRefOut
    registered_on: dt.date
    cycle_step: CycleStep
    status: ProductStatus
    is_key_product: bool


class ProductPageOut(Schema):
    items: list[ProductListOut]
    count: int
    page: int
    page_size: int


class WarningOut(Schema):
    code: str
    message: str
    count: int


class ProductOut(ProductListOut):
    description: str
    story: str
    raw_material_area: str
    packaging: str
    label_text: str
    base_standard: str
    gtin: str
    is_traditional: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    warnings: list[WarningOut] = []

    @staticmethod
    def resolve_warnings(obj) -> list:
        return list(getattr(obj, "warnings", []) or [])

    @staticmethod
    def resolve_created_at(obj) -> dt.datetime | None:
        return _local(obj.created_at)

    @staticmethod
    def resolve_updated_at(obj) -> dt.datetime | None:
        return _local(obj.updated_at)


class ProductCreateIn(Schema):
    producer: uuid.UUID = Field(..., description="public_id của chủ thể")
    name: str
    product_set: str = Field(..., description="Mã bộ sản phẩm, ví dụ QD148-01")
    registered_on: dt.date | None = None
    description: str = ""
    story: str = ""
    raw_material_area: str = ""
    packaging: str = ""
    label_text: str = ""
    base_standard: str = ""
    gtin: str = ""
    cycle_step: CycleStep = CycleStep.IDEA
    is_key_product: bool = False
    is_traditional: bool = False


class ProductUpdateIn(Schema):
    """Only the fields sent are changed."""

    name: str | None = None
    product_set: str | None = None
    registered_on: dt.date | None = None
    description: str | None = None
    story: str | None = None
    raw_material_area: str | None = None
    packaging: str | None = None
    label_text: str | None = None
    base_standard: str | None = None
    gtin: str | None = None
    is_key_product: bool | None = None
    is_traditional: bool | None = None


class ProductImageOut(Schema):
    public_id: uuid.UUID
    caption: str
    content_type: str
    size: int
    sha256: str
    is_registered_design: bool
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_uploaded_at(obj) -> dt.datetime | None:
        return _local(obj.uploaded_at)


class ProductDocumentOut(Schema):
    public_id: uuid.UUID
    kind: ProductDocumentKind
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    version: int
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_uploaded_at(obj) -> dt.datetime | None:
        return _local(obj.uploaded_at)


class HistoryEventOut(Schema):
    at: dt.datetime
    actor: str = Field(..., alias="actor_label")
    action: str
    before: dict | None
    after: dict | None
    reason: str

    @staticmethod
    def resolve_at(obj) -> dt.datetime | None:
        return _local(obj.at)
