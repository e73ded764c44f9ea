"""Writing the authoring workbook: the empty template and exports of rule sets."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ocop.criteria.constants import UPLOAD_STATUSES, RuleSetStatus
from ocop.criteria.excel.layout import (
    BAND_COLUMNS,
    CRITERIA_COLUMNS,
    DATE_FIELDS,
    FIRST_DATA_ROW,
    HEADER_FILL,
    HEADER_FONT,
    HELP_FONT,
    INFO_FIELDS,
    LEGAL_SIMPLE,
    LEVEL_CRITERION,
    LEVEL_OPTION,
    LEVEL_PART,
    LEVEL_SECTION,
    LEVELS,
    MAX_ROWS,
    NO,
    RECOGNITION_INTS,
    SHEET_BANDS,
    SHEET_CRITERIA,
    SHEET_INFO,
    UNKNOWN,
    YES,
)
from ocop.criteria.spec import (
    ALL,
    CriterionSpec,
    OptionSpec,
    PartSpec,
    RuleSetSpec,
    SectionSpec,
    jsonable,
)


def _put(ws, row: int, col: int, value: Any) -> None:
    """Write a value; text that looks like a formula stays text (no formula injection)."""
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"
    if isinstance(value, dt.date):
        cell.number_format = "DD/MM/YYYY"


def _json_cell(value: Any) -> str:
    return json.dumps(jsonable(value), ensure_ascii=False) if value else ""


def _headers(ws, columns: Iterable[tuple[str, str, str, int]]) -> None:
    for index, (_key, header, help_text, width) in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        note = ws.cell(row=2, column=index, value=help_text)
        note.font, note.alignment = HELP_FONT, Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=1)


def _list_validation(ws, values: Iterable[str], cells: str, prompt: str) -> None:
    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    dv.error, dv.prompt = _("Chọn một giá trị trong danh sách."), prompt
    dv.showErrorMessage = dv.showInputMessage = True
    ws.add_data_validation(dv)
    dv.add(cells)


def _number_validation(ws, cells: str, *, whole: bool = False) -> None:
    dv = DataValidation(
        type="whole" if whole else "decimal", operator="greaterThanOrEqual", formula1="0"
    )
    dv.allow_blank = dv.showErrorMessage = True
    dv.error = _("Nhập một số không âm.")
    ws.add_data_validation(dv)
    dv.add(cells)


def _info_values(spec: RuleSetSpec | None, status: str | None) -> dict[str, Any]:
    if spec is None:
        return {
            "status": RuleSetStatus.UNVERIFIED_TRANSCRIPTION,
            "selection": "single_choice_per_criterion",
        }
    legal = dict(spec.legal_basis)
    simple = {k: legal.pop(k) for k in LEGAL_SIMPLE if isinstance(legal.get(k), (str, dt.date))}
    recognition = dict(spec.recognition)
    ints = {k: recognition.pop(k) for k in RECOGNITION_INTS if _is_int(recognition.get(k))}
    verification = {k: v for k, v in spec.verification.items() if k not in ("status", "confidence")}
    return {
        "id": spec.code,
        "title_vi": spec.title_vi,
        "title_en": spec.title_en,
        **simple,
        "legal_basis_more": _json_cell(legal),
        "effective_from": spec.effective_from,
        "effective_to": spec.effective_to,
        "classification": spec.classification,
        "product_sets": ALL if spec.applies_to_all else ", ".join(spec.product_sets),
        "status": status or spec.status,
        "confidence": spec.confidence,
        "verification_more": _json_cell(verification),
        "supersedes": spec.supersedes,
        "total_max": spec.total_max,
        "selection": spec.selection,
        **ints,
        "recognition_more": _json_cell(recognition),
        "aggregation": _json_cell(spec.aggregation),
        "known_issues": _json_cell(list(spec.known_issues)),
        "extra": _json_cell(spec.extra),
    }


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _write_info(
    ws, spec: RuleSetSpec | None, status: str | None, classifications: list[str]
) -> None:
    ws.append(["Khóa", "Mục", "Giá trị", "Hướng dẫn"])
    ws.append(["", "", "", _("Không sửa cột A. Điền cột C.")])
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    values = _info_values(spec, status)
    for offset, (key, label, help_text) in enumerate(INFO_FIELDS):
        row = FIRST_DATA_ROW + offset
        _put(ws, row, 1, key)
        _put(ws, row, 2, label)
        _put(ws, row, 3, values.get(key) if values.get(key) not in (None, "") else None)
        _put(ws, row, 4, help_text)
        if key == "status":
            _list_validation(
                ws, sorted({*UPLOAD_STATUSES, *([status] if status else [])}), f"C{row}", label
            )
        elif key == "classification" and classifications:
            _list_validation(ws, classifications, f"C{row}", label)
        elif key in DATE_FIELDS and values.get(key) is None:
            ws.cell(row=row, column=3).number_format = "DD/MM/YYYY"
    for col, width in zip("ABCD", (26, 34, 60, 70), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "C3"


def _node_row(level: str, node: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"level": level, "code": node.code, "extra": _json_cell(node.extra)}
    if isinstance(node, PartSpec):
        row |= {
            "name_vi": node.name_vi,
            "name_en": node.name_en,
            "max_points": node.max_points,
            "note": node.note,
        }
    elif isinstance(node, SectionSpec):
        row |= {
            "source_code": node.source_code,
            "name_vi": node.name_vi,
            "name_en": node.name_en,
            "max_points": UNKNOWN if node.max_points_unknown else node.max_points,
            "incomplete": None if node.complete else YES,
            "note": node.note,
            "topics_no_points": "\n".join(node.topics_no_points),
        }
    elif isinstance(node, CriterionSpec):
        row |= {
            "source_code": node.source_code,
            "name_vi": node.name_vi,
            "name_en": node.name_en,
            "max_points": node.declared_max,
            "mandatory": {"yes": YES, "no": NO}.get(node.mandatory, UNKNOWN),
            "structure_uncertain": YES if node.structure_uncertain else None,
            "note": node.note,
        }
    elif isinstance(node, OptionSpec):
        row |= {
            "name_vi": node.label_vi,
            "name_en": node.label_en,
            "points": node.points,
            "aspect": node.aspect,
        }
    return row


def _tree_rows(spec: RuleSetSpec | None) -> list[dict[str, Any]]:
    if spec is None:
        return [{"level": LEVEL_PART, "code": code} for code in ("A", "B", "C")]
    rows = []
    for part in spec.parts:
        rows.append(_node_row(LEVEL_PART, part))
        for section in part.sections:
            rows.append(_node_row(LEVEL_SECTION, section))
            for criterion in section.criteria:
                rows.append(_node_row(LEVEL_CRITERION, criterion))
                rows.extend(_node_row(LEVEL_OPTION, option) for option in criterion.options)
    return rows


def _write_rows(ws, columns, rows: list[dict[str, Any]]) -> None:
    keys = [c[0] for c in columns]
    for offset, row in enumerate(rows):
        for index, key in enumerate(keys, start=1):
            value = row.get(key)
            if value not in (None, ""):
                _put(ws, FIRST_DATA_ROW + offset, index, value)


def _write_criteria(ws, spec: RuleSetSpec | None) -> None:
    _headers(ws, CRITERIA_COLUMNS)
    last = FIRST_DATA_ROW + MAX_ROWS
    _list_validation(ws, LEVELS, f"A{FIRST_DATA_ROW}:A{last}", "Cấp")
    _list_validation(ws, (YES, NO, UNKNOWN), f"H{FIRST_DATA_ROW}:H{last}", "Bắt buộc")
    _list_validation(ws, (YES, NO), f"J{FIRST_DATA_ROW}:K{last}", "có / không")
    _number_validation(ws, f"G{FIRST_DATA_ROW}:G{last}")
    _write_rows(ws, CRITERIA_COLUMNS, _tree_rows(spec))
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW, max_row=ws.max_row):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")


def _write_bands(ws, spec: RuleSetSpec | None) -> None:
    _headers(ws, BAND_COLUMNS)
    _number_validation(ws, f"A{FIRST_DATA_ROW}:A{FIRST_DATA_ROW + 20}", whole=True)
    _number_validation(ws, f"B{FIRST_DATA_ROW}:D{FIRST_DATA_ROW + 20}")
    _list_validation(ws, (YES, NO), f"E{FIRST_DATA_ROW}:F{FIRST_DATA_ROW + 20}", "có / không")
    rows = [
        {
            "stars": b.stars,
            "min_inclusive": b.min_inclusive,
            "max_exclusive": b.max_exclusive,
            "max_inclusive": b.max_inclusive,
            "certifiable": YES if b.certifiable else NO,
            "national_level": YES if b.national_level else None,
            "extra": _json_cell(b.extra),
        }
        for b in (spec.star_bands if spec else ())
    ]
    _write_rows(ws, BAND_COLUMNS, rows)


def _build(spec: RuleSetSpec | None, *, status: str | None, classifications: list[str]) -> bytes:
    wb = Workbook()
    info = wb.active
    info.title = SHEET_INFO
    _write_info(info, spec, status, classifications)
    _write_criteria(wb.create_sheet(SHEET_CRITERIA), spec)
    _write_bands(wb.create_sheet(SHEET_BANDS), spec)
    wb.properties.title = spec.code if spec else "ocop-criteria template"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_workbook(*, classifications: Iterable[str] = ()) -> bytes:
    """An empty authoring workbook: structure, help and validation, no points."""
    return _build(None, status=None, classifications=sorted(classifications))


def export_workbook(spec: RuleSetSpec, *, status: str | None = None) -> bytes:
    """A rule set in the authoring format (import it back: same content hash)."""
    return _build(spec, status=status, classifications=[spec.classification])
