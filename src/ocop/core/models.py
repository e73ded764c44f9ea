"""Cross-cutting tables: the audit chain, idempotency records, code counters, notifications."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicIdModel(models.Model):
    """Integer keys stay internal; URLs and the API use `public_id`."""

    public_id = models.UUIDField(_("mã công khai"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Append-only record of one write: who did what to which object, before and after.

    Each entry chains SHA-256(previous hash || payload digest); UPDATE and DELETE are blocked by
    database triggers (see migration 0002) and `manage.py audit_verify` names the first break.
    """

    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("người thực hiện (nhãn)"), max_length=150)
    action = models.CharField(_("hành động"), max_length=100, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    province_id = models.BigIntegerField(_("tỉnh"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class IdempotencyRecord(models.Model):
    """A creating API call replayed with the same Idempotency-Key returns the stored response."""

    key = models.CharField(max_length=200)
    actor_key = models.CharField(max_length=100)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor_key", "key"], name="uniq_idempotency_actor_key")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class Counter(models.Model):
    """A locked counter row for human codes (product codes, certificate numbers): gapless."""

    scope = models.CharField(max_length=120, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.scope}={self.value}"


class Notification(models.Model):
    """An in-app notice to one user; mail copies go through the e-mail outbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(_("lúc"), db_index=True)
    kind = models.CharField(_("loại"), max_length=80)
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    link = models.CharField(_("liên kết"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return self.title


class OutboxEmail(models.Model):
    """E-mails are written here in the business transaction and sent by a background task."""

    created_at = models.DateTimeField(db_index=True)
    to = models.CharField(max_length=300)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
