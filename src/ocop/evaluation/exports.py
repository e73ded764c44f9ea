"""Spreadsheet exports of the evaluation app (openpyxl, written in memory)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ocop.evaluation.selectors import EXPORT_COLUMNS

WIDTHS = {"code": 38, "product": 40, "producer": 36, "commune": 24, "round": 28}


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (int, float, str, dt.date)):
        return value
    return str(value)


def export_applications_xlsx(rows: Iterable[dict[str, Any]]) -> bytes:
    """One sheet "Hồ sơ": a bold header row (EXPORT_COLUMNS labels) and one row per application
    (selectors.application_export_rows). Dates as dates, scores as numbers with 2 decimals."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Hồ sơ")
    keys = [key for key, _label in EXPORT_COLUMNS]
    sheet.append([str(label) for _key, label in EXPORT_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(row.get(key)) for key in keys])
    for index, key in enumerate(keys, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = WIDTHS.get(key, 16)
        if key == "score":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.00"
        elif key == "submitted_at":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
