"""Ninja In/Out schemas of the evaluation API. Dates are ISO 8601; ids are public UUIDs (council
seats, which have no public id, are numbered)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from ocop.core.schemas import ProblemItemOut, ProblemOut  # noqa: F401
from ocop.criteria.schemas import PartOut
from ocop.evaluation.constants import ApplicationKind, CouncilRole, Level


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """The API emits local time (+07:00)."""
    return timezone.localtime(value) if value is not None else None


# --- process variants --------------------------------------------------------------------------
class VariantOut(Schema):
    code: str
    name_vi: str
    name_en: str
    legal_basis: str
    effective_from: dt.date
    effective_to: dt.date | None
    tiers: list[dict[str, Any]]
    pre_assessment_criteria: list[dict[str, Any]]
    forward_min_score: Decimal | None
    notes: str
    is_demo: bool


# --- rounds ------------------------------------------------------------------------------------
class RoundOut(Schema):
    public_id: uuid.UUID
    province: str = Field(..., alias="province.code")
    province_name: str = Field(..., alias="province.name")
    level: str
    legacy_district: str | None = None
    name: str
    year: int
    number: int
    process_variant: str = Field(..., alias="process_variant.code")
    registration_opens: dt.date
    registration_cutoff: dt.date
    meeting_date: dt.date | None
    status: str
    status_label: str = Field(..., alias="get_status_display")
    divergence_threshold: Decimal
    note: str
    is_demo: bool

    @staticmethod
    def resolve_legacy_district(obj) -> str | None:
        return obj.legacy_district.code if obj.legacy_district_id else None


class RoundPageOut(Schema):
    items: list[RoundOut]
    count: int
    page: int
    page_size: int


class RoundCreateIn(Schema):
    province: str = Field(..., max_length=4, description="Mã tỉnh")
    name: str = Field(..., max_length=200)
    year: int = Field(..., ge=2018, le=2100)
    number: int = Field(1, ge=1, le=99)
    process_variant: str = Field(..., max_length=40, description="Mã quy trình đánh giá")
    registration_opens: dt.date
    registration_cutoff: dt.date
    meeting_date: dt.date | None = None
    divergence_threshold: Decimal = Field(Decimal("10"), ge=0, le=100)
    note: str = Field("", max_length=2000)
    level: Level = Field(Level.PROVINCE, description="district: đợt cấp huyện trước 01/07/2025")
    legacy_district: str | None = Field(None, max_length=5, description="Mã huyện cũ")


class RoundForwardIn(Schema):
    target: uuid.UUID = Field(..., description="Đợt cấp tỉnh nhận hồ sơ")
    min_score: Decimal | None = Field(
        None, ge=0, le=100, description="Chỉ khi quy trình không quy định ngưỡng"
    )


class ForwardedOut(Schema):
    source: uuid.UUID
    application: uuid.UUID


class RoundForwardOut(Schema):
    threshold: Decimal
    forwarded: list[ForwardedOut]
    recognised: list[uuid.UUID]
    not_recognised: list[uuid.UUID]
    left: list[uuid.UUID]


class RoundSummaryOut(Schema):
    evaluated: int
    recognised: int
    recognised_by_stars: dict[str, int]
    proposed_national: int
    not_recognised: int

    @staticmethod
    def resolve_recognised_by_stars(obj) -> dict[str, int]:
        return {str(stars): n for stars, n in obj.recognised_by_stars.items()}


# --- applications ------------------------------------------------------------------------------
class ApplicationOut(Schema):
    public_id: uuid.UUID
    round: uuid.UUID = Field(..., alias="round.public_id")
    round_name: str = Field(..., alias="round.name")
    process_variant: str = Field(..., alias="round.process_variant.code")
    product: uuid.UUID = Field(..., alias="product.public_id")
    product_name: str = Field(..., alias="product.name")
    producer: uuid.UUID = Field(..., alias="producer.public_id")
    producer_name: str = Field(..., alias="producer.name")
    province: str = Field(..., alias="province.code")
    commune: str = Field(..., alias="commune.code")
    commune_name: str = Field(..., alias="commune.name")
    kind: str
    previous: uuid.UUID | None = None
    ruleset: str | None = None
    status: str
    status_label: str = Field(..., alias="get_status_display")
    registration: dict[str, Any]
    self_assessment: dict[str, Any]
    submitted_at: dt.datetime | None
    lower_tier_score: Decimal | None
    score: Decimal | None
    stars: int | None
    outcome: str
    outcome_reason: str
    decision: uuid.UUID | None = None
    national_stars: int | None
    national_decision: str
    national_decided_on: dt.date | None
    created_at: dt.datetime

    @staticmethod
    def resolve_previous(obj) -> uuid.UUID | None:
        return obj.previous.public_id if obj.previous_id else None

    @staticmethod
    def resolve_ruleset(obj) -> str | None:
        return obj.ruleset.code if obj.ruleset_id else None

    @staticmethod
    def resolve_decision(obj) -> uuid.UUID | None:
        return obj.decision.public_id if obj.decision_id else None

    @staticmethod
    def resolve_submitted_at(obj) -> dt.datetime | None:
        return _local(obj.submitted_at)

    @staticmethod
    def resolve_created_at(obj) -> dt.datetime | None:
        return _local(obj.created_at)


class ApplicationPageOut(Schema):
    items: list[ApplicationOut]
    count: int
    page: int
    page_size: int


class ApplicationCreateIn(Schema):
    round: uuid.UUID
    product: uuid.UUID
    kind: ApplicationKind = ApplicationKind.FIRST
    previous: uuid.UUID | None = None
    registration: dict[str, Any] = Field(default_factory=dict)


class ApplicationUpdateIn(Schema):
    registration: dict[str, Any] | None = None
    self_assessment: dict[str, Any] | None = None


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=4000)


class PreAnswerIn(Schema):
    met: bool
    note: str = Field("", max_length=2000)


class PreAssessIn(Schema):
    answers: dict[str, PreAnswerIn]
    conclusion: str = Field(..., max_length=4000)


class LowerScoreIn(Schema):
    score: Decimal = Field(..., ge=0, le=1000)
    note: str = Field("", max_length=2000)


class NationalIn(Schema):
    stars: int = Field(..., ge=1, le=5)
    decision_number: str = Field(..., max_length=100)
    decided_on: dt.date


class TransitionIn(Schema):
    verb: str = Field(..., max_length=40, description="forward, schedule, resubmit, withdraw…")
    reason: str = Field("", max_length=4000)


class StatusChangeOut(Schema):
    verb: str
    from_status: str
    to_status: str
    actor: str = Field(..., alias="actor_label")
    reason: str
    at: dt.datetime

    @staticmethod
    def resolve_at(obj) -> dt.datetime:
        return _local(obj.at)


# --- feedback ----------------------------------------------------------------------------------
class CriterionFeedbackOut(Schema):
    code: str
    name: str
    part_code: str
    section_code: str
    max_points: Decimal
    points: Decimal
    missing: Decimal


class SectionFeedbackOut(Schema):
    code: str
    name: str
    max_points: Decimal | None
    points: Decimal
    criteria: list[CriterionFeedbackOut]


class PartFeedbackOut(Schema):
    code: str
    name: str
    max_points: Decimal
    points: Decimal
    missing: Decimal
    sheet_mean: Decimal | None
    sections: list[SectionFeedbackOut]


class FeedbackOut(Schema):
    application: uuid.UUID = Field(..., alias="application.public_id")
    sheet_count: int
    total: Decimal | None
    stars: int | None
    scale_total: Decimal | None
    unverified: bool
    parts: list[PartFeedbackOut]
    gaps: list[CriterionFeedbackOut]


# --- council -----------------------------------------------------------------------------------
class CouncilMemberOut(Schema):
    id: int
    user: uuid.UUID = Field(..., alias="user.public_id")
    name: str
    role: str
    role_label: str = Field(..., alias="get_role_display")
    organisation: str
    is_external: bool
    valid_from: dt.date
    valid_to: dt.date

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.user.full_name or obj.user.get_username()


class CouncilOut(Schema):
    round: uuid.UUID = Field(..., alias="round.public_id")
    name: str
    establishing_decision: str
    established_on: dt.date | None
    members: list[CouncilMemberOut]

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.members.select_related("user").order_by("role", "id"))


class CouncilCreateIn(Schema):
    name: str = Field(..., max_length=300)
    establishing_decision: str = Field("", max_length=100)
    established_on: dt.date | None = None


class CouncilMemberAddIn(Schema):
    user: uuid.UUID
    role: CouncilRole
    valid_from: dt.date
    valid_to: dt.date
    organisation: str = Field("", max_length=200)
    is_external: bool = False


class FieldVisitOut(Schema):
    id: int
    application: uuid.UUID = Field(..., alias="application.public_id")
    visited_on: dt.date
    members: list[int]
    findings: str
    has_file: bool
    recorded_at: dt.datetime

    @staticmethod
    def resolve_members(obj) -> list[int]:
        return sorted(m.pk for m in obj.members.all())

    @staticmethod
    def resolve_has_file(obj) -> bool:
        return bool(obj.file)

    @staticmethod
    def resolve_recorded_at(obj) -> dt.datetime:
        return _local(obj.recorded_at)


class ConflictIn(Schema):
    has_conflict: bool
    note: str = Field("", max_length=2000)


class ConflictOut(Schema):
    application: uuid.UUID = Field(..., alias="application.public_id")
    member: int = Field(..., alias="member_id")
    has_conflict: bool
    note: str
    declared_at: dt.datetime

    @staticmethod
    def resolve_declared_at(obj) -> dt.datetime:
        return _local(obj.declared_at)


class AssignmentBulkIn(Schema):
    applications: list[uuid.UUID] = Field(..., min_length=1, max_length=500)
    members: list[int] = Field(..., min_length=1, max_length=50)


class AssignmentBulkOut(Schema):
    created: int


# --- score sheets ------------------------------------------------------------------------------
class AnswerIn(Schema):
    option: str = Field(..., max_length=40)
    comment: str = Field("", max_length=2000)


class AnswerOut(Schema):
    option: str
    points: Decimal
    comment: str


class SheetSaveIn(Schema):
    version: int | None = Field(None, ge=1, description="Phiên bản phiếu đã tải (phiếu mới: 1)")
    answers: dict[str, AnswerIn]


class SheetSubmitIn(Schema):
    version: int | None = Field(None, ge=1)


class SheetOut(Schema):
    application: uuid.UUID
    member: int
    status: str
    version: int
    total: Decimal | None
    part_totals: dict[str, Decimal]
    submitted_at: dt.datetime | None
    returned_reason: str
    on_paper: bool
    answers: dict[str, AnswerOut]


class SheetFormOut(SheetOut):
    """The member's own sheet with the criteria tree of the application's rule set."""

    ruleset: str
    scale_total: Decimal
    parts: list[PartOut]


# --- decisions ---------------------------------------------------------------------------------
class DecisionApplicationOut(Schema):
    public_id: uuid.UUID
    product_name: str = Field(..., alias="product.name")
    producer_name: str = Field(..., alias="producer.name")
    score: Decimal | None
    stars: int | None
    outcome: str


class DecisionOut(Schema):
    public_id: uuid.UUID
    round: uuid.UUID = Field(..., alias="round.public_id")
    number: str
    signed_on: dt.date
    signer: str
    issuer: str
    level: str
    published_at: dt.datetime | None
    applications: list[DecisionApplicationOut]

    @staticmethod
    def resolve_applications(obj) -> list:
        return list(obj.applications.select_related("product", "producer").order_by("id"))

    @staticmethod
    def resolve_published_at(obj) -> dt.datetime | None:
        return _local(obj.published_at)


class DecisionRecordIn(Schema):
    number: str = Field(..., max_length=100)
    signed_on: dt.date
    signer: str = Field(..., max_length=200)
    issuer: str = Field(..., max_length=200)
    level: Level = Level.PROVINCE
    applications: list[uuid.UUID] = Field(..., min_length=1, max_length=1000)


# --- dossier -----------------------------------------------------------------------------------
class DocumentOut(Schema):
    id: int
    item: str
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    version: int
    is_current: bool
    carried_over: bool
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_carried_over(obj) -> bool:
        return obj.carried_over_from_id is not None

    @staticmethod
    def resolve_uploaded_at(obj) -> dt.datetime:
        return _local(obj.uploaded_at)


class ChecklistRowOut(Schema):
    code: str
    label: str
    required: bool
    status: str
    new_since_previous: bool
    current: DocumentOut | None
    versions: list[DocumentOut]


class ChecklistOut(Schema):
    application: uuid.UUID = Field(..., alias="application.public_id")
    required_count: int
    required_present: int
    completeness: int
    is_complete: bool
    editable: bool
    rows: list[ChecklistRowOut]
    other: list[DocumentOut]


class DiffRowOut(Schema):
    code: str = Field(..., alias="item.code")
    label: str = Field(..., alias="item.label")
    state: str
    current: DocumentOut | None
    previous: DocumentOut | None


# --- the chair's summary -----------------------------------------------------------------------
class SummaryCellOut(Schema):
    member: int
    recused: bool
    total: Decimal | None = Field(None, description="Tổng điểm đã nộp")
    divergent: bool


class SummaryRowOut(Schema):
    application: uuid.UUID
    product_name: str
    producer_name: str
    status: str
    mean: Decimal | None = Field(None, description="Làm tròn theo bộ tiêu chí")
    stars: int | None
    submitted: int
    cells: list[SummaryCellOut]


class CouncilSummaryOut(Schema):
    members: list[CouncilMemberOut]
    rows: list[SummaryRowOut]


class MemberSheetOut(Schema):
    application: uuid.UUID
    product_name: str
    producer_name: str
    round: uuid.UUID
    round_name: str
    application_status: str
    member: int
    role: str
    sheet_status: str
    version: int
    total: Decimal | None
