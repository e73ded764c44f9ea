"""Scan log (written in batches by `stamps.scanlog`, never per request) and anomaly alerts.

Hot tables follow the quality targets (§3): a scan event has no foreign key (forged and unknown
codes are logged too), a NOT NULL serial and the primary key (stamp_serial, scanned_at, event_id),
which suits monthly range partitions and hash distribution by serial. Tokens without a serial
(malformed or forged) go to `RejectedScan`. `ScanTally` holds per-code counters updated by the
flusher, so the verification page reads "verified N times, first on …" with one indexed lookup.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import PublicIdModel

__all__ = [
    "Alert",
    "AlertKind",
    "AlertStatus",
    "ProblemReport",
    "RejectedScan",
    "ScanChannel",
    "ScanEvent",
    "ScanOutcome",
    "ScanTally",
]


class ScanOutcome(models.TextChoices):
    """What a verification answered."""

    GENUINE = "genuine", _("Tem thật, sản phẩm còn hiệu lực chứng nhận")
    NOT_IN_FORCE = "not_in_force", _("Tem thật, giấy chứng nhận không còn hiệu lực")
    INACTIVE = "inactive", _("Tem chưa được kích hoạt")
    VOIDED = "voided", _("Tem đã bị hủy")
    MISMATCH = "mismatch", _("Thông tin trên tem không khớp")
    UNKNOWN = "unknown", _("Không có trong sổ đăng ký tem")
    FORGED = "forged", _("Mã giả mạo")
    MALFORMED = "malformed", _("Mã không đúng định dạng")


class ScanChannel(models.TextChoices):
    PAGE = "page", _("Trang xác thực")
    GS1 = "gs1", _("Đường dẫn GS1")
    API = "api", _("API")


def _event_id() -> int:
    return secrets.randbits(63) or 1


class ScanEvent(models.Model):
    """One verification of a code that carries a serial (append-only)."""

    pk = models.CompositePrimaryKey("stamp_serial", "scanned_at", "event_id")
    stamp_serial = models.BigIntegerField(_("số sê-ri"))
    scanned_at = models.DateTimeField(_("thời điểm"))
    event_id = models.BigIntegerField(default=_event_id, editable=False)
    outcome = models.CharField(_("kết quả"), max_length=20, choices=ScanOutcome.choices)
    certificate_status = models.CharField(
        _("trạng thái giấy chứng nhận"), max_length=20, blank=True
    )
    # The product's province at scan time (scopes alerts); no foreign key on a hot table.
    province_id = models.BigIntegerField(_("tỉnh của sản phẩm"), null=True, blank=True)
    place_code = models.CharField(_("nơi quét (mã tỉnh)"), max_length=4, blank=True)
    place_name = models.CharField(_("nơi quét"), max_length=100, blank=True)
    client_hash = models.CharField(_("địa chỉ máy (mã băm)"), max_length=32)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    channel = models.CharField(_("kênh"), max_length=8, choices=ScanChannel.choices)

    class Meta:
        verbose_name = _("lượt quét")
        verbose_name_plural = _("lượt quét")
        indexes = [
            models.Index(fields=["scanned_at"], name="stamps_scan_time"),
            models.Index(fields=["province_id", "scanned_at"], name="stamps_scan_province"),
        ]

    def __str__(self) -> str:
        return f"{self.stamp_serial} {self.scanned_at:%Y-%m-%d %H:%M} {self.outcome}"


class RejectedScan(models.Model):
    """A verification of a token that is malformed or fails its signature (no serial to key on)."""

    scanned_at = models.DateTimeField(_("thời điểm"))
    token = models.CharField(_("mã đã nhập"), max_length=64)
    outcome = models.CharField(_("kết quả"), max_length=20, choices=ScanOutcome.choices)
    place_code = models.CharField(_("nơi quét (mã tỉnh)"), max_length=4, blank=True)
    client_hash = models.CharField(_("địa chỉ máy (mã băm)"), max_length=32)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    channel = models.CharField(_("kênh"), max_length=8, choices=ScanChannel.choices)

    class Meta:
        verbose_name = _("lượt quét mã không hợp lệ")
        verbose_name_plural = _("lượt quét mã không hợp lệ")
        indexes = [
            models.Index(fields=["client_hash", "scanned_at"], name="stamps_rejected_client"),
            models.Index(fields=["scanned_at"], name="stamps_rejected_time"),
        ]

    def __str__(self) -> str:
        return f"{self.token[:16]} {self.outcome}"


class ScanTally(models.Model):
    """Counters of one code, upserted by the flusher (never on the request path)."""

    serial = models.BigIntegerField(_("số sê-ri"), primary_key=True)
    scan_count = models.BigIntegerField(_("số lần quét"), default=0)
    first_at = models.DateTimeField(_("quét lần đầu lúc"))
    first_place = models.CharField(_("quét lần đầu tại"), max_length=100, blank=True)
    last_at = models.DateTimeField(_("quét lần cuối lúc"))

    class Meta:
        verbose_name = _("thống kê lượt quét")
        verbose_name_plural = _("thống kê lượt quét")

    def __str__(self) -> str:
        return f"{self.serial}: {self.scan_count}"


class AlertKind(models.TextChoices):
    MANY_SCANS = "many_scans", _("Một mã bị quét quá nhiều lần")
    DISTANT_PLACES = "distant_places", _("Một mã được quét ở nhiều tỉnh khác nhau")
    NOT_ACTIVATED = "not_activated", _("Quét mã chưa được kích hoạt")
    VOIDED = "voided", _("Quét mã đã bị hủy")
    NOT_IN_FORCE = (
        "not_in_force",
        _("Quét mã sau khi giấy chứng nhận bị thu hồi, đình chỉ hoặc hết hạn"),
    )
    FORGED_BURST = "forged_burst", _("Nhiều mã giả mạo từ một địa chỉ")
    REPORT = "report", _("Người tiêu dùng phản ánh")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Mới")
    ACKNOWLEDGED = "acknowledged", _("Đã tiếp nhận")
    CLOSED = "closed", _("Đã đóng")


class Alert(PublicIdModel):
    """A suspicion raised by an anomaly rule or a consumer report, for the province's inspectors.

    Deduplicated by `dedup_key` while not closed: a rule that fires again adds to `occurrences`
    and to the evidence instead of opening another alert.
    """

    kind = models.CharField(_("loại cảnh báo"), max_length=20, choices=AlertKind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    province = models.ForeignKey(
        "geo.Province",
        verbose_name=_("tỉnh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stamp_serial = models.BigIntegerField(_("số sê-ri"), null=True, blank=True)
    client_hash = models.CharField(_("địa chỉ máy (mã băm)"), max_length=32, blank=True)
    dedup_key = models.CharField(max_length=120, editable=False)
    summary = models.CharField(_("tóm tắt"), max_length=300)
    first_seen_at = models.DateTimeField(_("phát hiện lúc"))
    last_seen_at = models.DateTimeField(_("lần cuối lúc"))
    occurrences = models.PositiveIntegerField(_("số lần phát hiện"), default=1)
    evidence = models.JSONField(_("bằng chứng"), default=list, blank=True)
    acknowledged_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("ghi chú xử lý"), blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        verbose_name = _("cảnh báo")
        verbose_name_plural = _("cảnh báo")
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key"],
                condition=~models.Q(status="closed"),
                name="uniq_stamps_alert_open",
            )
        ]
        indexes = [models.Index(fields=["province", "status", "-last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.summary}"


class ProblemReport(models.Model):
    """A consumer's report about a code (from the verification page), kept with its alert."""

    created_at = models.DateTimeField(_("gửi lúc"))
    token = models.CharField(_("mã trên tem"), max_length=64)
    stamp_serial = models.BigIntegerField(_("số sê-ri"), null=True, blank=True)
    province = models.ForeignKey(
        "geo.Province",
        verbose_name=_("tỉnh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.TextField(_("nội dung"))
    contact = models.CharField(_("liên hệ"), max_length=200, blank=True)
    client_hash = models.CharField(_("địa chỉ máy (mã băm)"), max_length=32)
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("phản ánh của người tiêu dùng")
        verbose_name_plural = _("phản ánh của người tiêu dùng")

    def __str__(self) -> str:
        return f"{self.token[:16]} {self.created_at:%Y-%m-%d}"
