"""Ninja In/Out schemas of the producers API. Ids are public UUIDs; units are given by code;
dates are ISO 8601, times in local time (+07:00). Input is validated again by the services, which
give the Vietnamese messages."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from ninja import Field, Schema

from ocop.core.schemas import ProblemItemOut, ProblemOut  # noqa: F401
from ocop.producers.constants import (
    CertificationKind,
    ProducerDocumentKind,
    ProducerKind,
    ProducerStatus,
)


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


class ProducerUnitOut(Schema):
    code: str
    name: str


# --- producers ----------------------------------------------------------------------------------
class ProducerFilters(Schema):
    q: str | None = Field(
        None, max_length=200, description="Tìm theo tên (không dấu) hoặc mã số thuế"
    )
    kind: ProducerKind | None = None
    province: str | None = Field(None, max_length=10, description="Mã tỉnh")
    commune: str | None = Field(None, max_length=10, description="Mã xã")
    status: ProducerStatus | None = None


class ProducerListOut(Schema):
    public_id: uuid.UUID
    kind: ProducerKind
    kind_label: str
    name: str
    tax_code: str | None
    representative: str
    province: ProducerUnitOut
    commune: ProducerUnitOut
    status: ProducerStatus
    status_label: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class ProducerOut(ProducerListOut):
    representative_title: str
    address_detail: str
    legacy_address: str
    legacy_commune: ProducerUnitOut | None
    phone: str
    email: str
    website: str
    founded_year: int | None
    members_count: int | None
    employees_count: int | None
    women_owned: bool
    ethnic_minority_owned: bool
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_created_at(obj) -> dt.datetime | None:
        return _local(obj.created_at)

    @staticmethod
    def resolve_updated_at(obj) -> dt.datetime | None:
        return _local(obj.updated_at)


class ProducerCreateIn(Schema):
    kind: ProducerKind
    name: str = Field(..., description="Tên chủ thể (tối đa 255 ký tự)")
    representative: str = Field(..., description="Người đại diện theo pháp luật")
    commune: str | None = Field(
        None, description="Mã xã hiện nay; bỏ trống khi chỉ có địa chỉ cũ (legacy_address)"
    )
    province: str | None = Field(None, description="Mã tỉnh (nếu gửi, phải là tỉnh của xã)")
    tax_code: str | None = Field(
        None,
        description="Mã số thuế 10 số hoặc NNNNNNNNNN-NNN; hộ kinh doanh: số ĐKKD hoặc số định danh",
    )
    representative_title: str = ""
    address_detail: str = ""
    legacy_address: str = Field(
        "", description="Địa chỉ theo đơn vị hành chính cũ, giữ nguyên như trong hồ sơ"
    )
    phone: str = ""
    email: str = ""
    website: str = ""
    founded_year: int | None = None
    members_count: int | None = None
    employees_count: int | None = None
    women_owned: bool = False
    ethnic_minority_owned: bool = False
    note: str = ""


class ProducerUpdateIn(Schema):
    """Only the fields sent are changed."""

    kind: ProducerKind | None = None
    name: str | None = None
    representative: str | None = None
    commune: str | None = None
    province: str | None = None
    tax_code: str | None = None
    representative_title: str | None = None
    address_detail: str | None = None
    legacy_address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    founded_year: int | None = None
    members_count: int | None = None
    employees_count: int | None = None
    women_owned: bool | None = None
    ethnic_minority_owned: bool | None = None
    note: str | None = None


class ProducerStatusIn(Schema):
    status: ProducerStatus
    reason: str = ""


# --- certifications -----------------------------------------------------------------------------
class CertificationIn(Schema):
    kind: CertificationKind
    kind_other: str = Field("", description="Tên chứng nhận khi loại là «other»")
    number: str
    issuer: str
    scope: str = ""
    valid_from: dt.date
    valid_to: dt.date | None = None


class CertificationOut(Schema):
    public_id: uuid.UUID
    kind: CertificationKind
    kind_label: str
    kind_other: str
    number: str
    issuer: str
    scope: str
    valid_from: dt.date
    valid_to: dt.date | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


# --- documents and history ----------------------------------------------------------------------
class ProducerDocumentOut(Schema):
    public_id: uuid.UUID
    kind: ProducerDocumentKind
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    version: int
    replaces: uuid.UUID | None
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_replaces(obj) -> uuid.UUID | None:
        return obj.replaces.public_id if obj.replaces_id else None

    @staticmethod
    def resolve_uploaded_at(obj) -> dt.datetime | None:
        return _local(obj.uploaded_at)


class ProducerHistoryEventOut(Schema):
    at: dt.datetime
    actor: str = Field(..., alias="actor_label")
    action: str
    object_type: str
    before: dict | None
    after: dict | None
    reason: str

    @staticmethod
    def resolve_at(obj) -> dt.datetime | None:
        return _local(obj.at)
