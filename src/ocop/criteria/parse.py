"""Parsing an `ocop-criteria/v1` mapping (from YAML or from the Excel sheet) into a RuleSetSpec.

Every shape problem is collected with its location instead of stopping at the first; keys this
module does not know are kept in each node's `extra`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ocop.core.text import nfc
from ocop.criteria.constants import SCHEMA, Mandatory, RuleSetStatus
from ocop.criteria.spec import (
    ALL,
    BandSpec,
    CriterionSpec,
    OptionSpec,
    PartSpec,
    Problem,
    RuleSetSpec,
    SectionSpec,
)


class _Reader:
    """Collects problems while reading loosely typed mappings."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, code: str, loc: str, message: str, **kw: Any) -> None:
        self.problems.append(Problem(code=code, loc=loc, message=message, **kw))

    def text(self, data: dict, key: str, loc: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(
                    "missing", f"{loc}.{key}", _("Thiếu giá trị bắt buộc «%(key)s».") % {"key": key}
                )
            return ""
        if isinstance(value, (dict, list)):
            self.add("type", f"{loc}.{key}", _("«%(key)s» phải là chuỗi ký tự.") % {"key": key})
            return ""
        return nfc(str(value))

    def number(self, value: Any, loc: str, *, what: str) -> Decimal | None:
        if isinstance(value, bool) or value is None:
            self.add("type", loc, _("%(what)s phải là một số.") % {"what": what})
            return None
        try:
            number = (
                Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
            )
        except (InvalidOperation, ValueError):
            self.add(
                "type",
                loc,
                _("%(what)s phải là một số (nhận «%(value)s»).") % {"what": what, "value": value},
            )
            return None
        if not number.is_finite() or number < 0:
            self.add(
                "negative",
                loc,
                _("%(what)s phải là số không âm (nhận %(value)s).")
                % {"what": what, "value": value},
            )
            return None
        return number

    def date(self, value: Any, loc: str, *, required: bool) -> dt.date | None:
        if value is None or value == "":
            if required:
                self.add("missing", loc, _("Thiếu ngày bắt buộc."))
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        parsed = parse_date(str(value))
        if parsed is None:
            self.add(
                "type",
                loc,
                _("Ngày không hợp lệ: «%(value)s» (dùng dd/mm/yyyy hoặc yyyy-mm-dd).")
                % {"value": value},
            )
        return parsed

    def flag(self, value: Any, loc: str, default: bool) -> bool:
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        self.add("type", loc, _("Giá trị phải là true hoặc false."))
        return default


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a legal date, no time
        except ValueError:
            continue
    return None


def _extra(data: dict, known: set[str]) -> dict:
    return {k: v for k, v in data.items() if k not in known}


# --- parsing ---------------------------------------------------------------------------------
_OPTION_KEYS = {"code", "points", "label_vi", "label_en", "aspect"}
_CRITERION_KEYS = {
    "code",
    "source_code",
    "name_vi",
    "name_en",
    "mandatory",
    "structure_uncertain",
    "max_points",
    "note",
    "options",
}
_SECTION_KEYS = {
    "code",
    "source_code",
    "name_vi",
    "name_en",
    "max_points",
    "complete",
    "topics_no_points",
    "note",
    "criteria",
}
_PART_KEYS = {"code", "name_vi", "name_en", "max_points", "note", "sections"}
_BAND_KEYS = {
    "stars",
    "min_inclusive",
    "max_exclusive",
    "max_inclusive",
    "certifiable",
    "national_level",
}
_TOP_KEYS = {
    "schema",
    "id",
    "title_vi",
    "title_en",
    "legal_basis",
    "effective_from",
    "effective_to",
    "applies_to",
    "verification",
    "scale",
    "parts",
    "aggregation",
    "star_bands",
    "recognition",
    "known_issues",
    "supersedes",
}
_MANDATORY = {
    True: Mandatory.YES,
    False: Mandatory.NO,
    "unknown": Mandatory.UNKNOWN,
    "yes": Mandatory.YES,
    "no": Mandatory.NO,
}


def _items(r: _Reader, data: dict, key: str, loc: str) -> list[dict]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        r.add("type", f"{loc}.{key}", _("«%(key)s» phải là một danh sách.") % {"key": key})
        return []
    return value


def _option(r: _Reader, data: dict, loc: str) -> OptionSpec | None:
    code = r.text(data, "code", loc)
    here = f"{loc}.options[{code or '?'}]"
    points = r.number(
        data.get("points"), f"{here}.points", what=_("Điểm của phương án %(code)s") % {"code": code}
    )
    label = r.text(data, "label_vi", here)
    if not code or points is None:
        return None
    return OptionSpec(
        code=code,
        points=points,
        label_vi=label,
        label_en=r.text(data, "label_en", here, required=False),
        aspect=r.text(data, "aspect", here, required=False),
        extra=_extra(data, _OPTION_KEYS),
    )


def _criterion(r: _Reader, data: dict, loc: str) -> CriterionSpec | None:
    code = r.text(data, "code", loc)
    here = f"{loc}.criteria[{code or '?'}]"
    mandatory_raw = data.get("mandatory", "unknown")
    mandatory = _MANDATORY.get(mandatory_raw)
    if mandatory is None:
        r.add("type", f"{here}.mandatory", _("«mandatory» phải là true, false hoặc unknown."))
        mandatory = Mandatory.UNKNOWN
    declared = None
    if data.get("max_points") not in (None, "unknown"):
        declared = r.number(data["max_points"], f"{here}.max_points", what=_("Điểm tối đa"))
    options = [_option(r, o, here) for o in _items(r, data, "options", here)]
    if not code:
        return None
    return CriterionSpec(
        code=code,
        name_vi=r.text(data, "name_vi", here),
        name_en=r.text(data, "name_en", here, required=False),
        source_code=r.text(data, "source_code", here, required=False),
        mandatory=mandatory,
        structure_uncertain=r.flag(
            data.get("structure_uncertain"), f"{here}.structure_uncertain", False
        ),
        declared_max=declared,
        note=r.text(data, "note", here, required=False),
        options=tuple(o for o in options if o is not None),
        extra=_extra(data, _CRITERION_KEYS),
    )


def _section(r: _Reader, data: dict, loc: str) -> SectionSpec | None:
    code = r.text(data, "code", loc)
    here = f"{loc}.sections[{code or '?'}]"
    raw_max = data.get("max_points")
    unknown = raw_max == "unknown"
    max_points = (
        None
        if raw_max is None or unknown
        else r.number(
            raw_max, f"{here}.max_points", what=_("Điểm tối đa của nhóm %(code)s") % {"code": code}
        )
    )
    topics = data.get("topics_no_points") or []
    if not isinstance(topics, list):
        r.add("type", f"{here}.topics_no_points", _("«topics_no_points» phải là một danh sách."))
        topics = []
    criteria = [_criterion(r, c, here) for c in _items(r, data, "criteria", here)]
    if not code:
        return None
    return SectionSpec(
        code=code,
        name_vi=r.text(data, "name_vi", here),
        name_en=r.text(data, "name_en", here, required=False),
        source_code=r.text(data, "source_code", here, required=False),
        max_points=max_points,
        max_points_unknown=unknown,
        complete=r.flag(data.get("complete"), f"{here}.complete", True),
        topics_no_points=tuple(str(t) for t in topics),
        note=r.text(data, "note", here, required=False),
        criteria=tuple(c for c in criteria if c is not None),
        extra=_extra(data, _SECTION_KEYS),
    )


def _part(r: _Reader, data: dict) -> PartSpec | None:
    code = r.text(data, "code", "parts")
    here = f"parts[{code or '?'}]"
    max_points = r.number(
        data.get("max_points"),
        f"{here}.max_points",
        what=_("Điểm tối đa của phần %(code)s") % {"code": code},
    )
    sections = [_section(r, s, here) for s in _items(r, data, "sections", here)]
    if not code or max_points is None:
        return None
    return PartSpec(
        code=code,
        name_vi=r.text(data, "name_vi", here),
        name_en=r.text(data, "name_en", here, required=False),
        max_points=max_points,
        note=r.text(data, "note", here, required=False),
        sections=tuple(s for s in sections if s is not None),
        extra=_extra(data, _PART_KEYS),
    )


def _band(r: _Reader, data: dict, index: int) -> BandSpec | None:
    here = f"star_bands[{index}]"
    stars = data.get("stars")
    if isinstance(stars, bool) or not isinstance(stars, int) or stars < 1:
        r.add("type", f"{here}.stars", _("«stars» phải là số nguyên dương."))
        return None
    low = r.number(data.get("min_inclusive"), f"{here}.min_inclusive", what=_("Cận dưới"))
    high_ex = data.get("max_exclusive")
    high_in = data.get("max_inclusive")
    if (high_ex is None) == (high_in is None):
        r.add(
            "band_bound",
            here,
            _("Hạng %(stars)s★ phải có đúng một cận trên: max_exclusive hoặc max_inclusive.")
            % {"stars": stars},
        )
        return None
    upper_ex = (
        None if high_ex is None else r.number(high_ex, f"{here}.max_exclusive", what=_("Cận trên"))
    )
    upper_in = (
        None if high_in is None else r.number(high_in, f"{here}.max_inclusive", what=_("Cận trên"))
    )
    if low is None or (upper_ex is None and upper_in is None):
        return None
    return BandSpec(
        stars=stars,
        min_inclusive=low,
        max_exclusive=upper_ex,
        max_inclusive=upper_in,
        certifiable=r.flag(data.get("certifiable"), f"{here}.certifiable", False),
        national_level=r.flag(data.get("national_level"), f"{here}.national_level", False),
        extra=_extra(data, _BAND_KEYS),
    )


def _mapping(r: _Reader, data: dict, key: str) -> dict:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        r.add("type", key, _("«%(key)s» phải là một bảng khóa–giá trị.") % {"key": key})
        return {}
    return value


def parse_document(data: Any) -> tuple[RuleSetSpec | None, list[Problem]]:
    """Read a v1 mapping. Returns the spec (None when too broken to build) and shape problems."""
    r = _Reader()
    if not isinstance(data, dict):
        r.add(
            "schema", "document", _("Tệp không phải một bộ tiêu chí (cần một bảng khóa–giá trị).")
        )
        return None, r.problems
    if data.get("schema") != SCHEMA:
        r.add("schema", "schema", _("«schema» phải là %(schema)s.") % {"schema": SCHEMA})
    applies = _mapping(r, data, "applies_to")
    verification = _mapping(r, data, "verification")
    scale = _mapping(r, data, "scale")
    status = str(verification.get("status") or "")
    if status not in RuleSetStatus.values:
        r.add(
            "status",
            "verification.status",
            _("Trạng thái xác minh «%(status)s» không hợp lệ.") % {"status": status},
        )
    sets_raw = applies.get("product_sets")
    applies_to_all = sets_raw == ALL
    sets: tuple[str, ...] = ()
    if not applies_to_all:
        if not isinstance(sets_raw, list) or not sets_raw:
            r.add(
                "missing",
                "applies_to.product_sets",
                _("«product_sets» phải là «all» hoặc danh sách mã bộ sản phẩm."),
            )
        else:
            sets = tuple(str(s).strip() for s in sets_raw)
    total = r.number(scale.get("total_max"), "scale.total_max", what=_("Tổng điểm tối đa"))
    parts = [_part(r, p) for p in _items(r, data, "parts", "document")]
    bands = [_band(r, b, i) for i, b in enumerate(_items(r, data, "star_bands", "document"))]
    issues = data.get("known_issues") or []
    if not isinstance(issues, list):
        r.add("type", "known_issues", _("«known_issues» phải là một danh sách."))
        issues = []
    code = r.text(data, "id", "document")
    title = r.text(data, "title_vi", "document")
    start = r.date(data.get("effective_from"), "effective_from", required=True)
    end = r.date(data.get("effective_to"), "effective_to", required=False)
    classification = r.text(applies, "classification", "applies_to")
    if (
        not (code and title and start and classification and total is not None)
        or status not in RuleSetStatus.values
    ):
        return None, r.problems
    spec = RuleSetSpec(
        code=code,
        title_vi=title,
        title_en=r.text(data, "title_en", "document", required=False),
        legal_basis=_mapping(r, data, "legal_basis"),
        effective_from=start,
        effective_to=end,
        classification=classification,
        product_sets=sets,
        applies_to_all=applies_to_all,
        status=status,
        confidence=str(verification.get("confidence") or "")[:300],
        verification=verification,
        total_max=total,
        selection=str(scale.get("selection") or "single_choice_per_criterion"),
        parts=tuple(p for p in parts if p is not None),
        star_bands=tuple(b for b in bands if b is not None),
        aggregation=_mapping(r, data, "aggregation"),
        recognition=_mapping(r, data, "recognition"),
        known_issues=tuple(i if isinstance(i, dict) else {"summary": str(i)} for i in issues),
        supersedes=str(data.get("supersedes") or "").strip(),
        extra=_extra(data, _TOP_KEYS),
    )
    return spec, r.problems
