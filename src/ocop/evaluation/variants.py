"""Process variants as data: loading data/process-variants.yaml and reading a variant's tiers.

A variant's `tiers` list the levels an application passes (commune or district first, then the
province, then the centre), what each does (`actions`) and which star levels its People's
Committee recognises (`recognises_stars`). The workflow's guards ask only these helpers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from ocop.core import audit
from ocop.core.actor import Actor
from ocop.evaluation.constants import Level
from ocop.evaluation.errors import VariantFileInvalid
from ocop.evaluation.models import ProcessVariant

VARIANTS_FILE = Path(__file__).resolve().parent / "data" / "process-variants.yaml"
SCHEMA = "ocop-process-variants/v1"
ACTIONS = frozenset(
    {"receive", "check_form", "pre_assess", "score", "recognise", "forward", "propose_national"}
)
FIELDS = (
    "name_vi",
    "name_en",
    "legal_basis",
    "effective_from",
    "effective_to",
    "tiers",
    "pre_assessment_criteria",
    "forward_min_score",
    "notes",
)


# --- reading a variant ---------------------------------------------------------------------------
def tier(variant: ProcessVariant, level: str) -> dict[str, Any] | None:
    return next((t for t in variant.tiers or [] if t.get("level") == level), None)


def does(variant: ProcessVariant, level: str, action: str) -> bool:
    found = tier(variant, level)
    return bool(found and action in found.get("actions", []))


def recognises(variant: ProcessVariant, level: str, stars: int | None) -> bool:
    found = tier(variant, level)
    return bool(found and stars is not None and stars in found.get("recognises_stars", []))


def is_two_tier(variant: ProcessVariant) -> bool:
    """Commune receives and pre-assesses; no district tier (QĐ 1489)."""
    return does(variant, Level.COMMUNE, "pre_assess") and tier(variant, Level.DISTRICT) is None


def has_lower_tier(variant: ProcessVariant) -> bool:
    """A district council scores first (legacy three-tier processes)."""
    return does(variant, Level.DISTRICT, "score")


def field_visit_required(variant: ProcessVariant, level: str, set_code: str) -> bool:
    """Must the council of `level` record a field visit for a product of `set_code` before
    finalising its score? (tiers[].field_visit_sets, e.g. the tourism sets.)"""
    found = tier(variant, level)
    return bool(found and set_code in (found.get("field_visit_sets") or []))


def criteria_codes(variant: ProcessVariant) -> list[str]:
    return [c["code"] for c in variant.pre_assessment_criteria or []]


# --- loading -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadLine:
    code: str
    state: str  # "created", "updated" or "unchanged"


def _date(value: Any, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise VariantFileInvalid(reason=f"{name}: {value!r}") from None


def _clean(raw: dict[str, Any]) -> dict[str, Any]:
    code = raw.get("code")
    if not code or not isinstance(code, str):
        raise VariantFileInvalid(reason="code")
    tiers = raw.get("tiers") or []
    levels = set(Level.values)
    for t in tiers:
        if t.get("level") not in levels:
            raise VariantFileInvalid(reason=f"{code}: level {t.get('level')!r}")
        unknown = set(t.get("actions", [])) - ACTIONS
        if unknown:
            raise VariantFileInvalid(reason=f"{code}: actions {sorted(unknown)}")
        sets = t.get("field_visit_sets", [])
        if not isinstance(sets, list) or not all(isinstance(c, str) for c in sets):
            raise VariantFileInvalid(reason=f"{code}: field_visit_sets")
    threshold = raw.get("forward_min_score")
    try:
        threshold = None if threshold is None else Decimal(str(threshold))
    except InvalidOperation:
        raise VariantFileInvalid(reason=f"{code}: forward_min_score") from None
    data = {
        "name_vi": str(raw.get("name_vi") or ""),
        "name_en": str(raw.get("name_en") or ""),
        "legal_basis": str(raw.get("legal_basis") or ""),
        "effective_from": _date(raw.get("effective_from"), f"{code}.effective_from"),
        "effective_to": _date(raw.get("effective_to"), f"{code}.effective_to"),
        "tiers": tiers,
        "pre_assessment_criteria": raw.get("pre_assessment_criteria") or [],
        "forward_min_score": threshold,
        "notes": str(raw.get("notes") or "").strip(),
    }
    if data["effective_from"] is None or not data["name_vi"]:
        raise VariantFileInvalid(reason=f"{code}: name_vi, effective_from")
    return {"code": code, **data}


def read_file(path: Path = VARIANTS_FILE) -> list[dict[str, Any]]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise VariantFileInvalid(reason=str(exc)) from exc
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise VariantFileInvalid(reason=f"schema != {SCHEMA}")
    return [_clean(v) for v in doc.get("variants") or []]


def _same(obj: ProcessVariant, data: dict[str, Any]) -> bool:
    return all(getattr(obj, name) == data[name] for name in FIELDS)


@transaction.atomic
def load_variants(path: Path = VARIANTS_FILE, *, actor: Actor | None = None) -> list[LoadLine]:
    """Create or update the variants of the file by code; unchanged rows are left alone."""
    actor = actor or Actor.system("variants_load")
    lines = []
    for data in read_file(path):
        code = data.pop("code")
        obj = ProcessVariant.objects.filter(code=code).first()
        if obj is None:
            obj = ProcessVariant.objects.create(code=code, **data)
            audit.record(actor=actor, action="evaluation.variant.create", obj=obj)
            lines.append(LoadLine(code, "created"))
            continue
        obj.refresh_from_db()
        if _same(obj, data):
            lines.append(LoadLine(code, "unchanged"))
            continue
        before = audit.snapshot(obj)
        for name, value in data.items():
            setattr(obj, name, value)
        obj.save()
        audit.record(actor=actor, action="evaluation.variant.update", obj=obj, before=before)
        lines.append(LoadLine(code, "updated"))
    return lines
