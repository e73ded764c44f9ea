"""Stamp batches, codes, lots and the register (issued -> activated -> voided).

`Stamp` is the hot table (10^8–10^9 rows in a few years): its primary key is the serial, a random
63-bit integer from the application (ADR 0005), its row is narrow and its foreign keys point only to
small tables (batch, lot). Per-stamp history is not stored: range operations (issue, activate,
return, void) are one `RegisterEvent` each, plus one audit entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import PublicIdModel
from ocop.stamps.constants import BATCH_BADGES, BatchStatus, RegisterEventKind, StampState

__all__ = ["Lot", "RegisterEvent", "Stamp", "StampBatch"]


class StampBatch(PublicIdModel):
    """A producer's request for `quantity` codes for one certified product, and its issuance.

    `province`/`commune`/`producer` are copied from the product so scopes are one indexed filter.
    `issued_count` is the issuance progress: each committed chunk advances it, so a killed job
    resumes at the exact count. `certificate` is the certificate in force at approval.
    """

    code = models.CharField(_("số lô tem"), max_length=40, unique=True)
    product = models.ForeignKey(
        "products.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="+"
    )
    producer = models.ForeignKey(
        "producers.Producer", verbose_name=_("chủ thể"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Province", verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "geo.Commune", verbose_name=_("xã"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("giấy chứng nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.PositiveIntegerField(_("số lượng tem"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.REQUESTED
    )
    note = models.TextField(_("ghi chú"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("đề nghị lúc"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến xử lý"), blank=True)
    key_id = models.CharField(_("khóa ký"), max_length=1, blank=True)
    issued_count = models.PositiveIntegerField(_("số mã đã phát hành"), default=0)
    issued_at = models.DateTimeField(_("phát hành xong lúc"), null=True, blank=True)
    is_demo = models.BooleanField(_("dữ liệu trình diễn"), default=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("lô tem")
        verbose_name_plural = _("lô tem")
        indexes = [
            models.Index(fields=["province", "commune"]),
            models.Index(fields=["producer"]),
            models.Index(fields=["status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=1_000_000),
                name="stamp_batch_quantity_range",
            ),
            models.CheckConstraint(
                condition=models.Q(issued_count__lte=models.F("quantity")),
                name="stamp_batch_issued_le_quantity",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def status_badge(self) -> str:
        return BATCH_BADGES[BatchStatus(self.status)]


class Lot(PublicIdModel):
    """A production lot the stamps of a range are bound to on activation.

    `certificate` is the certificate in force on activation: verification reads its live status.
    """

    batch = models.ForeignKey(
        StampBatch, verbose_name=_("lô tem"), on_delete=models.PROTECT, related_name="lots"
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("giấy chứng nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lot_number = models.CharField(_("số lô sản xuất"), max_length=20)
    production_date = models.DateField(_("ngày sản xuất"))
    best_before = models.DateField(_("hạn sử dụng"))
    quantity = models.PositiveIntegerField(_("số lượng sản phẩm"))
    first_number = models.PositiveIntegerField(_("từ số thứ tự tem"))
    last_number = models.PositiveIntegerField(_("đến số thứ tự tem"))
    stamp_count = models.PositiveIntegerField(_("số tem kích hoạt"), default=0)
    activated_at = models.DateTimeField(_("kích hoạt lúc"))
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["batch", "first_number"]
        verbose_name = _("lô sản xuất")
        verbose_name_plural = _("lô sản xuất")
        constraints = [
            models.UniqueConstraint(fields=["batch", "lot_number"], name="uniq_stamp_lot_number"),
            models.CheckConstraint(
                condition=models.Q(best_before__gte=models.F("production_date")),
                name="stamp_lot_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(last_number__gte=models.F("first_number")),
                name="stamp_lot_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.lot_number


class Stamp(models.Model):
    """One serialized code. `serial` is the primary key; `number` its position in the batch (1..n),
    used for ranges (activation, voids) and print order. The printed token is recomputed from the
    serial and the batch's key id, never stored."""

    serial = models.BigIntegerField(_("số sê-ri"), primary_key=True)
    # No index of its own: the unique (batch, number) constraint's index starts with it. This
    # table grows to 10^8–10^9 rows; every index on it costs disk and issuance time.
    batch = models.ForeignKey(
        StampBatch,
        verbose_name=_("lô tem"),
        on_delete=models.PROTECT,
        related_name="stamps",
        db_index=False,
    )
    number = models.PositiveIntegerField(_("số thứ tự trong lô"))
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=StampState.choices, default=StampState.ISSUED
    )
    lot = models.ForeignKey(
        Lot,
        verbose_name=_("lô sản xuất"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stamps",
    )
    # The code's counters (ScanTally, same serial, written by the scan log's flusher): a relation
    # with no column and no constraint (scan tables carry no foreign keys, quality targets §3), so
    # the verification's lookup reads them with one LEFT JOIN on their primary key.
    tally = models.ForeignObject(
        "stamps.ScanTally",
        on_delete=models.DO_NOTHING,
        from_fields=["serial"],
        to_fields=["serial"],
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tem")
        verbose_name_plural = _("tem")
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="uniq_stamp_batch_number"),
        ]
        # `lot` is indexed as a foreign key: no second index on it.

    def __str__(self) -> str:
        return str(self.serial)


class RegisterEvent(models.Model):
    """One entry of the stamp register: a request, decision, issuance, activation, return or void
    of a range of a batch's stamps."""

    batch = models.ForeignKey(
        StampBatch, verbose_name=_("lô tem"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("sự kiện"), max_length=12, choices=RegisterEventKind.choices)
    at = models.DateTimeField(_("thời điểm"))
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("người thực hiện"), max_length=150)
    first_number = models.PositiveIntegerField(_("từ số"), null=True, blank=True)
    last_number = models.PositiveIntegerField(_("đến số"), null=True, blank=True)
    count = models.PositiveIntegerField(_("số tem"), default=0)
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("sổ đăng ký tem")
        verbose_name_plural = _("sổ đăng ký tem")

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.kind}"
