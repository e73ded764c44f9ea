"""Administrative units: the 2025 map (province + commune) and the legacy units records still use.

Codes were reused by the 2025 reform (44 was Quảng Bình, is Quảng Trị now), so current and legacy
units live in separate tables and every code is read together with its scheme.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

SCHEME_2025 = "2025"
SCHEME_LEGACY = "legacy"


class Province(models.Model):
    """Provincial-level unit in force since 01/07/2025 (34 units)."""

    code = models.CharField(_("mã"), max_length=4, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại đơn vị"), max_length=40)
    codename = models.CharField(max_length=100, blank=True)
    name_search = models.CharField(max_length=100, db_index=True, editable=False)
    # Folded short name without the unit type ("binh dao"): what free-text addresses are matched on.
    short_key = models.CharField(max_length=100, db_index=True, editable=False, default="")
    valid_from = models.DateField(_("hiệu lực từ"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = _("tỉnh, thành phố")

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """Commune-level unit (xã, phường, đặc khu) in force since 01/07/2025 (3,321 units)."""

    code = models.CharField(_("mã"), max_length=6, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại đơn vị"), max_length=40)
    codename = models.CharField(max_length=100, blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="communes"
    )
    name_search = models.CharField(max_length=100, db_index=True, editable=False)
    # Folded short name without the unit type ("binh dao"): what free-text addresses are matched on.
    short_key = models.CharField(max_length=100, db_index=True, editable=False, default="")
    valid_from = models.DateField(_("hiệu lực từ"))

    class Meta:
        ordering = ["province__code", "code"]
        verbose_name = _("xã, phường, đặc khu")
        verbose_name_plural = _("xã, phường, đặc khu")

    def __str__(self) -> str:
        return self.name


class LegacyProvince(models.Model):
    """Provincial unit before 01/07/2025 (63 units), with the current province it became part of."""

    code = models.CharField(_("mã cũ"), max_length=4, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại đơn vị"), max_length=40, blank=True, default="")
    name_search = models.CharField(max_length=100, db_index=True, editable=False)
    # Folded short name without the unit type ("binh dao"): what free-text addresses are matched on.
    short_key = models.CharField(max_length=100, db_index=True, editable=False, default="")
    successor = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh hiện nay"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legacy_provinces",
    )
    valid_to = models.DateField(_("hiệu lực đến"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("tỉnh (trước 2025)")
        verbose_name_plural = _("tỉnh (trước 2025)")

    def __str__(self) -> str:
        return self.name


class LegacyDistrict(models.Model):
    """District-level unit abolished on 01/07/2025."""

    code = models.CharField(_("mã cũ"), max_length=5, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại đơn vị"), max_length=40, blank=True)
    province = models.ForeignKey(
        LegacyProvince,
        verbose_name=_("tỉnh cũ"),
        on_delete=models.PROTECT,
        related_name="districts",
    )
    successors = models.ManyToManyField(
        "Commune",
        verbose_name=_("các xã hiện nay"),
        blank=True,
        related_name="legacy_districts",
        help_text=_("Các đơn vị cấp xã hiện nay có địa bàn thuộc huyện này."),
    )
    name_search = models.CharField(max_length=100, db_index=True, editable=False)
    # Folded short name without the unit type ("binh dao"): what free-text addresses are matched on.
    short_key = models.CharField(max_length=100, db_index=True, editable=False, default="")
    valid_to = models.DateField(_("hiệu lực đến"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("huyện (trước 2025)")
        verbose_name_plural = _("huyện (trước 2025)")

    def __str__(self) -> str:
        return self.name


class LegacyCommune(models.Model):
    """Commune-level unit before 01/07/2025, linked to the current commune it became part of."""

    code = models.CharField(_("mã cũ"), max_length=6, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại đơn vị"), max_length=40, blank=True)
    district = models.ForeignKey(
        LegacyDistrict,
        verbose_name=_("huyện cũ"),
        on_delete=models.PROTECT,
        related_name="communes",
    )
    successor = models.ForeignKey(
        Commune,
        verbose_name=_("xã hiện nay"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legacy_communes",
    )
    # A commune split by the 2025 reform went into several current communes; `successor` is the one
    # the official conversion names by default, `successors` lists them all (the default included).
    successors = models.ManyToManyField(
        Commune,
        verbose_name=_("các xã hiện nay"),
        blank=True,
        related_name="legacy_parts",
        help_text=_("Mọi đơn vị cấp xã hiện nay có một phần địa bàn của xã cũ này."),
    )
    name_search = models.CharField(max_length=100, db_index=True, editable=False)
    # Folded short name without the unit type ("binh dao"): what free-text addresses are matched on.
    short_key = models.CharField(max_length=100, db_index=True, editable=False, default="")
    valid_to = models.DateField(_("hiệu lực đến"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("xã (trước 2025)")
        verbose_name_plural = _("xã (trước 2025)")

    def __str__(self) -> str:
        return self.name
