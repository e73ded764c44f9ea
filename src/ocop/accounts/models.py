"""Users, their time-bound role memberships scoped to units, and API tokens."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.accounts.constants import Role


class User(AbstractUser):
    """A person who logs in. What they may do comes from their Memberships, not from flags."""

    public_id = models.UUIDField(_("mã công khai"), default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    title = models.CharField(_("chức vụ"), max_length=150, blank=True)
    organisation = models.CharField(_("cơ quan, đơn vị"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("ngôn ngữ"), max_length=5, choices=settings.LANGUAGES, default="vi"
    )
    is_demo = models.BooleanField(_("dữ liệu trình diễn"), default=False)
    # Accent-free "full name username email" for search (core.text.fold), kept by the services.
    name_search = models.CharField(max_length=500, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """A role held by a user over a unit for a period.

    Province-bound roles leave `commune` empty; commune officers name both. Producer accounts are
    linked to producers in the producers app (ProducerRepresentative), not here.
    """

    public_id = models.UUIDField(_("mã công khai"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    province = models.ForeignKey(
        "geo.Province",
        verbose_name=_("tỉnh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        "geo.Commune",
        verbose_name=_("xã"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("vai trò được giao")
        verbose_name_plural = _("vai trò được giao")
        constraints = [
            models.CheckConstraint(
                name="membership_commune_needs_province",
                condition=Q(commune__isnull=True) | Q(province__isnull=False),
            ),
            models.CheckConstraint(
                name="membership_official_has_province",
                condition=Q(role__in=["admin", "producer"]) | Q(province__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        unit = self.commune or self.province or "—"
        return f"{self.user} · {self.get_role_display()} · {unit}"

    def is_active_on(self, day) -> bool:
        """In force on `day` (both bounds inclusive; an empty bound is open)."""
        return (self.valid_from is None or self.valid_from <= day) and not self.is_ended_on(day)

    def is_ended_on(self, day) -> bool:
        return self.valid_to is not None and self.valid_to < day


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 is stored; the key is shown once."""

    public_id = models.UUIDField(_("mã công khai"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
