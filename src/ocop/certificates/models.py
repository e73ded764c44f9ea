"""OCOP certificates (giấy chứng nhận sản phẩm OCOP), their events and expiry notices.

A certificate is a legal record: written once at issuance, then only its lifecycle events are
added (suspension, reinstatement, revocation, supersession). Its status is never stored: it is
derived from the validity dates and those event timestamps by `status_on(day)`, which reads only
the instance's own columns (no query), so stamps and public verification can call it cheaply.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.certificates.constants import (
    DEFAULT_EXPIRY_NOTICE_DAYS,
    IN_FORCE,
    STATUS_BADGES,
    CertificateLevel,
    CertificateStatus,
    EventKind,
    NoticeKind,
)
from ocop.core import clock
from ocop.core.models import PublicIdModel


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(clock.LOCAL_TZ).date() if moment is not None else None


class Certificate(PublicIdModel):
    """One certificate of one product at one star level.

    `number` is the province's number `<province code>-<year>-<sequence>` (gapless per province and
    year, from a locked counter); imported historic certificates keep their printed number.
    `valid_until` is the last day of validity (decision date + the rule set's validity months),
    stored as printed. Name and address columns are snapshots of what the certificate states.
    """

    province = models.ForeignKey(
        "geo.Province", verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "geo.Commune", verbose_name=_("xã"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    sequence = models.PositiveIntegerField(_("số thứ tự"), null=True, blank=True)
    number = models.CharField(_("số giấy chứng nhận"), max_length=60, unique=True)
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("sản phẩm"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("chủ thể"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    application = models.ForeignKey(
        "evaluation.Application",
        verbose_name=_("hồ sơ đánh giá"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    ruleset = models.ForeignKey(
        "criteria.RuleSet",
        verbose_name=_("bộ tiêu chí"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stars = models.PositiveSmallIntegerField(_("hạng sao"))
    score = models.DecimalField(_("điểm"), max_digits=6, decimal_places=2, null=True, blank=True)
    level = models.CharField(_("cấp công nhận"), max_length=10, choices=CertificateLevel.choices)
    decision = models.ForeignKey(
        "evaluation.Decision",
        verbose_name=_("quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    decision_number = models.CharField(_("số quyết định"), max_length=100)
    decision_date = models.DateField(_("ngày quyết định"))
    decision_issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    decision_signer = models.CharField(_("người ký"), max_length=200, blank=True)
    product_code = models.CharField(_("mã sản phẩm"), max_length=40)
    product_name = models.CharField(_("tên sản phẩm"), max_length=255)
    product_set_name = models.CharField(_("bộ sản phẩm"), max_length=255, blank=True)
    producer_name = models.CharField(_("tên chủ thể"), max_length=255)
    address = models.CharField(_("địa chỉ"), max_length=400, blank=True)
    commune_name = models.CharField(_("xã"), max_length=100, blank=True)
    province_name = models.CharField(_("tỉnh"), max_length=100, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_until = models.DateField(_("hiệu lực đến (tính cả ngày này)"))
    expiry_notice_days = models.PositiveSmallIntegerField(
        _("báo trước khi hết hạn (ngày)"), default=DEFAULT_EXPIRY_NOTICE_DAYS
    )
    # valid_until − expiry_notice_days, stored so lists can filter "expiring" with one index.
    expiring_from = models.DateField(_("bắt đầu sắp hết hiệu lực"))
    issued_at = models.DateTimeField(_("cấp lúc"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported = models.BooleanField(_("nhập từ hồ sơ cũ"), default=False)

    suspended_at = models.DateTimeField(_("tạm đình chỉ lúc"), null=True, blank=True)
    suspension_ground = models.CharField(_("căn cứ tạm đình chỉ"), max_length=60, blank=True)
    suspension_public_reason = models.TextField(_("lý do công khai (tạm đình chỉ)"), blank=True)
    suspension_note = models.TextField(_("ghi chú nội bộ (tạm đình chỉ)"), blank=True)

    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revocation_ground = models.CharField(_("căn cứ thu hồi"), max_length=60, blank=True)
    revocation_public_reason = models.TextField(_("lý do công khai (thu hồi)"), blank=True)
    revocation_note = models.TextField(_("ghi chú nội bộ (thu hồi)"), blank=True)
    revocation_decision = models.CharField(_("quyết định thu hồi"), max_length=100, blank=True)

    superseded_at = models.DateTimeField(_("được thay thế lúc"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("thay thế bởi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    supersession_reason = models.CharField(_("lý do thay thế"), max_length=200, blank=True)

    pdf_sha256 = models.CharField(_("mã băm tệp PDF"), max_length=64, blank=True)
    is_demo = models.BooleanField(_("dữ liệu trình diễn"), default=False)

    class Meta:
        ordering = ["-decision_date", "-id"]
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "sequence"], name="uniq_certificate_sequence"
            ),
            # One certificate per application (historic imports have none).
            models.UniqueConstraint(fields=["application"], name="uniq_certificate_application"),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="certificate_validity_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "commune"]),
            models.Index(fields=["province", "valid_until"]),
            models.Index(fields=["valid_until"]),
            models.Index(fields=["expiring_from"]),
            models.Index(fields=["product", "-valid_from"]),
        ]

    def __str__(self) -> str:
        return self.number

    # --- derived status (no query) ------------------------------------------------------------
    @staticmethod
    def notice_window_start(valid_until: dt.date, notice_days: int) -> dt.date:
        """First day of the notice window: the value services store in `expiring_from`."""
        return valid_until - dt.timedelta(days=notice_days)

    @property
    def suspended_on(self) -> dt.date | None:
        return _local_day(self.suspended_at)

    @property
    def revoked_on(self) -> dt.date | None:
        return _local_day(self.revoked_at)

    @property
    def superseded_on(self) -> dt.date | None:
        return _local_day(self.superseded_at)

    def status_on(self, day: dt.date) -> str:
        """The status on local day `day`; events take effect on the local day they happen."""
        revoked, superseded, suspended = self.revoked_on, self.superseded_on, self.suspended_on
        if revoked is not None and revoked <= day:
            return CertificateStatus.REVOKED
        if superseded is not None and superseded <= day:
            return CertificateStatus.SUPERSEDED
        if suspended is not None and suspended <= day:
            return CertificateStatus.SUSPENDED
        if day < self.valid_from:
            return CertificateStatus.PENDING
        if day > self.valid_until:
            return CertificateStatus.EXPIRED
        if day >= self.expiring_from:
            return CertificateStatus.EXPIRING
        return CertificateStatus.VALID

    @property
    def status(self) -> str:
        """The status today (derived)."""
        return self.status_on(clock.today())

    @property
    def status_label(self) -> str:
        return str(CertificateStatus(self.status).label)

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES[CertificateStatus(self.status)]

    def in_force_on(self, day: dt.date) -> bool:
        """May the certificate (its mark, its stamps) be used on `day`?"""
        return self.status_on(day) in IN_FORCE

    @property
    def in_force(self) -> bool:
        return self.in_force_on(clock.today())

    def days_left(self, day: dt.date | None = None) -> int:
        return (self.valid_until - (day or clock.today())).days


class CertificateEvent(models.Model):
    """One lifecycle event of a certificate (history shown on its page)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("sự kiện"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("thời điểm"))
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("người thực hiện"), max_length=150)
    legal_ground = models.CharField(_("căn cứ"), max_length=60, blank=True)
    public_reason = models.TextField(_("lý do công khai"), blank=True)
    internal_note = models.TextField(_("ghi chú nội bộ"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("sự kiện giấy chứng nhận")
        verbose_name_plural = _("sự kiện giấy chứng nhận")

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.kind}"


class CertificateNotice(models.Model):
    """An expiry notice sent for a certificate: at most one per certificate and kind."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("loại thông báo"), max_length=10, choices=NoticeKind.choices)
    sent_at = models.DateTimeField(_("gửi lúc"))
    recipients = models.PositiveIntegerField(_("số người nhận"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["certificate", "kind"], name="uniq_certificate_notice")
        ]
        verbose_name = _("thông báo hết hạn")
        verbose_name_plural = _("thông báo hết hạn")

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.kind}"
