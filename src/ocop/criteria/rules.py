"""The README rules on a parsed spec: each check returns Problems with location and both sums.

Pure: the taxonomy (classification → product-set codes) and the existing active ranges are
passed in, so the rules run the same on an upload, a shipped file or a test document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from ocop.criteria.constants import (
    PART_CODES,
    PARTIAL_STATUSES,
    SCORING_TIER,
    RuleSetStatus,
    tier_of,
)
from ocop.criteria.spec import (
    Problem,
    RuleSetSpec,
    dec_str,
)

Taxonomy = Mapping[str, frozenset[str]]  # classification code → product-set codes


@dataclass(frozen=True)
class ActiveRange:
    """An existing rule set as rule 7 sees it."""

    code: str
    status: str
    product_sets: frozenset[str]
    effective_from: dt.date
    effective_to: dt.date | None


def product_set_codes(spec: RuleSetSpec, taxonomy: Taxonomy) -> frozenset[str]:
    if spec.applies_to_all:
        return taxonomy.get(spec.classification, frozenset())
    return frozenset(spec.product_sets)


def _num(value: Decimal | None) -> str:
    return dec_str(value) if value is not None else "?"


def check_parts(spec: RuleSetSpec) -> list[Problem]:
    """Rule 1: parts exactly A, B, C whose declared maxima add up to the scale total."""
    problems: list[Problem] = []
    codes = [p.code for p in spec.parts]
    if sorted(codes) != sorted(PART_CODES) or len(codes) != len(PART_CODES):
        problems.append(
            Problem(
                "parts_codes",
                "parts",
                _("Bộ tiêu chí phải có đúng ba phần A, B, C (đang có: %(codes)s).")
                % {"codes": ", ".join(codes) or "—"},
            )
        )
    declared = sum((p.max_points for p in spec.parts), Decimal(0))
    if declared != spec.total_max:
        problems.append(
            Problem(
                "parts_declared_total",
                "parts",
                _("Tổng điểm tối đa khai báo của các phần là %(declared)s ≠ thang điểm %(total)s.")
                % {"declared": _num(declared), "total": _num(spec.total_max)},
                declared=spec.total_max,
                computed=declared,
            )
        )
    return problems


def check_codes(spec: RuleSetSpec) -> list[Problem]:
    """Codes are unique within the rule set: answers and reports refer to them."""
    problems: list[Problem] = []
    for kind, codes in (
        ("section", [s.code for p in spec.parts for s in p.sections]),
        ("criterion", [c.code for c in spec.criteria]),
        ("option", [o.code for o in spec.options]),
    ):
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                problems.append(
                    Problem(
                        f"duplicate_{kind}",
                        code,
                        _("Mã «%(code)s» bị trùng trong bộ tiêu chí.") % {"code": code},
                    )
                )
            seen.add(code)
    return problems


def check_criteria(spec: RuleSetSpec) -> list[Problem]:
    """Rule 2: ≥ 2 options each; a declared criterion maximum equals its best option."""
    problems: list[Problem] = []
    for part in spec.parts:
        for section in part.sections:
            for c in section.criteria:
                loc = f"parts[{part.code}].sections[{section.code}].criteria[{c.code}]"
                if len(c.options) < 2:
                    problems.append(
                        Problem(
                            "criterion_options",
                            loc,
                            _("Tiêu chí %(code)s cần ít nhất 2 phương án (đang có %(n)s).")
                            % {"code": c.code, "n": len(c.options)},
                        )
                    )
                if c.declared_max is not None and c.declared_max != c.max_points:
                    problems.append(
                        Problem(
                            "criterion_max",
                            loc,
                            _(
                                "Tiêu chí %(code)s: điểm tối đa khai báo %(declared)s ≠ điểm "
                                "phương án cao nhất %(computed)s."
                            )
                            % {
                                "code": c.code,
                                "declared": _num(c.declared_max),
                                "computed": _num(c.max_points),
                            },
                            declared=c.declared_max,
                            computed=c.max_points,
                        )
                    )
    return problems


def check_sections(spec: RuleSetSpec) -> list[Problem]:
    """Rule 3: a numeric section maximum equals its criteria's sum unless `complete: false`."""
    problems: list[Problem] = []
    for part in spec.parts:
        for s in part.sections:
            if s.max_points is None:
                continue
            computed = s.computed_max
            broken = computed > s.max_points if not s.complete else computed != s.max_points
            if broken:
                problems.append(
                    Problem(
                        "section_sum",
                        f"parts[{part.code}].sections[{s.code}]",
                        _(
                            "Nhóm %(code)s: tổng điểm tối đa tính được %(computed)s ≠ "
                            "khai báo %(declared)s."
                        )
                        % {
                            "code": s.code,
                            "computed": _num(computed),
                            "declared": _num(s.max_points),
                        },
                        declared=s.max_points,
                        computed=computed,
                    )
                )
    return problems


def check_part_sums(spec: RuleSetSpec) -> list[Problem]:
    """Rule 4: for full sheets every part and the total add up; partial sheets stay below."""
    problems: list[Problem] = []
    partial = spec.status in PARTIAL_STATUSES
    for part in spec.parts:
        computed = part.computed_max
        if computed == part.max_points or (partial and computed <= part.max_points):
            continue
        problems.append(
            Problem(
                "part_sum",
                f"parts[{part.code}]",
                _("Phần %(code)s: tổng điểm tối đa tính được %(computed)s ≠ khai báo %(declared)s.")
                % {
                    "code": part.code,
                    "computed": _num(computed),
                    "declared": _num(part.max_points),
                },
                declared=part.max_points,
                computed=computed,
            )
        )
    total = spec.computed_total
    if total != spec.total_max and not (partial and total <= spec.total_max):
        problems.append(
            Problem(
                "total_sum",
                "parts",
                _("Tổng điểm tối đa tính được của các phần là %(computed)s ≠ thang điểm %(total)s.")
                % {"computed": _num(total), "total": _num(spec.total_max)},
                declared=spec.total_max,
                computed=total,
            )
        )
    if not partial and not spec.criteria:
        problems.append(
            Problem("no_criteria", "parts", _("Bộ tiêu chí đầy đủ phải có tiêu chí và phương án."))
        )
    return problems


def check_bands(spec: RuleSetSpec) -> list[Problem]:
    """Rule 5: contiguous half-open bands from 0, the last closed at the scale total."""
    bands = sorted(spec.star_bands, key=lambda b: b.min_inclusive)
    if not bands:
        return [Problem("bands_missing", "star_bands", _("Thiếu bảng hạng sao."))]
    problems: list[Problem] = []

    def bad(loc: str, message: str) -> None:
        problems.append(Problem("bands", loc, message))

    if bands[0].min_inclusive != 0:
        bad("star_bands", _("Hạng sao thấp nhất phải bắt đầu từ 0."))
    for index, band in enumerate(bands):
        loc = f"star_bands[{band.stars}]"
        last = index == len(bands) - 1
        upper = band.upper
        if upper is not None and upper <= band.min_inclusive:
            bad(loc, _("Hạng %(s)s★: cận trên phải lớn hơn cận dưới.") % {"s": band.stars})
        if not last:
            if band.max_exclusive is None:
                bad(
                    loc,
                    _("Hạng %(s)s★: chỉ hạng cao nhất được có cận trên «gồm».") % {"s": band.stars},
                )
            elif band.max_exclusive != bands[index + 1].min_inclusive:
                bad(
                    loc,
                    _("Hạng %(s)s★ kết thúc ở %(end)s nhưng hạng kế tiếp bắt đầu ở %(next)s.")
                    % {
                        "s": band.stars,
                        "end": _num(band.max_exclusive),
                        "next": _num(bands[index + 1].min_inclusive),
                    },
                )
            if bands[index + 1].stars <= band.stars:
                bad(loc, _("Số sao phải tăng theo điểm."))
        elif band.max_inclusive != spec.total_max:
            bad(
                loc,
                _("Hạng cao nhất phải kết thúc ở %(total)s (gồm cả %(total)s).")
                % {"total": _num(spec.total_max)},
            )
    if sum(1 for b in bands if b.national_level) > 1:
        bad("star_bands", _("Chỉ một hạng được đánh dấu cấp quốc gia."))
    problems.extend(_check_certifiable(spec, bands))
    return problems


def _check_certifiable(spec: RuleSetSpec, bands: list) -> list[Problem]:
    min_stars = (spec.recognition or {}).get("certifiable_min_stars")
    if not isinstance(min_stars, int) or isinstance(min_stars, bool):
        return []
    return [
        Problem(
            "bands_certifiable",
            f"star_bands[{b.stars}]",
            _("Hạng %(s)s★: «certifiable» trái với certifiable_min_stars = %(m)s.")
            % {"s": b.stars, "m": min_stars},
        )
        for b in bands
        if b.certifiable != (b.stars >= min_stars)
    ]


def check_recognition(spec: RuleSetSpec) -> list[Problem]:
    """A sheet that can be scored must say what it certifies and for how long."""
    problems: list[Problem] = []
    rec = spec.recognition or {}
    for key in (
        "certifiable_min_stars",
        "certificate_validity_months",
        "expiry_notice_days_before",
    ):
        value = rec.get(key)
        if value is None:
            if key != "expiry_notice_days_before" and spec.status in SCORING_TIER:
                problems.append(
                    Problem(
                        "recognition_missing",
                        f"recognition.{key}",
                        _("Thiếu tham số «%(key)s».") % {"key": key},
                    )
                )
        elif isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            problems.append(
                Problem(
                    "recognition_type",
                    f"recognition.{key}",
                    _("«%(key)s» phải là số nguyên dương.") % {"key": key},
                )
            )
    return problems


def check_dates_and_status(spec: RuleSetSpec) -> list[Problem]:
    problems: list[Problem] = []
    if spec.effective_to is not None and spec.effective_to < spec.effective_from:
        problems.append(
            Problem(
                "effective_range",
                "effective_to",
                _("Ngày hết hiệu lực %(to)s trước ngày bắt đầu %(from)s.")
                % {"to": spec.effective_to, "from": spec.effective_from},
            )
        )
    if spec.status == RuleSetStatus.TEST_FIXTURE_INVALID:
        problems.append(
            Problem(
                "status_not_loadable",
                "verification.status",
                _("Tệp kiểm thử (test_fixture_invalid) không bao giờ được nạp."),
            )
        )
    if spec.supersedes == spec.code:
        problems.append(
            Problem("supersedes", "supersedes", _("Bộ tiêu chí không thể thay thế chính nó."))
        )
    return problems


def check_product_sets(spec: RuleSetSpec, taxonomy: Taxonomy) -> list[Problem]:
    """Rule 6: the classification exists and lists every named product set."""
    known = taxonomy.get(spec.classification)
    if known is None:
        return [
            Problem(
                "classification_unknown",
                "applies_to.classification",
                _("Không có hệ thống phân loại «%(code)s».") % {"code": spec.classification},
            )
        ]
    missing = [code for code in spec.product_sets if code not in known]
    return [
        Problem(
            "product_set_unknown",
            "applies_to.product_sets",
            _("Bộ sản phẩm «%(code)s» không thuộc phân loại %(cls)s.")
            % {"code": code, "cls": spec.classification},
        )
        for code in missing
    ]


def _overlaps(a_from, a_to, b_from, b_to) -> bool:
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def check_supersedes(spec: RuleSetSpec, existing: Iterable[ActiveRange]) -> list[Problem]:
    """A correction names an active rule set it replaces (rows are never edited)."""
    if not spec.supersedes or spec.supersedes in {e.code for e in existing}:
        return []
    return [
        Problem(
            "supersedes_unknown",
            "supersedes",
            _("Không có bộ tiêu chí đang hiệu lực mã «%(code)s» để thay thế.")
            % {"code": spec.supersedes},
        )
    ]


def check_overlap(
    spec: RuleSetSpec, taxonomy: Taxonomy, existing: Iterable[ActiveRange]
) -> list[Problem]:
    """Rule 7: per product set, active rule sets of one tier do not overlap in time."""
    tier = tier_of(spec.status)
    if tier is None:
        return []
    mine = product_set_codes(spec, taxonomy)
    problems: list[Problem] = []
    for other in existing:
        if other.code in (spec.code, spec.supersedes) or tier_of(other.status) is not tier:
            continue
        shared = sorted(mine & other.product_sets)
        if not shared or not _overlaps(
            spec.effective_from, spec.effective_to, other.effective_from, other.effective_to
        ):
            continue
        problems.append(
            Problem(
                "effective_overlap",
                "effective_from",
                _(
                    "Thời gian hiệu lực trùng với bộ «%(other)s» (%(start)s – %(end)s) cho bộ sản "
                    "phẩm %(sets)s. Hãy giới hạn ngày hiệu lực hoặc khai báo «supersedes»."
                )
                % {
                    "other": other.code,
                    "start": other.effective_from,
                    "end": other.effective_to or "…",
                    "sets": ", ".join(shared[:5]) + ("…" if len(shared) > 5 else ""),
                },
            )
        )
    return problems


def validate(
    spec: RuleSetSpec, *, taxonomy: Taxonomy, existing: Iterable[ActiveRange] = ()
) -> list[Problem]:
    """Every rule of the README on a parsed spec; [] when it may be loaded."""
    existing = list(existing)
    return [
        *check_parts(spec),
        *check_codes(spec),
        *check_criteria(spec),
        *check_sections(spec),
        *check_part_sums(spec),
        *check_bands(spec),
        *check_recognition(spec),
        *check_dates_and_status(spec),
        *check_product_sets(spec, taxonomy),
        *check_supersedes(spec, existing),
        *check_overlap(spec, taxonomy, existing),
    ]
