"""Reading an authoring workbook back into an `ocop-criteria/v1` mapping."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ocop.criteria.constants import SCHEMA, RuleSetStatus
from ocop.criteria.errors import UploadUnreadable
from ocop.criteria.excel.layout import (
    BAND_COLUMNS,
    CRITERIA_COLUMNS,
    DATE_FIELDS,
    FALSE_WORDS,
    FIRST_DATA_ROW,
    INFO_FIELDS,
    JSON_FIELDS,
    LEGAL_SIMPLE,
    LEVEL_CRITERION,
    LEVEL_OPTION,
    LEVEL_PART,
    LEVEL_SECTION,
    LEVELS,
    MAX_ROWS,
    RECOGNITION_INTS,
    SHEET_BANDS,
    SHEET_CRITERIA,
    SHEET_INFO,
    TRUE_WORDS,
    UNKNOWN_WORDS,
)
from ocop.criteria.parse import parse_date
from ocop.criteria.spec import ALL, Problem


class _Sheet:
    def __init__(self, name: str, problems: list[Problem]) -> None:
        self.name, self.problems = name, problems

    def bad(self, row: int, col: int, message: str) -> None:
        loc = f"{self.name}!{get_column_letter(col)}{row}"
        self.problems.append(Problem("excel", loc, message))

    def number(self, value: Any, row: int, col: int) -> Decimal | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            self.bad(row, col, _("Cần một số."))
            return None
        try:
            return (
                Decimal(repr(value))
                if isinstance(value, float)
                else Decimal(str(value).strip().replace(",", "."))
            )
        except InvalidOperation:
            self.bad(row, col, _("Cần một số (nhận «%(v)s»).") % {"v": value})
            return None

    def flag(self, value: Any, row: int, col: int) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        self.bad(row, col, _("Cần «có» hoặc «không» (nhận «%(v)s»).") % {"v": value})
        return None

    def json(self, value: Any, row: int, col: int) -> Any:
        if value in (None, ""):
            return None
        try:
            return json.loads(str(value))
        except json.JSONDecodeError:
            self.bad(row, col, _("Không đọc được JSON."))
            return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(ws) -> list[tuple[int, tuple]]:
    out = []
    for index, values in enumerate(
        ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True), start=FIRST_DATA_ROW
    ):
        if index >= FIRST_DATA_ROW + MAX_ROWS:
            raise UploadUnreadable(reason=_("trang «%(s)s» có quá nhiều dòng") % {"s": ws.title})
        if any(v not in (None, "") for v in values):
            out.append((index, values))
    return out


def _as_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return parse_date(value) or value.strip()
    return value


def _read_info(ws, problems: list[Problem]) -> dict[str, Any]:
    sheet = _Sheet(SHEET_INFO, problems)
    values: dict[str, Any] = {}
    known = {key for key, _label, _help in INFO_FIELDS}
    for row, cells in _rows(ws):
        key = _cell_text(cells[0] if cells else None)
        value = cells[2] if len(cells) > 2 else None
        if key not in known:
            if key:
                sheet.bad(row, 1, _("Khóa «%(k)s» không có trong mẫu.") % {"k": key})
            continue
        if value in (None, ""):
            continue
        if key in JSON_FIELDS:
            values[key] = sheet.json(value, row, 3)
        elif key in DATE_FIELDS:
            values[key] = _as_date(value)
        elif key == "total_max":
            values[key] = sheet.number(value, row, 3)
        elif key in RECOGNITION_INTS:
            number = sheet.number(value, row, 3)
            values[key] = (
                int(number)
                if number is not None and number == number.to_integral_value()
                else value
            )
        else:
            values[key] = _cell_text(value)
    return values


def _info_document(v: dict[str, Any]) -> dict[str, Any]:
    legal = dict(v.get("legal_basis_more") or {}) | {k: v[k] for k in LEGAL_SIMPLE if k in v}
    recognition = dict(v.get("recognition_more") or {}) | {
        k: v[k] for k in RECOGNITION_INTS if k in v
    }
    verification = dict(v.get("verification_more") or {})
    verification["status"] = v.get("status") or RuleSetStatus.UNVERIFIED_TRANSCRIPTION
    if v.get("confidence"):
        verification["confidence"] = v["confidence"]
    sets = str(v.get("product_sets") or "")
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "id": v.get("id"),
        "title_vi": v.get("title_vi"),
        "title_en": v.get("title_en"),
        "legal_basis": legal,
        "effective_from": v.get("effective_from"),
        "effective_to": v.get("effective_to"),
        "applies_to": {
            "classification": v.get("classification"),
            "product_sets": ALL
            if sets.strip().lower() in (ALL, "tất cả")
            else [s.strip() for s in sets.split(",") if s.strip()],
        },
        "verification": verification,
        "scale": {
            "total_max": v.get("total_max"),
            "selection": v.get("selection") or "single_choice_per_criterion",
        },
        "aggregation": v.get("aggregation") or {},
        "recognition": recognition,
        "known_issues": v.get("known_issues") or [],
    }
    if v.get("supersedes"):
        doc["supersedes"] = v["supersedes"]
    extra = v.get("extra")
    return doc | extra if isinstance(extra, dict) else doc


def _blank(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, (str, list)) and not value)


def _row_dict(cells: tuple, columns) -> dict[str, Any]:
    return {key: (cells[i] if i < len(cells) else None) for i, (key, *_rest) in enumerate(columns)}


def _col(columns, key: str) -> int:
    return next(i for i, c in enumerate(columns, start=1) if c[0] == key)


def _node(sheet: _Sheet, row: int, r: dict[str, Any], level: str) -> dict[str, Any]:
    col = lambda key: _col(CRITERIA_COLUMNS, key)  # noqa: E731
    node: dict[str, Any] = {"code": _cell_text(r["code"])}
    name_key = "label" if level == LEVEL_OPTION else "name"
    node[f"{name_key}_vi"] = _cell_text(r["name_vi"])
    node[f"{name_key}_en"] = _cell_text(r["name_en"])
    if level == LEVEL_OPTION:
        node["points"] = sheet.number(r["points"], row, col("points"))
        node["aspect"] = _cell_text(r["aspect"])
    else:
        node["note"] = _cell_text(r["note"])
    if level in (LEVEL_SECTION, LEVEL_CRITERION):
        node["source_code"] = _cell_text(r["source_code"])
    raw_max = r["max_points"]
    if level != LEVEL_OPTION and raw_max not in (None, ""):
        if _cell_text(raw_max).lower() in UNKNOWN_WORDS:
            node["max_points"] = "unknown"
        else:
            node["max_points"] = sheet.number(raw_max, row, col("max_points"))
    if level == LEVEL_SECTION:
        if sheet.flag(r["incomplete"], row, col("incomplete")):
            node["complete"] = False
        topics = [t.strip() for t in _cell_text(r["topics_no_points"]).splitlines() if t.strip()]
        node["topics_no_points"] = topics
    if level == LEVEL_CRITERION:
        mandatory = _cell_text(r["mandatory"]).lower()
        node["mandatory"] = (
            "unknown"
            if not mandatory or mandatory in UNKNOWN_WORDS
            else sheet.flag(mandatory, row, col("mandatory"))
        )
        node["structure_uncertain"] = bool(
            sheet.flag(r["structure_uncertain"], row, col("structure_uncertain"))
        )
    extra = sheet.json(r["extra"], row, col("extra"))
    clean = {k: v for k, v in node.items() if not _blank(v) or k == "complete"}
    if level == LEVEL_CRITERION:
        clean["mandatory"] = node["mandatory"] if node["mandatory"] is not None else "unknown"
    return clean | extra if isinstance(extra, dict) else clean


def _read_tree(ws, problems: list[Problem]) -> list[dict[str, Any]]:
    sheet = _Sheet(SHEET_CRITERIA, problems)
    parts: list[dict[str, Any]] = []
    section: dict[str, Any] | None = None
    criterion: dict[str, Any] | None = None
    for row, cells in _rows(ws):
        r = _row_dict(cells, CRITERIA_COLUMNS)
        level = _cell_text(r["level"])
        if level not in LEVELS:
            sheet.bad(
                row,
                1,
                _("Cấp «%(v)s» không hợp lệ: dùng %(levels)s.")
                % {"v": level, "levels": ", ".join(LEVELS)},
            )
            continue
        node = _node(sheet, row, r, level)
        if level == LEVEL_PART:
            parts.append(node | {"sections": []})
            section = criterion = None
        elif level == LEVEL_SECTION and parts:
            section = node | {"criteria": []}
            parts[-1]["sections"].append(section)
            criterion = None
        elif level == LEVEL_CRITERION and section is not None:
            criterion = node | {"options": []}
            section["criteria"].append(criterion)
        elif level == LEVEL_OPTION and criterion is not None:
            criterion["options"].append(node)
        else:
            sheet.bad(
                row, 1, _("Dòng «%(level)s» phải nằm dưới một dòng cấp trên.") % {"level": level}
            )
    return parts


def _read_bands(ws, problems: list[Problem]) -> list[dict[str, Any]]:
    sheet = _Sheet(SHEET_BANDS, problems)
    bands = []
    for row, cells in _rows(ws):
        r = _row_dict(cells, BAND_COLUMNS)
        stars = sheet.number(r["stars"], row, 1)
        band: dict[str, Any] = {
            "stars": int(stars)
            if stars is not None and stars == stars.to_integral_value()
            else r["stars"]
        }
        for index, key in enumerate(("min_inclusive", "max_exclusive", "max_inclusive"), start=2):
            value = sheet.number(r[key], row, index)
            if value is not None:
                band[key] = value
        band["certifiable"] = bool(sheet.flag(r["certifiable"], row, 5))
        if sheet.flag(r["national_level"], row, 6):
            band["national_level"] = True
        extra = sheet.json(r["extra"], row, 7)
        bands.append(band | extra if isinstance(extra, dict) else band)
    return bands


def read_workbook(data: bytes) -> tuple[dict[str, Any], list[Problem]]:
    """Turn an authoring workbook into a v1 mapping plus the problems found in the sheets."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any reader failure means "not a usable workbook"
        raise UploadUnreadable(reason=_("không mở được tệp Excel")) from exc
    try:
        missing = [s for s in (SHEET_INFO, SHEET_CRITERIA, SHEET_BANDS) if s not in wb.sheetnames]
        if missing:
            raise UploadUnreadable(
                reason=_("thiếu trang %(s)s (hãy dùng tệp mẫu)") % {"s": ", ".join(missing)}
            )
        problems: list[Problem] = []
        doc = _info_document(_read_info(wb[SHEET_INFO], problems))
        doc["parts"] = _read_tree(wb[SHEET_CRITERIA], problems)
        doc["star_bands"] = _read_bands(wb[SHEET_BANDS], problems)
    finally:
        wb.close()
    return doc, problems
