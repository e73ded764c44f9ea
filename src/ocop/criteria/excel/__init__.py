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

from ocop.criteria.excel.layout import (
    FIRST_DATA_ROW,
    SHEET_BANDS,
    SHEET_CRITERIA,
    SHEET_INFO,
    XLSX_CONTENT_TYPE,
)
from ocop.criteria.excel.read import read_workbook
from ocop.criteria.excel.write import export_workbook, template_workbook

__all__ = [
    "FIRST_DATA_ROW",
    "SHEET_BANDS",
    "SHEET_CRITERIA",
    "SHEET_INFO",
    "XLSX_CONTENT_TYPE",
    "export_workbook",
    "read_workbook",
    "template_workbook",
]
