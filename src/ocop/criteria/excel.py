"""Excel authoring of rule sets: an empty template, reading an officer's workbook, exporting.

Officers hold the official point tables as the decision's appendix and type them into the template.
The workbook has three sheets:

- "Thông tin": one row per field (column A the field key, C the value);
- "Tiêu chí": one row per node, top-down: Phần → Nhóm → Tiêu chí → Phương án;
- "Hạng sao": one row per star band.

`read_workbook` turns a workbook into the same `ocop-criteria/v1` mapping a YAML file gives, so the
same validator decides. `export_workbook(spec)` writes a rule set back: reading the export yields
the same content hash. The template never contains point values: the project does not invent them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ocop.criteria.constants import SCHEMA, UPLOAD_STATUSES, RuleSetStatus
from ocop.criteria.errors import UploadUnreadable
from ocop.criteria.spec import (
    ALL,
    CriterionSpec,
    OptionSpec,
    PartSpec,
    Problem,
    RuleSetSpec,
    SectionSpec,
    jsonable,
    parse_date,
)

SHEET_INFO = "Thông tin"
SHEET_CRITERIA = "Tiêu chí"
SHEET_BANDS = "Hạng sao"
FIRST_DATA_ROW = 3  # row 1: headers, row 2: help text
MAX_ROWS = 5000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LEVEL_PART, LEVEL_SECTION, LEVEL_CRITERION, LEVEL_OPTION = "Phần", "Nhóm", "Tiêu chí", "Phương án"
LEVELS = (LEVEL_PART, LEVEL_SECTION, LEVEL_CRITERION, LEVEL_OPTION)
YES, NO, UNKNOWN = "có", "không", "chưa rõ"
_TRUE = {"có", "co", "x", "yes", "true", "1", "đúng"}
_FALSE = {"không", "khong", "no", "false", "0", "sai"}
_UNKNOWN = {"chưa rõ", "chua ro", "unknown"}

# (key, label, help) of the "Thông tin" sheet. Keys ending in "_more"/"aggregation"/"known_issues"/
# "extra" take JSON; dates accept dd/mm/yyyy.
INFO_FIELDS: tuple[tuple[str, str, str], ...] = (
    (
        "id",
        "Mã bộ tiêu chí",
        "Mã duy nhất, không bao giờ đổi; ví dụ QD148-2023.set01-fresh-produce. Sửa đổi = mã mới (…-rev2).",
    ),
    ("title_vi", "Tên bộ tiêu chí", "Tên tiếng Việt của phiếu đánh giá."),
    ("title_en", "Tên tiếng Anh", "Không bắt buộc."),
    ("instrument", "Văn bản", "Số hiệu văn bản, ví dụ «Quyết định 148/QĐ-TTg»."),
    ("issuer", "Cơ quan ban hành", ""),
    ("signed", "Ngày ký", "dd/mm/yyyy"),
    ("appendix", "Phụ lục", "Ví dụ «Phụ lục III»."),
    (
        "legal_basis_more",
        "Căn cứ khác (JSON)",
        "Sửa đổi, thay thế…, dạng JSON. Để trống nếu không có.",
    ),
    ("effective_from", "Hiệu lực từ ngày", "dd/mm/yyyy (tính cả ngày này)."),
    (
        "effective_to",
        "Hiệu lực đến ngày",
        "dd/mm/yyyy (tính cả ngày này); để trống nếu còn hiệu lực.",
    ),
    ("classification", "Hệ thống phân loại", "QD1048 hoặc QD148."),
    (
        "product_sets",
        "Bộ sản phẩm áp dụng",
        "Mã bộ sản phẩm cách nhau bởi dấu phẩy (ví dụ QD148-01), hoặc «all».",
    ),
    (
        "status",
        "Trạng thái",
        "Để trống = bản chép chưa đối chiếu. Chỉ cán bộ xác nhận mới chuyển sang «đã đối chiếu».",
    ),
    ("confidence", "Độ tin cậy", "high / medium / low, hoặc mô tả."),
    (
        "verification_more",
        "Nguồn dữ liệu (JSON)",
        "Nguồn, phần còn thiếu… dạng JSON. Để trống nếu không có.",
    ),
    ("supersedes", "Thay thế bộ tiêu chí", "Mã bộ tiêu chí cũ mà bộ này sửa đổi (nếu có)."),
    ("total_max", "Tổng điểm thang", "Theo văn bản."),
    ("selection", "Cách chọn", "single_choice_per_criterion: mỗi tiêu chí chọn một phương án."),
    ("certifiable_min_stars", "Số sao thấp nhất được công nhận", "Theo văn bản."),
    ("certificate_validity_months", "Thời hạn giấy chứng nhận (tháng)", "Theo văn bản."),
    (
        "expiry_notice_days_before",
        "Thông báo trước khi hết hạn (ngày)",
        "Theo văn bản; để trống nếu không quy định.",
    ),
    ("recognition_more", "Quy trình công nhận khác (JSON)", "Các cấp, giai đoạn… dạng JSON."),
    ("aggregation", "Quy tắc tổng hợp điểm (JSON)", "Dạng JSON."),
    ("known_issues", "Vấn đề đã biết (JSON)", "Danh sách [{id, summary, detail}] dạng JSON."),
    ("extra", "Thông tin khác (JSON)", "Dạng JSON."),
)
_LEGAL_SIMPLE = ("instrument", "issuer", "signed", "appendix")
_RECOGNITION_INTS = (
    "certifiable_min_stars",
    "certificate_validity_months",
    "expiry_notice_days_before",
)
_JSON_FIELDS = {
    "legal_basis_more",
    "verification_more",
    "recognition_more",
    "aggregation",
    "known_issues",
    "extra",
}
_DATE_FIELDS = {"signed", "effective_from", "effective_to"}

# Columns of the "Tiêu chí" sheet: (key, header, help, width).
CRITERIA_COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("level", "Cấp", "Phần / Nhóm / Tiêu chí / Phương án", 12),
    ("code", "Mã", "A; A1; A1.1; A1.1.a — duy nhất", 12),
    ("source_code", "Số hiệu theo văn bản", "Không bắt buộc", 10),
    (
        "name_vi",
        "Nội dung (tiếng Việt)",
        "Tên phần/nhóm/tiêu chí hoặc nội dung phương án, theo văn bản",
        60,
    ),
    ("name_en", "Nội dung (tiếng Anh)", "Không bắt buộc", 40),
    ("max_points", "Điểm tối đa", "Phần, Nhóm (số hoặc «chưa rõ»); Tiêu chí: để trống", 10),
    ("points", "Điểm", "Chỉ dòng Phương án", 8),
    ("mandatory", "Bắt buộc (*)", "Tiêu chí: có / không / chưa rõ", 10),
    ("aspect", "Khía cạnh", "Phương án: không bắt buộc", 14),
    ("incomplete", "Nhóm chưa đủ tiêu chí", "Nhóm: «có» nếu chỉ có một phần tiêu chí", 10),
    ("structure_uncertain", "Cấu trúc chưa chắc chắn", "Tiêu chí: «có» nếu nghi ngờ", 10),
    ("note", "Ghi chú", "", 30),
    ("topics_no_points", "Nội dung chưa có điểm", "Nhóm: mỗi dòng một nội dung", 30),
    ("extra", "Khác (JSON)", "Để trống", 12),
)
BAND_COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("stars", "Số sao", "1–5", 8),
    ("min_inclusive", "Từ điểm (gồm)", "Hạng thấp nhất bắt đầu từ 0", 14),
    ("max_exclusive", "Đến điểm (không gồm)", "= «Từ điểm» của hạng kế tiếp", 16),
    ("max_inclusive", "Đến điểm (gồm)", "Chỉ hạng cao nhất (= tổng điểm thang)", 14),
    ("certifiable", "Được công nhận", "có / không", 12),
    ("national_level", "Cấp quốc gia", "có / không", 12),
    ("extra", "Khác (JSON)", "Để trống", 12),
)

_HEADER_FONT = Font(bold=True)
_HELP_FONT = Font(italic=True, color="666666")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


# --- writing ---------------------------------------------------------------------------------
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
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        note = ws.cell(row=2, column=index, value=help_text)
        note.font, note.alignment = _HELP_FONT, Alignment(wrap_text=True, vertical="top")
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
    simple = {k: legal.pop(k) for k in _LEGAL_SIMPLE if isinstance(legal.get(k), (str, dt.date))}
    recognition = dict(spec.recognition)
    ints = {k: recognition.pop(k) for k in _RECOGNITION_INTS if _is_int(recognition.get(k))}
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
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
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
        elif key in _DATE_FIELDS and values.get(key) is None:
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


# --- reading ---------------------------------------------------------------------------------
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
        if text in _TRUE:
            return True
        if text in _FALSE:
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
        if key in _JSON_FIELDS:
            values[key] = sheet.json(value, row, 3)
        elif key in _DATE_FIELDS:
            values[key] = _as_date(value)
        elif key == "total_max":
            values[key] = sheet.number(value, row, 3)
        elif key in _RECOGNITION_INTS:
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
    legal = dict(v.get("legal_basis_more") or {}) | {k: v[k] for k in _LEGAL_SIMPLE if k in v}
    recognition = dict(v.get("recognition_more") or {}) | {
        k: v[k] for k in _RECOGNITION_INTS if k in v
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
        if _cell_text(raw_max).lower() in _UNKNOWN:
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
            if not mandatory or mandatory in _UNKNOWN
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
