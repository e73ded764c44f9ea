"""Producers (chủ thể OCOP): the economic subjects that own OCOP products."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.models import PublicIdModel
from ocop.producers.constants import (
    CertificationKind,
    ProducerDocumentKind,
    ProducerKind,
    ProducerStatus,
)


class Producer(PublicIdModel):
    """An HTX, THT, enterprise or household business, located in a current commune.

    `legacy_address` keeps an address as written in old records (pre-2025 units); `commune`
    is the current unit it resolved to, so reports roll old records up to new units.
    """

    kind = models.CharField(_("loại hình"), max_length=8, choices=ProducerKind.choices)
    name = models.CharField(_("tên chủ thể"), max_length=255)
    name_search = models.CharField(max_length=255, db_index=True, editable=False)
    tax_code = models.CharField(
        _("mã số thuế / số ĐKKD"), max_length=20, unique=True, null=True, blank=True
    )
    representative = models.CharField(_("người đại diện theo pháp luật"), max_length=150)
    representative_title = models.CharField(
        _("chức danh người đại diện"), max_length=100, blank=True
    )
    province = models.ForeignKey(
        "geo.Province", verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "geo.Commune", verbose_name=_("xã"), on_delete=models.PROTECT, related_name="+"
    )
    address_detail = models.CharField(_("địa chỉ chi tiết"), max_length=255, blank=True)
    legacy_address = models.CharField(_("địa chỉ theo đơn vị cũ"), max_length=255, blank=True)
    legacy_commune = models.ForeignKey(
        "geo.LegacyCommune",
        verbose_name=_("xã cũ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang web"), blank=True)
    founded_year = models.PositiveSmallIntegerField(_("năm thành lập"), null=True, blank=True)
    members_count = models.PositiveIntegerField(_("số thành viên"), null=True, blank=True)
    employees_count = models.PositiveIntegerField(_("số lao động"), null=True, blank=True)
    women_owned = models.BooleanField(_("do phụ nữ làm chủ"), default=False)
    ethnic_minority_owned = models.BooleanField(
        _("do người dân tộc thiểu số làm chủ"), default=False
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=ProducerStatus.choices,
        default=ProducerStatus.ACTIVE,
    )
    note = models.TextField(_("ghi chú"), blank=True)
    is_demo = models.BooleanField(_("dữ liệu trình diễn"), default=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("chủ thể OCOP")
        verbose_name_plural = _("chủ thể OCOP")
        indexes = [models.Index(fields=["province", "commune"]), models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.name


class ProducerRepresentative(models.Model):
    """Links a producer account (user) to a producer it may act for."""

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="representatives")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="producer_links"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["producer", "user"], name="uniq_producer_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.producer}"


class Certification(models.Model):
    """A quality certification held by a producer (VietGAP, organic, HACCP, ISO 22000, …)."""

    public_id = models.UUIDField(_("mã công khai"), default=uuid.uuid4, unique=True, editable=False)
    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("loại chứng nhận"), max_length=12, choices=CertificationKind.choices)
    kind_other = models.CharField(_("tên chứng nhận khác"), max_length=100, blank=True)
    number = models.CharField(_("số chứng nhận"), max_length=100)
    issuer = models.CharField(_("tổ chức cấp"), max_length=200)
    scope = models.CharField(_("phạm vi chứng nhận"), max_length=255, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        ordering = ["-valid_from", "id"]
        verbose_name = _("chứng nhận chất lượng")
        verbose_name_plural = _("chứng nhận chất lượng")
        constraints = [
            models.CheckConstraint(
                name="certification_valid_to_after_from",
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class ProducerDocument(models.Model):
    """A document of a producer (business registration, food-safety certificate …), versioned.

    A new upload may replace an earlier one of the same kind: it gets `version + 1` and points to
    it through `replaces`; each document is replaced at most once, so versions form one chain.
    """

    public_id = models.UUIDField(_("mã công khai"), default=uuid.uuid4, unique=True, editable=False)
    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("loại tài liệu"), max_length=32, choices=ProducerDocumentKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    file = models.FileField(_("tệp"), max_length=255)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("tài liệu chủ thể")
        verbose_name_plural = _("tài liệu chủ thể")
        constraints = [
            models.UniqueConstraint(fields=["replaces"], name="uniq_producer_document_replaces")
        ]

    def __str__(self) -> str:
        return self.title
