"""Validate an uploaded rule set (YAML or Excel) against the README rules and the loaded rule sets.

Reads only: services call it before writing, views and the API call it for the report step.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from ocop.core.files import check_upload
from ocop.criteria import excel, loader
from ocop.criteria.errors import UploadUnreadable
from ocop.criteria.spec import Problem


def is_workbook(data: bytes) -> bool:
    return data[:2] == b"PK"


def _check(document, *, extra_problems: list[Problem] | None = None) -> loader.Report:
    report = loader.check_document(
        document, taxonomy=loader.current_taxonomy(), existing=loader.existing_ranges()
    )
    if extra_problems:
        report.problems = [*extra_problems, *report.problems]
    return report


def yaml_report(data: bytes) -> tuple[loader.Report, str]:
    text = loader.decode_text(data)
    return _check(loader.read_yaml(text)), text


def excel_report(data: bytes) -> loader.Report:
    document, problems = excel.read_workbook(data)
    return _check(document, extra_problems=problems)


def upload_report(data: bytes) -> loader.Report:
    if is_workbook(data):
        return excel_report(data)
    return yaml_report(data)[0]


def read_upload(upload: UploadedFile) -> tuple[bytes, str]:
    """The bytes of an uploaded rule set: a workbook passes the shared Office checks (entries,
    compression ratio), a text file the size cap; anything else is refused."""
    if upload.size is None or upload.size == 0:
        raise UploadUnreadable(reason=_("tệp rỗng"))
    if upload.size > loader.MAX_SOURCE_BYTES:
        raise UploadUnreadable(reason=_("tệp quá lớn (tối đa 2 MB)"))
    head = upload.read(2)
    upload.seek(0)
    if head == b"PK":
        checked = check_upload(upload, allowed={excel.XLSX_CONTENT_TYPE})
        name = checked.original_name
    else:
        from ocop.core.files import safe_display_name

        name = safe_display_name(upload.name or "")
    data = upload.read()
    upload.seek(0)
    return data, name
