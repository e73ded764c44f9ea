"""Criteria rule sets as versioned, immutable data.

A rule set (bộ tiêu chí) is one scoring sheet of one legal version for some product sets: parts
A/B/C → sections → criteria → options with fixed points, star bands and process parameters. Rows
are written once by the loader (criteria.loader) and never updated: a correction is a new rule set
code (…-rev2) that `supersedes` the old one. Evaluations store the rule set they were scored on.

Later code reads legal values through the methods here (`star_for`, `validity_months`,
`certifiable_min_stars`, `national_threshold`…), never through literals.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ocop.criteria.constants import (
    NEVER_ACTIVE_STATUSES,
    STATUS_BADGES,
    Mandatory,
    RuleSetStatus,
    SourceFormat,
)
from ocop.criteria.errors import RuleParameterMissing, ScoreOutOfRange
from ocop.criteria.spec import Problem, dec_str

POINTS = {"max_digits": 7, "decimal_places": 2}
# The only RuleSet columns a service may change after loading (officer confirmation).
MUTABLE_RULESET_FIELDS = frozenset({"status", "confirmed_by", "confirmed_at", "confirmation_note"})


class ImmutableRow(Exception):
    """Raised when code tries to change a loaded rule-set row (database triggers back this up)."""


class _WriteOnce(models.Model):
    """Rows of a loaded rule set: inserted once, never updated."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableRow(f"{self._meta.label} rows are immutable once loaded")
        super().save(*args, **kwargs)


class RuleSet(models.Model):
    """One versioned scoring sheet (README schema ocop-criteria/v1), identified by `code`."""

    code = models.CharField(_("mã bộ tiêu chí"), max_length=120, unique=True)
    title_vi = models.CharField(_("tên"), max_length=300)
    title_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    legal_basis = models.JSONField(_("căn cứ pháp lý"), default=dict)
    instrument = models.CharField(_("văn bản"), max_length=200, blank=True, db_index=True)
    search_text = models.CharField(max_length=800, blank=True, editable=False)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến (tính cả ngày này)"), null=True, blank=True)
    classification_code = models.CharField(_("hệ thống phân loại"), max_length=20)
    applies_to_all = models.BooleanField(_("áp dụng mọi bộ sản phẩm của phân loại"), default=False)
    product_sets = models.ManyToManyField(
        "products.ProductSet", verbose_name=_("bộ sản phẩm"), related_name="rulesets", blank=True
    )
    status = models.CharField(
        _("trạng thái xác minh"), max_length=30, choices=RuleSetStatus.choices
    )
    confidence = models.CharField(_("độ tin cậy"), max_length=300, blank=True)
    verification = models.JSONField(_("nguồn và xác minh"), default=dict, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    confirmation_note = models.TextField(_("ghi chú xác nhận"), blank=True)
    content_hash = models.CharField(_("mã băm nội dung"), max_length=64, db_index=True)
    source_text = models.TextField(_("nguồn (YAML)"))
    source_format = models.CharField(
        _("định dạng tệp gốc"), max_length=10, choices=SourceFormat.choices
    )
    source_sha256 = models.CharField(_("mã băm tệp gốc"), max_length=64)
    source_name = models.CharField(_("tên tệp gốc"), max_length=200, blank=True)
    scale_total = models.DecimalField(_("tổng điểm tối đa"), **POINTS)
    aggregation = models.JSONField(_("quy tắc tổng hợp điểm"), default=dict, blank=True)
    recognition = models.JSONField(_("tham số công nhận, quy trình"), default=dict, blank=True)
    known_issues = models.JSONField(_("vấn đề đã biết"), default=list, blank=True)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("thay thế bộ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by_set",
    )
    is_demo = models.BooleanField(_("dữ liệu trình diễn"), default=False)
    created_at = models.DateTimeField(_("nạp lúc"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nạp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-effective_from", "code"]
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="criteria_ruleset_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= MUTABLE_RULESET_FIELDS:
                raise ImmutableRow("a loaded rule set changes only by officer confirmation")
        super().save(*args, **kwargs)

    # --- status policy (README rule 8) -----------------------------------------------------
    @property
    def is_scorable(self) -> bool:
        """May a council scoring sheet be opened on it?"""
        if self.status in (RuleSetStatus.VERIFIED_OFFICIAL, RuleSetStatus.UNVERIFIED_TRANSCRIPTION):
            return True
        if self.status == RuleSetStatus.DEMONSTRATION:
            return bool(getattr(settings, "DEMO_MODE", False))
        return False

    @property
    def is_active(self) -> bool:
        """Selectable at all (fragments and test fixtures never are)."""
        return self.status not in NEVER_ACTIVE_STATUSES

    @property
    def allows_part_total_import(self) -> bool:
        """A skeleton may carry historic A/B/C totals; a full sheet may too."""
        return self.status == RuleSetStatus.SKELETON or self.is_scorable

    @property
    def needs_unverified_banner(self) -> bool:
        """Every sheet and report built on a rule set not checked against the decision says so."""
        return self.status != RuleSetStatus.VERIFIED_OFFICIAL

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "info")

    def covers(self, day) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    # --- scoring parameters ----------------------------------------------------------------
    def _bands(self) -> list[StarBand]:
        return sorted(self.star_bands.all(), key=lambda b: b.min_inclusive)

    def star_for(self, score: Decimal) -> StarBand:
        """The band containing `score` (half-open bands, the last one closed at the top)."""
        value = Decimal(score)
        for band in self._bands():
            if band.contains(value):
                return band
        raise ScoreOutOfRange(score=value, ruleset=self.code)

    def band_for_stars(self, stars: int) -> StarBand | None:
        return next((b for b in self._bands() if b.stars == stars), None)

    @property
    def national_threshold(self) -> Decimal | None:
        """Minimum score of the national-level band (≥ it: proposed to the ministry)."""
        band = next((b for b in self._bands() if b.national_level), None)
        return band.min_inclusive if band else None

    def _recognition_int(self, key: str, *, required: bool) -> int | None:
        value = (self.recognition or {}).get(key)
        if value is None:
            if required:
                raise RuleParameterMissing(ruleset=self.code, name=key)
            return None
        return int(value)

    @property
    def certifiable_min_stars(self) -> int:
        return self._recognition_int("certifiable_min_stars", required=True)  # type: ignore[return-value]

    @property
    def validity_months(self) -> int:
        """Months a certificate issued under this rule set stays valid."""
        return self._recognition_int("certificate_validity_months", required=True)  # type: ignore[return-value]

    @property
    def expiry_notice_days(self) -> int | None:
        """Days before expiry the issuing body notifies the producer; None: no rule in this version."""
        return self._recognition_int("expiry_notice_days_before", required=False)

    def is_certifiable(self, stars: int) -> bool:
        band = self.band_for_stars(stars)
        return bool(band and band.certifiable)

    @property
    def score_decimals(self) -> int | None:
        """Decimals kept for a product score ('keep at least 2 decimals'); None when not stated."""
        agg = self.aggregation or {}
        if agg.get("rounding_decimals") is not None:
            return int(agg["rounding_decimals"])
        match = re.search(r"(\d+)\s*decimal", str(agg.get("rounding") or ""))
        return int(match.group(1)) if match else None

    @property
    def divergence_rule(self) -> Any:
        """National default divergence rule between members (None: a provincial setting)."""
        return (self.aggregation or {}).get("divergence_rule")

    def part_maxima(self) -> dict[str, Decimal]:
        """Declared maximum of each part, e.g. {"A": 35, "B": 25, "C": 40}."""
        return {p.code: p.max_points for p in self.parts.all()}

    def part_total_problems(self, totals: dict[str, Decimal]) -> list[Problem]:
        """Check historic part totals (A/B/C) against this version's maxima; [] when valid.

        Each problem names the part (or "total"), the maximum (`declared`) and the value given.
        """
        maxima = self.part_maxima()
        problems = []
        for code, value in totals.items():
            value = Decimal(value)
            if code not in maxima:
                problems.append(
                    Problem(
                        "part_unknown", code, gettext("Không có phần %(code)s.") % {"code": code}
                    )
                )
            elif not Decimal(0) <= value <= maxima[code]:
                problems.append(
                    Problem(
                        "part_total_out_of_range",
                        code,
                        gettext("Phần %(code)s: %(value)s nằm ngoài khoảng 0–%(max)s.")
                        % {"code": code, "value": dec_str(value), "max": dec_str(maxima[code])},
                        declared=maxima[code],
                        computed=value,
                    )
                )
        total = sum((Decimal(v) for v in totals.values()), Decimal(0))
        if total > self.scale_total:
            problems.append(
                Problem(
                    "total_out_of_range",
                    "total",
                    gettext("Tổng %(value)s vượt thang điểm %(max)s.")
                    % {"value": dec_str(total), "max": dec_str(self.scale_total)},
                    declared=self.scale_total,
                    computed=total,
                )
            )
        return problems

    def is_in_use(self) -> bool:
        """True when a row of another app (an evaluation, a certificate…) refers to this rule set."""
        for rel in self._meta.related_objects:
            if rel.related_model._meta.app_label == self._meta.app_label:
                continue
            if rel.many_to_many:
                continue
            if rel.related_model._default_manager.filter(**{rel.field.name: self}).exists():
                return True
        return False


class Part(_WriteOnce):
    """Part A, B or C with the maximum the decision declares."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="parts")
    code = models.CharField(_("mã"), max_length=2)
    name_vi = models.CharField(_("tên"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    note = models.TextField(_("ghi chú"), blank=True)
    extra = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ruleset", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "code"], name="criteria_part_code_unique")
        ]
        verbose_name = _("phần")
        verbose_name_plural = _("phần")

    def __str__(self) -> str:
        return f"{self.code}. {self.name_vi}"


class Section(_WriteOnce):
    """A section (A1, B2…). `max_points` is null when not declared; `max_points_unknown` when the
    source says it is unknown (skeletons)."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="sections")
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("mã"), max_length=20)
    source_code = models.CharField(_("số hiệu theo văn bản"), max_length=20, blank=True)
    name_vi = models.CharField(_("tên"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    max_points = models.DecimalField(_("điểm tối đa"), null=True, blank=True, **POINTS)
    max_points_unknown = models.BooleanField(_("điểm tối đa chưa rõ"), default=False)
    complete = models.BooleanField(_("đầy đủ tiêu chí"), default=True)
    topics_no_points = models.JSONField(_("nội dung chưa có điểm"), default=list, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    extra = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["part__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "code"], name="criteria_section_code_unique")
        ]
        verbose_name = _("nhóm tiêu chí")
        verbose_name_plural = _("nhóm tiêu chí")

    def __str__(self) -> str:
        return f"{self.code}. {self.name_vi}"


class Criterion(_WriteOnce):
    """One criterion: a member picks exactly one of its options. Its maximum is its best option."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="criteria")
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="criteria")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("mã"), max_length=30)
    source_code = models.CharField(_("số hiệu theo văn bản"), max_length=30, blank=True)
    name_vi = models.CharField(_("tên"), max_length=500)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)
    mandatory = models.CharField(
        _("tiêu chí bắt buộc"), max_length=10, choices=Mandatory.choices, default=Mandatory.UNKNOWN
    )
    structure_uncertain = models.BooleanField(_("cấu trúc chưa chắc chắn"), default=False)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    min_points = models.DecimalField(_("điểm thấp nhất"), **POINTS)
    note = models.TextField(_("ghi chú"), blank=True)
    extra = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["ruleset", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["ruleset", "code"], name="criteria_criterion_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(max_points__gte=models.F("min_points")),
                name="criteria_criterion_min_le_max",
            ),
        ]
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"

    @property
    def has_zero_option(self) -> bool:
        return self.min_points == 0


class Option(_WriteOnce):
    """One answer of a criterion with its fixed points (single choice)."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="options")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("mã"), max_length=40)
    points = models.DecimalField(_("điểm"), **POINTS)
    label_vi = models.TextField(_("nội dung"))
    label_en = models.TextField(_("nội dung tiếng Anh"), blank=True)
    aspect = models.CharField(_("khía cạnh"), max_length=60, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["criterion", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "code"], name="criteria_option_code_unique"),
            models.CheckConstraint(
                condition=models.Q(points__gte=0), name="criteria_option_points_non_negative"
            ),
        ]
        verbose_name = _("phương án")
        verbose_name_plural = _("phương án")

    def __str__(self) -> str:
        return f"{self.code} ({self.points})"


class StarBand(_WriteOnce):
    """A half-open score interval [min_inclusive, max_exclusive) or, at the top, a closed one."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="star_bands")
    stars = models.PositiveSmallIntegerField(_("số sao"))
    min_inclusive = models.DecimalField(_("từ (gồm)"), **POINTS)
    max_exclusive = models.DecimalField(_("đến (không gồm)"), null=True, blank=True, **POINTS)
    max_inclusive = models.DecimalField(_("đến (gồm)"), null=True, blank=True, **POINTS)
    certifiable = models.BooleanField(_("được công nhận"), default=False)
    national_level = models.BooleanField(_("cấp quốc gia"), default=False)

    class Meta:
        ordering = ["ruleset", "min_inclusive"]
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "stars"], name="criteria_band_stars_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(max_exclusive__isnull=True, max_inclusive__isnull=False)
                    | models.Q(max_exclusive__isnull=False, max_inclusive__isnull=True)
                ),
                name="criteria_band_one_upper_bound",
            ),
        ]
        verbose_name = _("hạng sao")
        verbose_name_plural = _("hạng sao")

    def __str__(self) -> str:
        return f"{self.stars}★"

    def contains(self, score: Decimal) -> bool:
        if score < self.min_inclusive:
            return False
        if self.max_exclusive is not None:
            return score < self.max_exclusive
        return score <= self.max_inclusive

    @property
    def upper(self) -> Decimal:
        return self.max_exclusive if self.max_exclusive is not None else self.max_inclusive
