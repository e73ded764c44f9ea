"""Choices of the criteria app. Legal values (points, bands, months) are never here: they are data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

SCHEMA = "ocop-criteria/v1"
PART_CODES = ("A", "B", "C")


class RuleSetStatus(models.TextChoices):
    """How far a rule set can be trusted, and so what it may be used for (README rule 8)."""

    VERIFIED_OFFICIAL = "verified_official", _("Đã đối chiếu văn bản chính thức")
    UNVERIFIED_TRANSCRIPTION = "unverified_transcription", _("Bản chép chưa đối chiếu")
    SKELETON = "skeleton", _("Khung (chưa có bảng điểm)")
    FRAGMENT_UNVERIFIED = "fragment_unverified", _("Trích đoạn chưa xác minh")
    TEST_FIXTURE_INVALID = "test_fixture_invalid", _("Dữ liệu kiểm thử không hợp lệ")
    DEMONSTRATION = "demonstration", _("Dữ liệu trình diễn")


# Statuses whose part sums must add up (README rule 4): skeletons and fragments are partial.
PARTIAL_STATUSES = frozenset({RuleSetStatus.SKELETON, RuleSetStatus.FRAGMENT_UNVERIFIED})
# Never selectable for anything but display.
NEVER_ACTIVE_STATUSES = frozenset(
    {RuleSetStatus.FRAGMENT_UNVERIFIED, RuleSetStatus.TEST_FIXTURE_INVALID}
)
# Among rule sets of one tier, effective ranges per product set must not overlap (README rule 7).
# A skeleton (historic part totals) may coexist with a full sheet for the same period.
SCORING_TIER = frozenset(
    {
        RuleSetStatus.VERIFIED_OFFICIAL,
        RuleSetStatus.UNVERIFIED_TRANSCRIPTION,
        RuleSetStatus.DEMONSTRATION,
    }
)
FRAME_TIER = frozenset({RuleSetStatus.SKELETON})
# What an upload made by a person may declare; verified_official is reached only by confirmation.
UPLOAD_STATUSES = frozenset(
    {
        RuleSetStatus.UNVERIFIED_TRANSCRIPTION,
        RuleSetStatus.SKELETON,
        RuleSetStatus.FRAGMENT_UNVERIFIED,
        RuleSetStatus.DEMONSTRATION,
    }
)


# Shared badge classes of the UI shell, per status.
STATUS_BADGES = {
    RuleSetStatus.VERIFIED_OFFICIAL: "success",
    RuleSetStatus.UNVERIFIED_TRANSCRIPTION: "warning",
    RuleSetStatus.SKELETON: "info",
    RuleSetStatus.FRAGMENT_UNVERIFIED: "danger",
    RuleSetStatus.TEST_FIXTURE_INVALID: "danger",
    RuleSetStatus.DEMONSTRATION: "info",
}


def tier_of(status: str) -> frozenset | None:
    if status in SCORING_TIER:
        return SCORING_TIER
    if status in FRAME_TIER:
        return FRAME_TIER
    return None


class Mandatory(models.TextChoices):
    """Whether a criterion is a knock-out ("*") criterion of the official sheet."""

    YES = "yes", _("Bắt buộc")
    NO = "no", _("Không bắt buộc")
    UNKNOWN = "unknown", _("Chưa rõ")


class SourceFormat(models.TextChoices):
    YAML = "yaml", _("YAML")
    XLSX = "xlsx", _("Excel")
