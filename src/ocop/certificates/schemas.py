"""Ninja In/Out schemas of the certificates API. Dates are ISO 8601; ids are public UUIDs."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from ocop.certificates.constants import CertificateStatus
from ocop.core.schemas import ProblemOut  # noqa: F401


class CertificateOut(Schema):
    public_id: uuid.UUID
    number: str
    product: uuid.UUID = Field(..., alias="product.public_id")
    producer: uuid.UUID = Field(..., alias="producer.public_id")
    product_code: str
    product_name: str
    producer_name: str
    address: str
    commune: str = Field(..., alias="commune.code")
    commune_name: str
    province: str = Field(..., alias="province.code")
    stars: int
    level: str
    decision_number: str
    decision_date: dt.date
    valid_from: dt.date
    valid_until: dt.date
    expiring_from: dt.date
    status: CertificateStatus
    status_label: str
    imported: bool
    suspension_ground: str
    suspension_public_reason: str
    revocation_ground: str
    revocation_public_reason: str
    superseded_by: str | None = Field(None, alias="superseded_by.number")
    pdf_sha256: str


class CertificatePageOut(Schema):
    items: list[CertificateOut]
    count: int
    page: int
    page_size: int


class LifecycleIn(Schema):
    legal_ground: str = Field(..., max_length=60, description="Mã căn cứ pháp lý")
    public_reason: str = Field(..., max_length=1000)
    internal_note: str = Field("", max_length=4000)


class RevokeIn(LifecycleIn):
    revocation_decision: str = Field("", max_length=100)


class ReinstateIn(Schema):
    public_reason: str = Field(..., max_length=1000)
    internal_note: str = Field("", max_length=4000)


class IssueFromDecisionIn(Schema):
    decision: uuid.UUID


class IssueIn(Schema):
    application: uuid.UUID


class PublicCertificateOut(Schema):
    """What anyone may read about a certificate: product, producer, stars, current status."""

    number: str
    product_name: str
    product_code: str
    producer_name: str
    commune_name: str
    province_name: str
    stars: int
    level: str
    decision_number: str
    decision_date: dt.date
    valid_from: dt.date
    valid_until: dt.date
    status: CertificateStatus
    status_label: str
    in_force: bool
    reason: str
    superseded_by: str | None


class ProvinceCountsOut(Schema):
    province: str
    recognised: int
    valid: int
    certificates: int
