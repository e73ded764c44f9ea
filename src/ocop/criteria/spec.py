"""Typed form of an `ocop-criteria/v1` document, parsed without touching the database.

`parse_document(data)` turns the YAML (or the Excel sheet's equivalent mapping) into frozen
dataclasses and lists every shape problem instead of stopping at the first one. `to_document`
goes back to the mapping, `canonical`/`content_hash` give the normalised form whose SHA-256
identifies the content: YAML → Excel → YAML keeps the same hash.

Keys this module does not know are kept in `extra` on each node, so nothing is lost on a round trip.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ocop.core.text import nfc
from ocop.criteria.constants import SCHEMA, Mandatory, RuleSetStatus

ALL = "all"


@dataclass(frozen=True)
class Problem:
    """One broken rule: where, what, and for sums both sides."""

    code: str
    loc: str
    message: str
    declared: Any = None
    computed: Any = None

    def as_error(self) -> dict[str, Any]:
        error: dict[str, Any] = {"loc": self.loc.split("."), "code": self.code}
        error["message"] = self.message
        if self.declared is not None:
            error["declared"] = _jsonable(self.declared)
        if self.computed is not None:
            error["computed"] = _jsonable(self.computed)
        return error


@dataclass(frozen=True)
class OptionSpec:
    code: str
    points: Decimal
    label_vi: str
    label_en: str = ""
    aspect: str = ""
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    name_vi: str
    name_en: str = ""
    source_code: str = ""
    mandatory: str = Mandatory.UNKNOWN
    structure_uncertain: bool = False
    declared_max: Decimal | None = None
    note: str = ""
    options: tuple[OptionSpec, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def max_points(self) -> Decimal:
        return max((o.points for o in self.options), default=Decimal(0))

    @property
    def min_points(self) -> Decimal:
        return min((o.points for o in self.options), default=Decimal(0))


@dataclass(frozen=True)
class SectionSpec:
    code: str
    name_vi: str
    name_en: str = ""
    source_code: str = ""
    max_points: Decimal | None = None
    max_points_unknown: bool = False
    complete: bool = True
    topics_no_points: tuple[str, ...] = ()
    note: str = ""
    criteria: tuple[CriterionSpec, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def computed_max(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), Decimal(0))


@dataclass(frozen=True)
class PartSpec:
    code: str
    name_vi: str
    max_points: Decimal
    name_en: str = ""
    note: str = ""
    sections: tuple[SectionSpec, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def computed_max(self) -> Decimal:
        return sum((s.computed_max for s in self.sections), Decimal(0))

    @property
    def criteria(self) -> tuple[CriterionSpec, ...]:
        return tuple(c for s in self.sections for c in s.criteria)


@dataclass(frozen=True)
class BandSpec:
    stars: int
    min_inclusive: Decimal
    max_exclusive: Decimal | None = None
    max_inclusive: Decimal | None = None
    certifiable: bool = False
    national_level: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def upper(self) -> Decimal | None:
        return self.max_exclusive if self.max_exclusive is not None else self.max_inclusive


@dataclass(frozen=True)
class RuleSetSpec:
    code: str
    title_vi: str
    effective_from: dt.date
    classification: str
    status: str
    total_max: Decimal
    title_en: str = ""
    legal_basis: dict = field(default_factory=dict)
    effective_to: dt.date | None = None
    product_sets: tuple[str, ...] = ()
    applies_to_all: bool = False
    confidence: str = ""
    verification: dict = field(default_factory=dict)
    selection: str = "single_choice_per_criterion"
    parts: tuple[PartSpec, ...] = ()
    star_bands: tuple[BandSpec, ...] = ()
    aggregation: dict = field(default_factory=dict)
    recognition: dict = field(default_factory=dict)
    known_issues: tuple[dict, ...] = ()
    supersedes: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def criteria(self) -> tuple[CriterionSpec, ...]:
        return tuple(c for p in self.parts for c in p.criteria)

    @property
    def options(self) -> tuple[OptionSpec, ...]:
        return tuple(o for c in self.criteria for o in c.options)

    @property
    def computed_total(self) -> Decimal:
        return sum((p.computed_max for p in self.parts), Decimal(0))

    @property
    def instrument(self) -> str:
        return str((self.legal_basis or {}).get("instrument") or "")

    def summary(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "status": self.status,
            "criteria": len(self.criteria),
            "options": len(self.options),
            "parts": {
                p.code: {"declared": p.max_points, "computed": p.computed_max} for p in self.parts
            },
            "total": {"declared": self.total_max, "computed": self.computed_total},
        }


# --- helpers ---------------------------------------------------------------------------------
def _jsonable(value: Any) -> Any:
    """JSON-safe, canonical: dates ISO, decimals as plain strings, mappings sorted by dumps."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return dec_str(value)
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return dec_str(Decimal(repr(value)))
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def jsonable(value: Any) -> Any:
    return _jsonable(value)


def dec_str(value: Decimal) -> str:
    """'35', '0.5': the shortest plain form of a decimal (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def yaml_number(value: Decimal) -> int | float:
    """A decimal as the number YAML should show (integers stay integers)."""
    return int(value) if value == value.to_integral_value() else float(dec_str(value))


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


# --- back to a document, canonical form, hash ------------------------------------------------
def _drop_empty(data: dict, keep: tuple[str, ...] = ()) -> dict:
    return {k: v for k, v in data.items() if k in keep or v not in (None, "", (), [], {})}


def _option_doc(o: OptionSpec) -> dict:
    doc = {
        "code": o.code,
        "points": yaml_number(o.points),
        "label_vi": o.label_vi,
        "label_en": o.label_en,
        "aspect": o.aspect,
    }
    return _drop_empty(doc, keep=("code", "points", "label_vi")) | o.extra


def _criterion_doc(c: CriterionSpec) -> dict:
    mandatory = {Mandatory.YES: True, Mandatory.NO: False}.get(c.mandatory, "unknown")
    doc = {
        "code": c.code,
        "source_code": c.source_code,
        "name_vi": c.name_vi,
        "name_en": c.name_en,
        "mandatory": mandatory,
        "structure_uncertain": c.structure_uncertain or None,
        "max_points": None if c.declared_max is None else yaml_number(c.declared_max),
        "note": c.note,
        "options": [_option_doc(o) for o in c.options],
    }
    return _drop_empty(doc, keep=("code", "name_vi", "mandatory", "options")) | c.extra


def _section_doc(s: SectionSpec) -> dict:
    max_points: Any = "unknown" if s.max_points_unknown else s.max_points
    doc = {
        "code": s.code,
        "source_code": s.source_code,
        "name_vi": s.name_vi,
        "name_en": s.name_en,
        "max_points": yaml_number(max_points) if isinstance(max_points, Decimal) else max_points,
        "complete": None if s.complete else False,
        "topics_no_points": list(s.topics_no_points),
        "note": s.note,
        "criteria": [_criterion_doc(c) for c in s.criteria],
    }
    out = _drop_empty(doc, keep=("code", "name_vi", "criteria"))
    if not s.complete:
        out["complete"] = False
    return out | s.extra


def _part_doc(p: PartSpec) -> dict:
    doc = {
        "code": p.code,
        "name_vi": p.name_vi,
        "name_en": p.name_en,
        "max_points": yaml_number(p.max_points),
        "note": p.note,
        "sections": [_section_doc(s) for s in p.sections],
    }
    return _drop_empty(doc, keep=("code", "name_vi", "max_points", "sections")) | p.extra


def _band_doc(b: BandSpec) -> dict:
    doc: dict[str, Any] = {"stars": b.stars, "min_inclusive": yaml_number(b.min_inclusive)}
    if b.max_exclusive is not None:
        doc["max_exclusive"] = yaml_number(b.max_exclusive)
    if b.max_inclusive is not None:
        doc["max_inclusive"] = yaml_number(b.max_inclusive)
    doc["certifiable"] = b.certifiable
    if b.national_level:
        doc["national_level"] = True
    return doc | b.extra


def to_document(spec: RuleSetSpec, *, status: str | None = None) -> dict:
    """The v1 mapping of a spec (what YAML export writes); `status` overrides the declared one."""
    verification = dict(spec.verification) | {"status": status or spec.status}
    if spec.confidence:
        verification["confidence"] = spec.confidence
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "id": spec.code,
        "title_vi": spec.title_vi,
        "title_en": spec.title_en,
        "legal_basis": spec.legal_basis,
        "effective_from": spec.effective_from,
        "effective_to": spec.effective_to,
        "applies_to": {
            "classification": spec.classification,
            "product_sets": ALL if spec.applies_to_all else list(spec.product_sets),
        },
        "verification": verification,
        "scale": {"total_max": yaml_number(spec.total_max), "selection": spec.selection},
        "parts": [_part_doc(p) for p in spec.parts],
        "aggregation": spec.aggregation,
        "star_bands": [_band_doc(b) for b in spec.star_bands],
        "recognition": spec.recognition,
        "known_issues": list(spec.known_issues),
    }
    if spec.supersedes:
        doc["supersedes"] = spec.supersedes
    return _drop_empty(doc, keep=("effective_to",)) | spec.extra


def canonical(spec: RuleSetSpec) -> dict:
    """The normalised content: everything but the trust metadata (`verification`) and `schema`.

    Status and provenance change on confirmation without changing what is scored, so they stay
    outside the hash.
    """
    doc = to_document(spec)
    doc.pop("verification", None)
    doc.pop("schema", None)
    return _jsonable(doc)


def content_hash(spec: RuleSetSpec) -> str:
    raw = json.dumps(canonical(spec), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
