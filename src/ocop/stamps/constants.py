"""States and kinds of the stamp register, and the issuance limits."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# A batch holds 1 to 1,000,000 codes (issue 5).
BATCH_MIN = 1
BATCH_MAX = 1_000_000
# Up to this many codes are issued inside the approval; larger batches go to a background task.
ISSUE_INLINE_MAX = 10_000
# Rows written and committed per chunk (quality targets §2.4: 10k–50k).
ISSUE_CHUNK = 50_000
# Rows read per database round trip when streaming sheets and CSV files.
STREAM_CHUNK = 2_000


class BatchStatus(models.TextChoices):
    REQUESTED = "requested", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt, đang phát hành")
    ISSUED = "issued", _("Đã phát hành")
    REJECTED = "rejected", _("Bị từ chối")


BATCH_BADGES = {
    BatchStatus.REQUESTED: "submitted",
    BatchStatus.APPROVED: "info",
    BatchStatus.ISSUED: "valid",
    BatchStatus.REJECTED: "revoked",
}


class StampState(models.TextChoices):
    ISSUED = "issued", _("Đã phát hành")
    ACTIVATED = "activated", _("Đã kích hoạt")
    VOIDED = "voided", _("Đã hủy")


class RegisterEventKind(models.TextChoices):
    REQUESTED = "requested", _("Đề nghị cấp tem")
    APPROVED = "approved", _("Phê duyệt")
    REJECTED = "rejected", _("Từ chối")
    ISSUED = "issued", _("Phát hành mã")
    ACTIVATED = "activated", _("Kích hoạt theo lô")
    RETURNED = "returned", _("Trả lại tem chưa dùng")
    VOIDED = "voided", _("Hủy tem")
