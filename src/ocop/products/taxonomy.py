"""Load the versioned product classifications (sector → group → product set) from data.

The file `data/product-sets.yaml` (schema `ocop-product-sets/v1`, see the criteria README) holds
QĐ 1048/2019 (6 → 16 → 26) and QĐ 148/2023 (6 → 17 → 26). Loading is an upsert keyed by codes:
a second run over the same file changes nothing and writes no audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction

from ocop.core import audit
from ocop.core.actor import Actor
from ocop.products.errors import TaxonomyInvalid
from ocop.products.models import Classification, ProductGroup, ProductSet, Sector

DATA_FILE = Path(__file__).resolve().parent / "data" / "product-sets.yaml"
SCHEMA = "ocop-product-sets/v1"


@dataclass
class LoadResult:
    """What a load changed, per model: counts of created and updated rows."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())

    def count(self, kind: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[kind] = target.get(kind, 0) + 1


def _problem(text: str) -> TaxonomyInvalid:
    return TaxonomyInvalid(problem=text)


def read_taxonomy(path: Path | None = None) -> dict[str, Any]:
    """Parse and validate the data file; raise TaxonomyInvalid on any broken invariant."""
    try:
        data = yaml.safe_load((path or DATA_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _problem(str(exc)) from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise _problem(f"schema must be {SCHEMA}")
    classifications = data.get("classifications") or []
    if not classifications:
        raise _problem("no classification")
    for cls in classifications:
        _validate_classification(cls)
    return data


def _validate_classification(cls: dict[str, Any]) -> None:
    code = cls.get("id")
    sectors = cls.get("sectors") or []
    groups = [g for s in sectors for g in s.get("groups") or []]
    listed = [c for g in groups for c in g.get("sets") or []]
    defined = [s["code"] for s in cls.get("product_sets") or []]
    if len(set(defined)) != len(defined):
        raise _problem(f"{code}: duplicate product-set code")
    if sorted(listed) != sorted(defined):
        raise _problem(f"{code}: sets listed in groups differ from product_sets")
    declared = cls.get("counts") or {}
    actual = {"sectors": len(sectors), "groups": len(groups), "product_sets": len(defined)}
    for key, value in actual.items():
        if key in declared and declared[key] != value:
            raise _problem(f"{code}: {key} declared {declared[key]}, found {value}")
    if not isinstance(cls.get("effective_from"), dt.date):
        raise _problem(f"{code}: effective_from must be a date")


def _upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], result: LoadResult
) -> Any:
    """Create or update one row; save only when a value differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        result.count(model.__name__, created=True)
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save(update_fields=changed)
        result.count(model.__name__, created=False)
    return obj


def _set_values(raw: dict[str, Any], classification: Classification, group) -> dict[str, Any]:
    return {
        "classification": classification,
        "group": group,
        "name_vi": raw["name_vi"],
        "name_en": raw.get("name_en", ""),
        "ministries": list(raw.get("ministry") or []),
        "maps_to": str(raw.get("maps_to") or ""),
        "mapping_note": str(raw.get("mapping_note") or ""),
        "samples_required": bool(raw.get("samples_required", True)),
        "site_visit_required": bool(raw.get("site_visit_required", False)),
    }


def _load_classification(cls: dict[str, Any], result: LoadResult) -> None:
    classification = _upsert(
        Classification,
        {"code": cls["id"]},
        {
            "legal_basis": cls.get("legal_basis", "")[:255],
            "effective_from": cls["effective_from"],
            "effective_to": cls.get("effective_to"),
        },
        result,
    )
    sets_by_code = {s["code"]: s for s in cls["product_sets"]}
    for sector_raw in cls["sectors"]:
        sector = _upsert(
            Sector,
            {"classification": classification, "code": str(sector_raw["code"])},
            {"name_vi": sector_raw["name_vi"], "name_en": sector_raw.get("name_en", "")},
            result,
        )
        for group_raw in sector_raw["groups"]:
            group = _upsert(
                ProductGroup,
                {"sector": sector, "code": str(group_raw["code"])},
                {"name_vi": group_raw["name_vi"], "name_en": group_raw.get("name_en", "")},
                result,
            )
            for set_code in group_raw["sets"]:
                values = _set_values(sets_by_code[set_code], classification, group)
                _upsert(ProductSet, {"code": set_code}, values, result)


@transaction.atomic
def load_taxonomy(*, path: Path | None = None, actor: Actor | None = None) -> LoadResult:
    """Upsert both classifications from the data file. Idempotent; audited when anything changed."""
    data = read_taxonomy(path)
    result = LoadResult()
    for cls in data["classifications"]:
        _load_classification(cls, result)
    if result.changed:
        audit.record(
            actor=actor or Actor.system("taxonomy_load"),
            action="products.taxonomy.load",
            object_type="products.classification",
            object_id=",".join(c["id"] for c in data["classifications"]),
            after={"created": result.created, "updated": result.updated},
        )
    return result
