"""Typed form of an `ocop-criteria/v1` document, parsed without touching the database.

`criteria.parse.parse_document(data)` builds these frozen dataclasses from the YAML (or the Excel
sheet's equivalent mapping). `to_document` goes back to the mapping, `canonical`/`content_hash` give the normalised form whose SHA-256
identifies the content: YAML → Excel → YAML keeps the same hash.

Keys this module does not know are kept in `extra` on each node, so nothing is lost on a round trip.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ocop.criteria.constants import SCHEMA, Mandatory

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
