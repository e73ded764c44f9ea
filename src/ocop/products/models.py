"""Products, their versioned classification (sector → group → product set), images, documents."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core import clock
from ocop.core.models import PublicIdModel
from ocop.products.constants import CycleStep, ProductDocumentKind, ProductStatus


class Classification(models.Model):
    """A legal classification of products (QD1048: 6→16→26; QD148: 6→17→26)."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        ordering = ["effective_from"]
        verbose_name = _("hệ thống phân loại")
        verbose_name_plural = _("hệ thống phân loại")

    def __str__(self) -> str:
        return self.code


class Sector(models.Model):
    classification = models.ForeignKey(
        Classification, on_delete=models.PROTECT, related_name="sectors"
    )
    code = models.CharField(_("mã"), max_length=10)
    name_vi = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200)

    class Meta:
        ordering = ["classification", "code"]
        constraints = [
            models.UniqueConstraint(fields=["classification", "code"], name="uniq_sector_code")
        ]
        verbose_name = _("ngành")
        verbose_name_plural = _("ngành")

    def __str__(self) -> str:
        return f"{self.code}. {self.name_vi}"


class ProductGroup(models.Model):
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="groups")
    code = models.CharField(_("mã"), max_length=10)
    name_vi = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200)

    class Meta:
        ordering = ["sector", "code"]
        constraints = [
            models.UniqueConstraint(fields=["sector", "code"], name="uniq_product_group_code")
        ]
        verbose_name = _("nhóm")
        verbose_name_plural = _("nhóm")

    def __str__(self) -> str:
        return f"{self.code}. {self.name_vi}"


class ProductSet(models.Model):
    """A product set (bộ sản phẩm): the unit a criteria sheet applies to. Code e.g. QD148-01."""

    classification = models.ForeignKey(
        Classification, on_delete=models.PROTECT, related_name="product_sets"
    )
    group = models.ForeignKey(
        ProductGroup, on_delete=models.PROTECT, related_name="product_sets", null=True
    )
    code = models.CharField(_("mã"), max_length=20, unique=True)
    name_vi = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200)
    ministries = models.JSONField(_("bộ quản lý"), default=list)
    maps_to = models.CharField(_("tương ứng (phân loại mới)"), max_length=20, blank=True)
    mapping_note = models.CharField(max_length=300, blank=True)
    samples_required = models.BooleanField(_("cần nộp mẫu"), default=True)
    site_visit_required = models.BooleanField(_("bắt buộc khảo sát thực địa"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("bộ sản phẩm")
        verbose_name_plural = _("bộ sản phẩm")

    def __str__(self) -> str:
        return f"{self.code} · {self.name_vi}"


class Product(PublicIdModel):
    """A product of a producer. It keeps the classification it was registered under.

    `province`/`commune` are denormalised from the producer so scopes are one indexed filter.
    `code` is the human product code, assigned once at recognition and never recomputed.
    `registered_on` is the registration date: it decides which classification was in force.
    """

    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("chủ thể"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    province = models.ForeignKey(
        "geo.Province", verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "geo.Commune", verbose_name=_("xã"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên sản phẩm"), max_length=255)
    name_search = models.CharField(max_length=255, db_index=True, editable=False)
    code = models.CharField(_("mã sản phẩm"), max_length=40, unique=True, null=True, blank=True)
    product_set = models.ForeignKey(
        ProductSet, verbose_name=_("bộ sản phẩm"), on_delete=models.PROTECT, related_name="products"
    )
    description = models.TextField(_("mô tả"), blank=True)
    story = models.TextField(_("câu chuyện sản phẩm"), blank=True)
    raw_material_area = models.TextField(_("vùng nguyên liệu"), blank=True)
    packaging = models.CharField(_("quy cách đóng gói"), max_length=255, blank=True)
    label_text = models.TextField(_("nội dung nhãn"), blank=True)
    base_standard = models.CharField(
        _("tiêu chuẩn cơ sở (TCCS) công bố"), max_length=100, blank=True
    )
    gtin = models.CharField(_("mã GTIN"), max_length=14, blank=True)
    registered_on = models.DateField(_("ngày đăng ký"), default=clock.today, db_index=True)
    cycle_step = models.CharField(
        _("bước chu trình"), max_length=20, choices=CycleStep.choices, default=CycleStep.IDEA
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ProductStatus.choices, default=ProductStatus.ACTIVE
    )
    is_key_product = models.BooleanField(_("sản phẩm chủ lực"), default=False)
    is_traditional = models.BooleanField(_("sản phẩm truyền thống, đặc sản"), default=False)
    is_demo = models.BooleanField(_("dữ liệu trình diễn"), default=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")
        indexes = [
            models.Index(fields=["province", "commune"]),
            models.Index(fields=["producer"]),
        ]

    def __str__(self) -> str:
        return self.name


class ProductImage(models.Model):
    """A product photo; `is_registered_design` marks the packaging submitted for evaluation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(_("ảnh"), max_length=255)
    caption = models.CharField(_("chú thích"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    is_registered_design = models.BooleanField(_("mẫu mã đăng ký đánh giá"), default=False)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        verbose_name = _("ảnh sản phẩm")
        verbose_name_plural = _("ảnh sản phẩm")

    def __str__(self) -> str:
        return self.caption or self.file.name


class ProductDocument(models.Model):
    """A product document (TCCS, test report, label …), versioned: a new upload replaces."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("loại tài liệu"), max_length=20, choices=ProductDocumentKind.choices)
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
        verbose_name = _("tài liệu sản phẩm")
        verbose_name_plural = _("tài liệu sản phẩm")

    def __str__(self) -> str:
        return self.title
