"""In/Out schemas of the stamps API."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from ocop.core.schemas import ProblemOut
from ocop.stamps.constants import BATCH_MAX, BATCH_MIN, BatchStatus

__all__ = [
    "ActivateIn",
    "BatchOut",
    "BatchPageOut",
    "BatchRequestIn",
    "DecisionIn",
    "LotOut",
    "ProblemOut",
    "RangeIn",
    "RangeReasonIn",
    "RangeResultOut",
    "RegisterEventOut",
    "RejectIn",
]


class BatchRequestIn(Schema):
    product: uuid.UUID = Field(description="public_id của sản phẩm")
    quantity: int = Field(ge=BATCH_MIN, le=BATCH_MAX)
    note: str = Field("", max_length=2000)


class DecisionIn(Schema):
    note: str = Field("", max_length=2000)


class RejectIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class RangeIn(Schema):
    first_number: int = Field(ge=1, le=BATCH_MAX)
    last_number: int = Field(ge=1, le=BATCH_MAX)


class ActivateIn(RangeIn):
    lot_number: str = Field(min_length=1, max_length=20)
    production_date: dt.date
    best_before: dt.date
    quantity: int = Field(ge=1, le=2_000_000_000)


class RangeReasonIn(RangeIn):
    reason: str = Field(min_length=1, max_length=2000)


class RangeResultOut(Schema):
    count: int


class BatchOut(Schema):
    public_id: uuid.UUID
    code: str
    product: uuid.UUID
    product_name: str
    producer_name: str
    province: str
    commune: str
    certificate_number: str | None
    quantity: int
    issued_count: int
    status: BatchStatus
    note: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    issued_at: dt.datetime | None

    @staticmethod
    def resolve_product(obj) -> uuid.UUID:
        return obj.product.public_id

    @staticmethod
    def resolve_product_name(obj) -> str:
        return obj.product.name

    @staticmethod
    def resolve_producer_name(obj) -> str:
        return obj.producer.name

    @staticmethod
    def resolve_province(obj) -> str:
        return obj.province.code

    @staticmethod
    def resolve_commune(obj) -> str:
        return obj.commune.code

    @staticmethod
    def resolve_certificate_number(obj) -> str | None:
        return obj.certificate.number if obj.certificate_id else None


class BatchPageOut(Schema):
    items: list[BatchOut]
    count: int
    page: int
    page_size: int


class LotOut(Schema):
    public_id: uuid.UUID
    lot_number: str
    production_date: dt.date
    best_before: dt.date
    quantity: int
    first_number: int
    last_number: int
    stamp_count: int
    activated_at: dt.datetime
    certificate_number: str

    @staticmethod
    def resolve_certificate_number(obj) -> str:
        return obj.certificate.number


class RegisterEventOut(Schema):
    kind: str
    at: dt.datetime
    actor_label: str
    first_number: int | None
    last_number: int | None
    count: int
    reason: str
