"""Load the administrative map: current units (since 01/07/2025) and the legacy units they replaced.

Sources, both shipped as Python packages (no download at run time):
- `vietnam_provinces`: the 34 provinces and 3,321 commune-level units in force since 01/07/2025.
- `vietnamadminunits`: the 63 provinces, 696 districts and 10,035 communes in force until 30/06/2025
  (`data/dataset.db`, table `admin_units_legacy`) and the official conversion of each legacy commune
  to the current commune(s) it went into (`data/converter_2025.json`):
    DICT_PROVINCE                 new province key -> [legacy province keys]
    DICT_PROVINCE_WARD_NO_DIVIDED new province key -> {new ward key -> ["<prov>_<district>_<ward>"]}
    DICT_PROVINCE_WARD_DIVIDED    new province key -> {"<prov>_<district>_<ward>" -> [{newWardKey,
                                  isDefaultNewWard, ...}]}  (a legacy commune split between several)
  Island districts without communes appear with an empty ward key ("..._huyenconco_").
  New ward keys resolve to a unit through `admin_units` (new map) by province and name: that table
  numbers some communes differently from `vietnam_provinces`, so codes are never taken from it.

`load_all()` is idempotent: it compares with what is stored and writes only the differences, in bulk.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from django.db import models, transaction
from vietnam_provinces import Province as SourceProvince
from vietnam_provinces import Ward as SourceWard
from vietnamadminunits.database import query as vau_query

from ocop.core.text import fold, nfc
from ocop.geo import naming
from ocop.geo.models import Commune, LegacyCommune, LegacyDistrict, LegacyProvince, Province

MAP_2025_FROM = dt.date(2025, 7, 1)
LEGACY_TO = dt.date(2025, 6, 30)
BATCH = 1000


@dataclass
class LoadReport:
    """Rows created and updated per model, and successor links added or removed."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    links_added: int = 0
    links_removed: int = 0

    @property
    def changed(self) -> bool:
        return (
            any(self.created.values())
            or any(self.updated.values())
            or bool(self.links_added or self.links_removed)
        )


@transaction.atomic
def load_all() -> LoadReport:
    """Create or update every current and legacy unit and the successor links between them."""
    report = LoadReport()
    province_ids = _sync(Province, _current_provinces(), report)
    _sync(Commune, _current_communes(province_ids), report)
    conversion = _Conversion(province_ids)
    legacy = _legacy_rows()
    legacy_province_ids = _sync(LegacyProvince, conversion.legacy_provinces(legacy), report)
    district_ids = _sync(LegacyDistrict, _legacy_districts(legacy, legacy_province_ids), report)
    commune_links = conversion.commune_successors(legacy)
    legacy_commune_ids = _sync(
        LegacyCommune, _legacy_communes(legacy, district_ids, commune_links), report
    )
    _sync_links(
        LegacyCommune.successors.through,
        "legacycommune_id",
        {legacy_commune_ids[code]: ids for code, ids in commune_links.items() if code},
        report,
    )
    _sync_links(
        LegacyDistrict.successors.through,
        "legacydistrict_id",
        {district_ids[code]: ids for code, ids in conversion.district_successors(legacy).items()},
        report,
    )
    return report


# --- current map ------------------------------------------------------------------------------


def _current_provinces() -> dict[str, dict[str, Any]]:
    rows = {}
    for p in SourceProvince.iter_all():
        name, dtype = _clean(p.name), str(p.division_type.value)
        rows[_province_code(p.code.value)] = {
            "name": name,
            "division_type": dtype,
            "codename": p.codename,
            "name_search": fold(name),
            "short_key": naming.short_key(name, dtype),
            "valid_from": MAP_2025_FROM,
        }
    return rows


def _current_communes(province_ids: dict[str, int]) -> dict[str, dict[str, Any]]:
    rows = {}
    for w in SourceWard.iter_all():
        name, dtype = _clean(w.name), str(w.division_type.value)
        rows[_commune_code(w.code.value)] = {
            "name": name,
            "division_type": dtype,
            "codename": w.codename,
            "province_id": province_ids[_province_code(w.province_code.value)],
            "name_search": fold(name),
            "short_key": naming.short_key(name, dtype),
            "valid_from": MAP_2025_FROM,
        }
    return rows


# --- legacy map -------------------------------------------------------------------------------


def _legacy_rows() -> list[dict[str, Any]]:
    return vau_query(
        "SELECT province, district, ward, districtType, wardType, provinceCode, districtCode,"
        " wardCode, provinceKey, districtKey, wardKey FROM admin_units_legacy"
    )


def _legacy_districts(
    legacy: list[dict[str, Any]], province_ids: dict[str, int]
) -> dict[str, dict[str, Any]]:
    rows = {}
    for r in legacy:
        if r["districtCode"] in rows:
            continue
        name, dtype = _clean(r["district"]), _clean(r["districtType"]).lower()
        rows[r["districtCode"]] = {
            "name": name,
            "division_type": dtype,
            "province_id": province_ids[r["provinceCode"]],
            "name_search": fold(name),
            "short_key": naming.short_key(name, dtype),
            "valid_to": LEGACY_TO,
        }
    return rows


def _legacy_communes(
    legacy: list[dict[str, Any]], district_ids: dict[str, int], links: dict[str, list[int]]
) -> dict[str, dict[str, Any]]:
    rows = {}
    for r in legacy:
        if not r["wardCode"]:  # island districts recorded without communes
            continue
        name, dtype = _clean(r["ward"]), _clean(r["wardType"]).lower()
        successors = links.get(r["wardCode"]) or [None]
        rows[r["wardCode"]] = {
            "name": name,
            "division_type": dtype,
            "district_id": district_ids[r["districtCode"]],
            "successor_id": successors[0],
            "name_search": fold(name),
            "short_key": naming.short_key(name, dtype),
            "valid_to": LEGACY_TO,
        }
    return rows


class _Conversion:
    """The package's legacy → 2025 conversion tables, resolved to our row ids."""

    def __init__(self, province_ids: dict[str, int]) -> None:
        path = resources.files("vietnamadminunits") / "data" / "converter_2025.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        self.province_map: dict[str, list[str]] = data["DICT_PROVINCE"]
        self.undivided: dict[str, dict[str, list[str]]] = data["DICT_PROVINCE_WARD_NO_DIVIDED"]
        self.divided: dict[str, dict[str, list[dict]]] = data["DICT_PROVINCE_WARD_DIVIDED"]
        self.province_ids = province_ids
        new_units = vau_query("SELECT provinceKey, provinceCode, ward, wardKey FROM admin_units")
        self.new_province_codes = {u["provinceKey"]: u["provinceCode"] for u in new_units}
        index = {
            (province_code, naming.tone_key(name)): pk
            for pk, name, province_code in Commune.objects.values_list(
                "pk", "name", "province__code"
            )
        }
        # New-map row -> our commune id, matched by province and name (see the module docstring).
        self.new_ward = {
            (u["provinceKey"], u["wardKey"]): index[(u["provinceCode"], naming.tone_key(u["ward"]))]
            for u in new_units
        }

    def legacy_provinces(self, legacy: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        successor_code = {
            old: self.new_province_codes[new]
            for new, olds in self.province_map.items()
            for old in olds
        }
        rows = {}
        for r in legacy:
            if r["provinceCode"] in rows:
                continue
            name = _clean(r["province"])
            dtype = "thành phố" if fold(name).startswith("thanh pho ") else "tỉnh"
            rows[r["provinceCode"]] = {
                "name": name,
                "division_type": dtype,
                "name_search": fold(name),
                "short_key": naming.short_key(name, dtype),
                "successor_id": self.province_ids[successor_code[r["provinceKey"]]],
                "valid_to": LEGACY_TO,
            }
        return rows

    def _successors_by_key(self) -> dict[str, list[int]]:
        """Legacy "<prov>_<district>_<ward>" key -> current commune ids, the default first."""
        out: dict[str, list[int]] = {}
        for new_province, wards in self.undivided.items():
            for new_ward, olds in wards.items():
                for old in olds:
                    out[old] = [self.new_ward[(new_province, new_ward)]]
        for new_province, olds in self.divided.items():
            for old, parts in olds.items():
                ordered = sorted(parts, key=lambda part: not part["isDefaultNewWard"])
                out[old] = [self.new_ward[(new_province, p["newWardKey"])] for p in ordered]
        return out

    def commune_successors(self, legacy: list[dict[str, Any]]) -> dict[str, list[int]]:
        """Legacy commune code -> current commune ids (the converter's default first)."""
        by_key = self._successors_by_key()
        return {r["wardCode"]: by_key.get(_legacy_key(r), []) for r in legacy if r["wardCode"]}

    def district_successors(self, legacy: list[dict[str, Any]]) -> dict[str, list[int]]:
        """Legacy district code -> every current commune that holds part of it."""
        by_key = self._successors_by_key()
        out: dict[str, list[int]] = defaultdict(list)
        for r in legacy:
            for commune_id in by_key.get(_legacy_key(r), []):
                if commune_id not in out[r["districtCode"]]:
                    out[r["districtCode"]].append(commune_id)
        return out


def _legacy_key(row: dict[str, Any]) -> str:
    return f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"


# --- generic bulk upsert ----------------------------------------------------------------------


def _sync(
    model: type[models.Model], desired: dict[str, dict[str, Any]], report: LoadReport
) -> dict[str, int]:
    """Make the rows of `model` match `desired` (code -> field values); return code -> id.

    Rows missing from the source are kept: other records may point to them.
    """
    existing = {obj.code: obj for obj in model.objects.all()}
    fields = sorted({f for values in desired.values() for f in values})
    to_create, to_update = [], []
    for code, values in desired.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(code=code, **values))
        elif any(getattr(obj, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(obj, f, v)
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=BATCH)
    model.objects.bulk_update(to_update, fields, batch_size=BATCH)
    label = model._meta.model_name
    report.created[label] = len(to_create)
    report.updated[label] = len(to_update)
    return dict(model.objects.values_list("code", "pk"))


def _sync_links(
    through: type[models.Model], owner_field: str, desired: dict[int, list[int]], report: LoadReport
) -> None:
    wanted = {(owner, commune) for owner, communes in desired.items() for commune in communes}
    current = set(through.objects.values_list(owner_field, "commune_id"))
    missing, extra = wanted - current, current - wanted
    through.objects.bulk_create(
        [through(**{owner_field: o, "commune_id": c}) for o, c in sorted(missing)],
        batch_size=BATCH,
    )
    for owner, commune in extra:
        through.objects.filter(**{owner_field: owner, "commune_id": commune}).delete()
    report.links_added += len(missing)
    report.links_removed += len(extra)


def _clean(value: str | None) -> str:
    return " ".join(nfc(value).split())


def _province_code(value: int) -> str:
    return f"{value:02d}"


def _commune_code(value: int) -> str:
    return f"{value:05d}"
