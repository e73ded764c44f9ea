"""JSON API of the criteria app, mounted at /api/v1/criteria (ocop.api.routers).

Thin: parse, fetch through a selector, call one service, shape the result. Operation ids are the
names of the service or selector each endpoint calls.
"""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from ocop.criteria import excel, selectors, services, validation
from ocop.criteria.constants import RuleSetStatus
from ocop.criteria.schemas import (
    ConfirmIn,
    ProblemDetailOut,
    RuleSetOut,
    RuleSetSummaryOut,
    ValidationReportOut,
)

router = Router(tags=["criteria"])

ERRORS = {401: ProblemDetailOut, 403: ProblemDetailOut, 404: ProblemDetailOut}
XLSX = excel.XLSX_CONTENT_TYPE


def report_body(report) -> dict:
    summary = report.summary() or {}
    return {
        "valid": report.valid,
        "code": summary.get("code"),
        "content_hash": report.content_hash,
        "criteria": summary.get("criteria"),
        "options": summary.get("options"),
        "problems": report.errors(),
    }


@router.get(
    "/rulesets",
    response={200: list[RuleSetSummaryOut], **ERRORS},
    operation_id="ruleset_list",
    summary="Danh sách bộ tiêu chí",
)
@paginate(LimitOffsetPagination)
def ruleset_list(
    request: HttpRequest,
    q: str = "",
    status: RuleSetStatus | None = None,
    product_set: str = "",
    on: dt.date | None = None,
):
    return selectors.ruleset_list(
        actor=request.actor, q=q[:200], status=status or "", product_set=product_set, on=on
    )


@router.get(
    "/ruleset-for",
    response={200: RuleSetSummaryOut, 409: ProblemDetailOut, **ERRORS},
    operation_id="ruleset_for",
    summary="Bộ tiêu chí áp dụng cho một bộ sản phẩm vào một ngày",
)
def ruleset_for(request: HttpRequest, product_set: str, on: dt.date, scorable_only: bool = True):
    return selectors.ruleset_for_actor(
        actor=request.actor, product_set=product_set, on=on, scorable_only=scorable_only
    )


@router.post(
    "/rulesets/validate",
    response={200: ValidationReportOut, 422: ProblemDetailOut, **ERRORS},
    operation_id="ruleset_validate",
    summary="Kiểm tra một tệp bộ tiêu chí (YAML hoặc Excel), không lưu",
)
def ruleset_validate(request: HttpRequest, file: File[UploadedFile]):
    data, _name = validation.read_upload(file)
    return report_body(selectors.ruleset_validate(actor=request.actor, data=data))


@router.post(
    "/rulesets",
    response={
        201: RuleSetOut,
        200: RuleSetOut,
        409: ProblemDetailOut,
        422: ProblemDetailOut,
        **ERRORS,
    },
    operation_id="ruleset_import",
    summary="Nạp bộ tiêu chí từ tệp YAML hoặc Excel (bản chép chưa đối chiếu)",
    description="201 khi nạp mới; 200 khi cùng mã và cùng nội dung đã có (không thay đổi gì); "
    "422 liệt kê mọi lỗi; 409 khi mã đã có với nội dung khác.",
)
def ruleset_import(request: HttpRequest, file: File[UploadedFile]):
    data, name = validation.read_upload(file)
    outcome = services.ruleset_import(actor=request.actor, data=data, filename=name)
    ruleset = selectors.ruleset_get(actor=request.actor, code=outcome.ruleset.code)
    return Status(201 if outcome.created else 200, ruleset)


@router.get(
    "/rulesets/{code}",
    response={200: RuleSetOut, **ERRORS},
    operation_id="ruleset_get",
    summary="Một bộ tiêu chí với đầy đủ phần, nhóm, tiêu chí, phương án",
)
def ruleset_get(request: HttpRequest, code: str):
    return selectors.ruleset_get(actor=request.actor, code=code)


@router.get(
    "/rulesets/{code}/export.xlsx",
    response={200: None, **ERRORS},
    operation_id="ruleset_export_xlsx",
    summary="Xuất bộ tiêu chí ra tệp Excel theo mẫu nhập liệu",
    openapi_extra={"responses": {"200": {"content": {XLSX: {}}, "description": "Tệp Excel"}}},
)
def ruleset_export_xlsx(request: HttpRequest, code: str):
    ruleset = selectors.ruleset_get(actor=request.actor, code=code)
    data = excel.export_workbook(selectors.ruleset_spec(ruleset), status=ruleset.status)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{ruleset.code}.xlsx"'
    return response


@router.post(
    "/rulesets/{code}/confirm",
    response={200: RuleSetOut, 409: ProblemDetailOut, 422: ProblemDetailOut, **ERRORS},
    operation_id="ruleset_confirm",
    summary="Xác nhận bộ tiêu chí đã đối chiếu với văn bản chính thức",
)
def ruleset_confirm(request: HttpRequest, code: str, payload: ConfirmIn):
    ruleset = selectors.ruleset_get(actor=request.actor, code=code)
    services.ruleset_confirm(actor=request.actor, ruleset=ruleset, note=payload.note)
    return selectors.ruleset_get(actor=request.actor, code=code)
