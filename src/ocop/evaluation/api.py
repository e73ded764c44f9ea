"""JSON API of the evaluation app, mounted at /api/v1/evaluation (ocop.api.routers).

Thin: parse, fetch through a selector, call one service, shape the result. Operation ids are the
names of the service or selector each endpoint calls.

Officers, inspectors and producers reach rounds and applications through the scoped selectors.
Council members reach the applications of the council they sit on (a seat valid today) through
their own seats; a member who declared a conflict for an application does not see its sheet.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from ocop.accounts import selectors as account_selectors
from ocop.core import clock
from ocop.core.access import require
from ocop.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ocop.criteria import selectors as criteria_selectors
from ocop.evaluation import council as council_services
from ocop.evaluation import (
    dossier,
    exports,
    forwarding,
    pdf,
    policies,
    results,
    selectors,
    services,
)
from ocop.evaluation.constants import ApplicationKind, ApplicationStatus, RoundStatus
from ocop.evaluation.models import Application, Council, CouncilMember, Round, ScoreSheet
from ocop.evaluation.schemas import (
    ApplicationCreateIn,
    ApplicationOut,
    ApplicationPageOut,
    ApplicationUpdateIn,
    AssignmentBulkIn,
    AssignmentBulkOut,
    ChecklistOut,
    ConflictIn,
    ConflictOut,
    CouncilCreateIn,
    CouncilMemberAddIn,
    CouncilMemberOut,
    CouncilOut,
    CouncilSummaryOut,
    DecisionOut,
    DecisionRecordIn,
    DiffRowOut,
    DocumentOut,
    FeedbackOut,
    FieldVisitOut,
    LowerScoreIn,
    MemberSheetOut,
    NationalIn,
    NoteIn,
    ProblemOut,
    ReasonIn,
    RoundCreateIn,
    RoundForwardIn,
    RoundForwardOut,
    RoundOut,
    RoundPageOut,
    RoundSummaryOut,
    SheetFormOut,
    SheetOut,
    SheetSaveIn,
    SheetSubmitIn,
    StatusChangeOut,
    TransitionIn,
    VariantOut,
)
from ocop.geo import selectors as geo_selectors
from ocop.products import selectors as product_selectors

router = Router(tags=["evaluation"])

ERRORS = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut}
MAX_PAGE_SIZE = 200
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FeedbackNotReady(Conflict):
    code = "evaluation.feedback_not_ready"
    message = _("Hội đồng chưa chốt điểm hồ sơ này; kết quả chi tiết sẽ có sau khi chốt điểm.")


# --- helpers -----------------------------------------------------------------------------------
def _invalid(loc: str, message: Any) -> ValidationFailed:
    return ValidationFailed(errors=[{"loc": [loc], "code": "invalid", "message": str(message)}])


def _page(qs, page: int, page_size: int) -> dict:
    offset = (page - 1) * page_size
    return {
        "items": list(qs[offset : offset + page_size]),
        "count": qs.count(),
        "page": page,
        "page_size": page_size,
    }


def _round(request: HttpRequest, public_id: uuid.UUID) -> Round:
    return selectors.round_get(actor=request.actor, public_id=public_id)


def _application(request: HttpRequest, public_id: uuid.UUID) -> Application:
    return selectors.application_get(actor=request.actor, public_id=public_id)


def _seats(request: HttpRequest):
    """The actor's council seats valid today (none for anonymous callers)."""
    user = getattr(request.actor, "user", None)
    if user is None or request.actor.user_id is None:
        return None
    today = clock.today()
    return user.council_seats.filter(valid_from__lte=today, valid_to__gte=today).select_related(
        "council__round"
    )


def _seat_for_round(request: HttpRequest, round_id: int) -> CouncilMember | None:
    seats = _seats(request)
    return None if seats is None else seats.filter(council__round_id=round_id).first()


def _seated_application(request: HttpRequest, public_id: uuid.UUID) -> tuple[Application, Any]:
    """An application of a council the actor sits on, with the seat; NotFound otherwise."""
    seats = _seats(request)
    if seats is None:
        raise NotFound()
    seat = seats.filter(council__round__applications__public_id=public_id).first()
    if seat is None:
        raise NotFound()
    app = (
        seat.council.round.applications.select_related(
            "round__process_variant", "product", "producer", "province", "commune", "ruleset"
        )
        .filter(public_id=public_id)
        .first()
    )
    if app is None:
        raise NotFound()
    return app, seat


def _scoring_application(request: HttpRequest, public_id: uuid.UUID) -> tuple[Application, Any]:
    """For a member's own sheet: seated, assigned and not recused (else 404: a recused member
    neither sees nor scores the application)."""
    app, seat = _seated_application(request, public_id)
    if not council_services.member_can_score(seat, app):
        raise NotFound()
    return app, seat


def _member_view(request: HttpRequest, public_id: uuid.UUID) -> Application:
    """Seat holders read the applications of their round, except where they recused themselves."""
    app, seat = _seated_application(request, public_id)
    if council_services.is_recused(seat, app):
        raise NotFound()
    return app


def _council_application(request: HttpRequest, public_id: uuid.UUID) -> Application:
    """The application as officers (scoped selector) or seated members (chair, secretary) see it."""
    try:
        return _application(request, public_id)
    except NotFound:
        app, _seat = _seated_application(request, public_id)
        return app


def _council_of(rnd: Round) -> Council:
    try:
        return rnd.council
    except Council.DoesNotExist:
        raise NotFound() from None


def _member(council: Council, member_id: int) -> CouncilMember:
    member = council.members.select_related("user", "council__round").filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    return member


def _sheet_body(sheet: ScoreSheet | None, application: Application, member: Any) -> dict:
    answers = {}
    if sheet is not None:
        for answer in sheet.answers.select_related("criterion", "option"):
            answers[answer.criterion.code] = {
                "option": answer.option.code,
                "points": answer.points,
                "comment": answer.comment,
            }
    return {
        "application": application.public_id,
        "member": member.pk,
        "status": sheet.status if sheet else "new",
        "version": sheet.version if sheet else 1,
        "total": sheet.total if sheet else None,
        "part_totals": dict(sheet.part_totals or {}) if sheet else {},
        "submitted_at": sheet.submitted_at if sheet else None,
        "returned_reason": sheet.returned_reason if sheet else "",
        "on_paper": bool(sheet and sheet.paper_scan),
        "answers": answers,
    }


def _answers_in(answers: dict) -> dict[str, tuple[str, str]]:
    return {code: (a.option, a.comment) for code, a in answers.items()}


# --- process variants --------------------------------------------------------------------------
@router.get(
    "/variants",
    response={200: list[VariantOut], 401: ProblemOut},
    operation_id="variant_list",
    summary="Các quy trình đánh giá (hai cấp từ 06/7/2025, ba cấp trước đó)",
)
def variant_list(request: HttpRequest):
    return list(selectors.variant_list())


# --- rounds ------------------------------------------------------------------------------------
class RoundFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    status: RoundStatus | None = None
    q: str | None = Field(None, max_length=200, description="Tìm theo tên đợt")
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


@router.get(
    "/rounds",
    response={200: RoundPageOut, **ERRORS},
    operation_id="round_list",
    summary="Các đợt đánh giá trong phạm vi của người dùng",
)
def round_list(request: HttpRequest, filters: Query[RoundFilters]):
    qs = selectors.round_list(actor=request.actor, year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q.strip())
    return _page(qs, filters.page, filters.page_size)


@router.post(
    "/rounds",
    response={201: RoundOut, **ERRORS},
    operation_id="round_create",
    summary="Mở đợt đánh giá của tỉnh",
)
def round_create(request: HttpRequest, payload: RoundCreateIn):
    try:
        province = geo_selectors.province_get(payload.province)
    except NotFound as exc:
        raise _invalid("province", _("Không có tỉnh với mã này.")) from exc
    variant = selectors.variant_list().filter(code=payload.process_variant).first()
    if variant is None:
        raise _invalid("process_variant", _("Không có quy trình đánh giá với mã này."))
    district = None
    if payload.legacy_district:
        # A district of one of the former provinces merged into this province.
        former = province.legacy_provinces.filter(districts__code=payload.legacy_district).first()
        if former is None:
            raise _invalid("legacy_district", _("Không có huyện cũ với mã này trong tỉnh."))
        district = former.districts.get(code=payload.legacy_district)
    rnd = services.round_create(
        actor=request.actor,
        province=province,
        process_variant=variant,
        legacy_district=district,
        **payload.dict(exclude={"province", "process_variant", "legacy_district"}),
    )
    return Status(201, rnd)


@router.post(
    "/rounds/{uuid:public_id}/forward",
    response={200: RoundForwardOut, **ERRORS},
    operation_id="round_forward",
    summary="Chuyển sản phẩm đạt ngưỡng của đợt cấp huyện lên đợt cấp tỉnh (quy trình ba cấp)",
)
def round_forward(request: HttpRequest, public_id: uuid.UUID, payload: RoundForwardIn):
    source = _round(request, public_id)
    try:
        target = _round(request, payload.target)
    except NotFound as exc:
        raise _invalid("target", _("Không tìm thấy đợt cấp tỉnh nhận hồ sơ.")) from exc
    result = forwarding.round_forward(
        actor=request.actor, source=source, target=target, min_score=payload.min_score
    )
    return {
        "threshold": result.threshold,
        "forwarded": [
            {"source": old.public_id, "application": new.public_id} for old, new in result.forwarded
        ],
        "recognised": [a.public_id for a in result.recognised],
        "not_recognised": [a.public_id for a in result.not_recognised],
        "left": [a.public_id for a in result.left],
    }


@router.get(
    "/rounds/{uuid:public_id}",
    response={200: RoundOut, **ERRORS},
    operation_id="round_get",
    summary="Chi tiết đợt đánh giá",
)
def round_get(request: HttpRequest, public_id: uuid.UUID):
    return _round(request, public_id)


@router.get(
    "/rounds/{uuid:public_id}/summary",
    response={200: RoundSummaryOut, **ERRORS},
    operation_id="round_summary",
    summary="Kết quả tổng hợp của đợt: số sản phẩm được đánh giá, công nhận theo hạng sao",
)
def round_summary(request: HttpRequest, public_id: uuid.UUID):
    return results.round_summary(_round(request, public_id))


# --- applications ------------------------------------------------------------------------------
class ApplicationFilters(Schema):
    round: uuid.UUID | None = None
    status: ApplicationStatus | None = None
    kind: ApplicationKind | None = None
    commune: str | None = Field(None, max_length=10, description="Mã xã")
    q: str | None = Field(None, max_length=200, description="Tìm theo tên sản phẩm (không dấu)")
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


def _filtered_applications(request: HttpRequest, filters: ApplicationFilters):
    rnd = _round(request, filters.round) if filters.round else None
    qs = selectors.application_list(
        actor=request.actor, round=rnd, status=filters.status, kind=filters.kind, q=filters.q
    )
    if filters.commune:
        qs = qs.filter(commune__code=filters.commune)
    return qs


@router.get(
    "/applications",
    response={200: ApplicationPageOut, **ERRORS},
    operation_id="application_list",
    summary="Hồ sơ đánh giá trong phạm vi của người dùng",
)
def application_list(request: HttpRequest, filters: Query[ApplicationFilters]):
    qs = _filtered_applications(request, filters)
    return _page(qs.select_related("previous", "decision"), filters.page, filters.page_size)


@router.get(
    "/applications/export.xlsx",
    response={200: None, **ERRORS},
    operation_id="export_applications_xlsx",
    summary="Xuất danh sách hồ sơ (cùng bộ lọc) ra Excel",
)
def export_applications_xlsx(request: HttpRequest, filters: Query[ApplicationFilters]):
    rnd = _round(request, filters.round) if filters.round else None
    commune = None
    if filters.commune:
        commune = geo_selectors.commune_list().filter(code=filters.commune).first()
        if commune is None:
            raise _invalid("commune", _("Không có xã với mã này."))
    rows = selectors.application_export_rows(
        actor=request.actor,
        round=rnd,
        status=filters.status,
        kind=filters.kind,
        commune=commune,
        q=filters.q,
    )
    response = HttpResponse(exports.export_applications_xlsx(rows), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ho-so-danh-gia.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/applications",
    response={201: ApplicationOut, **ERRORS},
    operation_id="application_create",
    summary="Đăng ký sản phẩm tham gia đợt đánh giá (hồ sơ nháp)",
)
def application_create(request: HttpRequest, payload: ApplicationCreateIn):
    product = product_selectors.product_get(actor=request.actor, public_id=payload.product)
    rnd = _round(request, payload.round)
    previous = _application(request, payload.previous) if payload.previous else None
    app = services.application_create(
        actor=request.actor,
        round=rnd,
        product=product,
        kind=payload.kind,
        previous=previous,
        registration=payload.registration,
    )
    return Status(201, _application(request, app.public_id))


@router.patch(
    "/applications/{uuid:public_id}",
    response={200: ApplicationOut, **ERRORS},
    operation_id="application_update",
    summary="Sửa phiếu đăng ký và tự đánh giá (hồ sơ nháp hoặc bị trả lại)",
    description=(
        "registration: contact_name, contact_phone, annual_output, market, expected_stars. "
        'self_assessment: {"parts": {"A": điểm, "B": điểm, "C": điểm}, "stars": n}, điểm mỗi '
        "phần không quá điểm tối đa của phần theo bộ tiêu chí của hồ sơ. Mục bỏ trống: giữ nguyên."
    ),
)
def application_update(request: HttpRequest, public_id: uuid.UUID, payload: ApplicationUpdateIn):
    app = _application(request, public_id)
    services.application_update(
        actor=request.actor,
        application=app,
        registration=payload.registration,
        self_assessment=payload.self_assessment,
    )
    return _application(request, public_id)


@router.get(
    "/applications/{uuid:public_id}",
    response={200: ApplicationOut, **ERRORS},
    operation_id="application_get",
    summary="Chi tiết hồ sơ đánh giá",
)
def application_get(request: HttpRequest, public_id: uuid.UUID):
    try:
        return _application(request, public_id)
    except NotFound:
        return _member_view(request, public_id)


@router.post(
    "/applications/{uuid:public_id}/submit",
    response={200: ApplicationOut, **ERRORS},
    operation_id="application_submit",
    summary="Nộp hồ sơ (gắn bộ tiêu chí có hiệu lực vào ngày nộp)",
)
def application_submit(request: HttpRequest, public_id: uuid.UUID, payload: NoteIn):
    app = _application(request, public_id)
    return services.application_submit(actor=request.actor, application=app, note=payload.note)


@router.post(
    "/applications/{uuid:public_id}/return",
    response={200: ApplicationOut, **ERRORS},
    operation_id="application_return",
    summary="Trả lại hồ sơ để bổ sung, nêu lý do",
)
def application_return(request: HttpRequest, public_id: uuid.UUID, payload: ReasonIn):
    app = _application(request, public_id)
    return services.application_return(actor=request.actor, application=app, reason=payload.reason)


@router.post(
    "/applications/{uuid:public_id}/pre-assess",
    response={200: ApplicationOut, **ERRORS},
    operation_id="application_pre_assess",
    summary="Sơ đánh giá cấp xã theo các nội dung của quy trình hai cấp, kèm báo cáo có chữ ký",
    description=(
        'multipart/form-data: `answers` (JSON: {"mã nội dung": {"met": true, "note": ""}}), '
        "`conclusion`, `report` (báo cáo sơ đánh giá có chữ ký của UBND xã: PDF, JPEG hoặc PNG)."
    ),
)
def application_pre_assess(
    request: HttpRequest,
    public_id: uuid.UUID,
    answers: Form[str],
    conclusion: Form[str] = "",
    report: File[UploadedFile | None] = None,
):
    app = _application(request, public_id)
    try:
        parsed = json.loads(answers)
        if not isinstance(parsed, dict):
            raise ValueError
    except ValueError as exc:
        raise _invalid(
            "answers",
            _('Kết quả sơ đánh giá phải là JSON: {"mã nội dung": {"met": true, "note": ""}}.'),
        ) from exc
    return services.application_pre_assess(
        actor=request.actor,
        application=app,
        answers={str(code): answer for code, answer in parsed.items()},
        conclusion=conclusion[:4000],
        report=report,
    )


@router.get(
    "/applications/{uuid:public_id}/pre-assessment/report",
    response={200: None, **ERRORS},
    operation_id="pre_assessment_report_get",
    summary="Tải về báo cáo sơ đánh giá có chữ ký của UBND xã",
)
def pre_assessment_report_get(request: HttpRequest, public_id: uuid.UUID):
    try:
        app = _application(request, public_id)
    except NotFound:
        app = _member_view(request, public_id)
    record = selectors.pre_assessment_report(actor=request.actor, application=app)
    return _report_response(record)


def _report_response(record) -> FileResponse:
    try:
        handle = record.report_file.open("rb")
    except OSError:
        raise NotFound() from None
    response = FileResponse(
        handle, as_attachment=True, filename=record.report_file.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/applications/{uuid:public_id}/lower-score",
    response={200: ApplicationOut, **ERRORS},
    operation_id="application_lower_score",
    summary="Ghi điểm của hội đồng cấp huyện (quy trình ba cấp trước 2025)",
)
def application_lower_score(request: HttpRequest, public_id: uuid.UUID, payload: LowerScoreIn):
    app = _application(request, public_id)
    return services.application_lower_score(
        actor=request.actor, application=app, score=payload.score, note=payload.note
    )


@router.post(
    "/applications/{uuid:public_id}/transition",
    response={200: ApplicationOut, **ERRORS},
    operation_id="application_transition",
    summary="Chuyển bước quy trình (chuyển lên tỉnh, xếp lịch hội đồng, nộp lại, rút hồ sơ…)",
)
def application_transition(request: HttpRequest, public_id: uuid.UUID, payload: TransitionIn):
    app = _application(request, public_id)
    return services.application_transition(
        actor=request.actor, application=app, verb=payload.verb, reason=payload.reason
    )


@router.get(
    "/applications/{uuid:public_id}/history",
    response={200: list[StatusChangeOut], **ERRORS},
    operation_id="application_history",
    summary="Các bước đã qua của hồ sơ: ai, khi nào, lý do",
)
def application_history(request: HttpRequest, public_id: uuid.UUID):
    app = _application(request, public_id)
    return list(selectors.application_history(actor=request.actor, application=app)[:500])


@router.get(
    "/applications/{uuid:public_id}/feedback",
    response={200: FeedbackOut, **ERRORS},
    operation_id="application_feedback",
    summary="Kết quả chi tiết theo từng tiêu chí: điểm đạt so với điểm tối đa",
)
def application_feedback(request: HttpRequest, public_id: uuid.UUID):
    app = _application(request, public_id)
    if not app.outcome and not policies.can_manage_application(request.actor, app):
        raise FeedbackNotReady()
    return results.application_feedback(app)


# --- dossier -----------------------------------------------------------------------------------
@router.get(
    "/applications/{uuid:public_id}/dossier",
    response={200: ChecklistOut, **ERRORS},
    operation_id="dossier_checklist",
    summary="Danh mục hồ sơ: tài liệu hiện hành, các phiên bản, mức đầy đủ",
)
def dossier_checklist(request: HttpRequest, public_id: uuid.UUID):
    app = _application(request, public_id)
    return dossier.dossier_checklist(actor=request.actor, application=app)


@router.post(
    "/applications/{uuid:public_id}/dossier/documents",
    response={201: DocumentOut, **ERRORS},
    operation_id="document_upload",
    summary="Tải lên tài liệu (phiên bản mới) cho một mục hồ sơ: PDF, JPEG, PNG, DOCX, XLSX",
)
def document_upload(
    request: HttpRequest,
    public_id: uuid.UUID,
    file: File[UploadedFile],
    item: Form[str],
    title: Form[str] = "",
):
    app = _application(request, public_id)
    document = dossier.document_upload(
        actor=request.actor, application=app, item=item[:40], file=file, title=title[:255]
    )
    return Status(201, document)


def _document(request: HttpRequest, app: Application, document_id: int):
    document = dossier.document_get(actor=request.actor, id=document_id)
    if document.application_id != app.pk:
        raise NotFound()
    return document


@router.get(
    "/applications/{uuid:public_id}/dossier/documents/{int:document_id}",
    response={200: None, **ERRORS},
    operation_id="document_get",
    summary="Tải về một tài liệu của hồ sơ (bất kỳ phiên bản nào)",
)
def document_get(request: HttpRequest, public_id: uuid.UUID, document_id: int):
    try:
        app = _application(request, public_id)
    except NotFound:
        app = _member_view(request, public_id)
    document = _document(request, app, document_id)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@router.post(
    "/applications/{uuid:public_id}/dossier/documents/{int:document_id}/remove",
    response={200: DocumentOut, **ERRORS},
    operation_id="document_remove",
    summary="Rút tài liệu hiện hành của một mục khỏi hồ sơ (vẫn lưu lại)",
)
def document_remove(request: HttpRequest, public_id: uuid.UUID, document_id: int, payload: NoteIn):
    app = _application(request, public_id)
    document = _document(request, app, document_id)
    return dossier.document_remove(actor=request.actor, document=document, reason=payload.note)


@router.get(
    "/applications/{uuid:public_id}/dossier/diff",
    response={200: list[DiffRowOut], **ERRORS},
    operation_id="dossier_diff",
    summary="So với hồ sơ lần trước: mục dùng lại, thay mới, bổ sung, còn thiếu",
)
def dossier_diff(request: HttpRequest, public_id: uuid.UUID):
    return dossier.dossier_diff(_application(request, public_id))


# --- council -----------------------------------------------------------------------------------
def _visible_council(request: HttpRequest, public_id: uuid.UUID) -> Council:
    """A round's council for its province's officers, or for a member seated on it."""
    try:
        rnd = _round(request, public_id)
    except NotFound:
        seats = _seats(request)
        seat = None if seats is None else seats.filter(council__round__public_id=public_id).first()
        if seat is None:
            raise
        return seat.council
    council = _council_of(rnd)
    if not (
        council_services.can_manage_council(request.actor, council)
        or _seat_for_round(request, rnd.pk) is not None
    ):
        raise NotFound()
    return council


@router.post(
    "/rounds/{uuid:public_id}/council",
    response={201: CouncilOut, **ERRORS},
    operation_id="council_create",
    summary="Thành lập hội đồng đánh giá của đợt",
)
def council_create(request: HttpRequest, public_id: uuid.UUID, payload: CouncilCreateIn):
    council = council_services.council_create(
        actor=request.actor, round=_round(request, public_id), **payload.dict()
    )
    return Status(201, council)


@router.get(
    "/rounds/{uuid:public_id}/council",
    response={200: CouncilOut, **ERRORS},
    operation_id="council_get",
    summary="Hội đồng đánh giá của đợt và các thành viên",
)
def council_get(request: HttpRequest, public_id: uuid.UUID):
    return _visible_council(request, public_id)


@router.post(
    "/rounds/{uuid:public_id}/council/members",
    response={201: CouncilMemberOut, **ERRORS},
    operation_id="council_member_add",
    summary="Thêm thành viên hội đồng (cấp vai trò thành viên hội đồng có thời hạn)",
)
def council_member_add(request: HttpRequest, public_id: uuid.UUID, payload: CouncilMemberAddIn):
    council = _council_of(_round(request, public_id))
    require(request.actor, council_services.can_manage_council, council)
    try:
        user = account_selectors.user_get(actor=request.actor, public_id=payload.user)
    except NotFound as exc:
        raise _invalid("user", _("Không tìm thấy tài khoản này.")) from exc
    member = council_services.council_member_add(
        actor=request.actor, council=council, user=user, **payload.dict(exclude={"user"})
    )
    return Status(201, member)


@router.post(
    "/rounds/{uuid:public_id}/council/assignments",
    response={200: AssignmentBulkOut, **ERRORS},
    operation_id="assignment_bulk",
    summary="Phân công hồ sơ cho thành viên hội đồng (bỏ qua cặp có xung đột lợi ích)",
)
def assignment_bulk(request: HttpRequest, public_id: uuid.UUID, payload: AssignmentBulkIn):
    council = _visible_council(request, public_id)
    require(request.actor, council_services.can_assign_council, council)
    wanted = set(payload.applications)
    applications = list(council.round.applications.filter(public_id__in=wanted))
    if len(applications) != len(wanted):
        raise _invalid("applications", _("Có hồ sơ không thuộc đợt đánh giá của hội đồng."))
    members = list(council.members.filter(pk__in=set(payload.members)))
    if len(members) != len(set(payload.members)):
        raise _invalid("members", _("Có người không phải thành viên hội đồng."))
    created = council_services.assignment_bulk(
        actor=request.actor, council=council, applications=applications, members=members
    )
    return {"created": len(created)}


@router.post(
    "/applications/{uuid:public_id}/conflict",
    response={200: ConflictOut, **ERRORS},
    operation_id="conflict_declare",
    summary="Thành viên hội đồng khai báo có / không có xung đột lợi ích với hồ sơ",
)
def conflict_declare(request: HttpRequest, public_id: uuid.UUID, payload: ConflictIn):
    app, seat = _seated_application(request, public_id)
    declaration = council_services.conflict_declare(
        actor=request.actor,
        member=seat,
        application=app,
        has_conflict=payload.has_conflict,
        note=payload.note,
    )
    declaration.application = app
    return declaration


def _summary_body(summary) -> dict:
    rows = []
    for row in summary.rows:
        app = row.application
        cells = [
            {
                "member": member.pk,
                "recused": recused,
                "total": total,
                "divergent": member.pk in row.divergent,
            }
            for member, total, recused in zip(summary.members, row.totals, row.recused, strict=True)
        ]
        rows.append(
            {
                "application": app.public_id,
                "product_name": app.product.name,
                "producer_name": app.producer.name,
                "status": app.status,
                "mean": row.display_mean,
                "stars": row.stars,
                "submitted": sum(1 for t in row.totals if t is not None),
                "cells": cells,
            }
        )
    return {"members": summary.members, "rows": rows}


@router.get(
    "/rounds/{uuid:public_id}/council/summary",
    response={200: CouncilSummaryOut, **ERRORS},
    operation_id="council_summary",
    summary="Bảng tổng hợp của hội đồng: điểm từng thành viên, điểm trung bình, chênh lệch",
)
def council_summary(request: HttpRequest, public_id: uuid.UUID):
    """For the province's officers and the council's chair, vice-chair and secretary."""
    board = _visible_council(request, public_id)
    return _summary_body(selectors.council_summary(actor=request.actor, round=board.round))


@router.post(
    "/applications/{uuid:public_id}/field-visits",
    response={201: FieldVisitOut, **ERRORS},
    operation_id="field_visit_record",
    summary="Ghi nhận khảo sát thực tế (bắt buộc với bộ sản phẩm du lịch)",
)
def field_visit_record(
    request: HttpRequest,
    public_id: uuid.UUID,
    visited_on: Form[dt.date],
    notes: Form[str],
    members: Form[list[int]],
    file: File[UploadedFile | None] = None,
):
    app = _council_application(request, public_id)
    board = _council_of(app.round)
    seats = list(board.members.filter(pk__in=set(members)))
    if len(seats) != len(set(members)):
        raise _invalid("members", _("Có người không phải thành viên hội đồng."))
    visit = council_services.field_visit_record(
        actor=request.actor,
        application=app,
        visited_on=visited_on,
        members=seats,
        notes=notes[:4000],
        file=file,
    )
    return Status(201, visit)


# --- score sheets ------------------------------------------------------------------------------
@router.get(
    "/my-sheets",
    response={200: list[MemberSheetOut], 401: ProblemOut},
    operation_id="sheets_for_member",
    summary="Hồ sơ được phân công chấm cho tôi (trừ hồ sơ đã khai báo xung đột lợi ích)",
)
def sheets_for_member(request: HttpRequest):
    return [
        {
            "application": row.application.public_id,
            "product_name": row.application.product.name,
            "producer_name": row.application.producer.name,
            "round": row.application.round.public_id,
            "round_name": row.application.round.name,
            "application_status": row.application.status,
            "member": row.member.pk,
            "role": row.member.role,
            "sheet_status": row.sheet.status if row.sheet else "new",
            "version": row.sheet.version if row.sheet else 1,
            "total": row.sheet.total if row.sheet else None,
        }
        for row in selectors.sheets_for_member(actor=request.actor)
    ]


@router.get(
    "/applications/{uuid:public_id}/sheet",
    response={200: SheetFormOut, **ERRORS},
    operation_id="sheet_get",
    summary="Phiếu chấm điểm của chính thành viên, kèm cây tiêu chí và phương án",
)
def sheet_get(request: HttpRequest, public_id: uuid.UUID):
    app, seat = _scoring_application(request, public_id)
    if app.ruleset_id is None:
        raise _invalid("ruleset", _("Hồ sơ chưa gắn bộ tiêu chí."))
    ruleset = criteria_selectors.ruleset_tree_queryset().get(pk=app.ruleset_id)
    body = _sheet_body(app.sheets.filter(member=seat).first(), app, seat)
    body.update(
        ruleset=ruleset.code, scale_total=ruleset.scale_total, parts=list(ruleset.parts.all())
    )
    return body


@router.put(
    "/applications/{uuid:public_id}/sheet",
    response={200: SheetOut, **ERRORS},
    operation_id="sheet_save",
    summary="Lưu nháp phiếu chấm (gửi phiên bản đã tải; lệch phiên bản: 409)",
)
def sheet_save(request: HttpRequest, public_id: uuid.UUID, payload: SheetSaveIn):
    app, seat = _scoring_application(request, public_id)
    sheet = council_services.sheet_save(
        actor=request.actor,
        application=app,
        member=seat,
        answers=_answers_in(payload.answers),
        expected_version=payload.version,
    )
    return _sheet_body(sheet, app, seat)


@router.post(
    "/applications/{uuid:public_id}/sheet/submit",
    response={200: SheetOut, **ERRORS},
    operation_id="sheet_submit",
    summary="Nộp phiếu chấm (đủ mọi tiêu chí; sau khi nộp không sửa được)",
)
def sheet_submit(request: HttpRequest, public_id: uuid.UUID, payload: SheetSubmitIn):
    app, seat = _scoring_application(request, public_id)
    sheet = app.sheets.filter(member=seat).first()
    if sheet is None:
        raise council_services.SheetInvalid.from_dict(
            {"answers": [str(_("Phiếu chấm chưa có tiêu chí nào được chấm."))]}
        )
    sheet = council_services.sheet_submit(
        actor=request.actor, sheet=sheet, expected_version=payload.version
    )
    return _sheet_body(sheet, app, seat)


@router.get(
    "/applications/{uuid:public_id}/sheets",
    response={200: list[SheetOut], **ERRORS},
    operation_id="sheet_list",
    summary="Phiếu chấm của các thành viên (chủ tịch, thư ký, cán bộ tỉnh)",
)
def sheet_list(request: HttpRequest, public_id: uuid.UUID):
    app = _council_application(request, public_id)
    council = _council_of(app.round)
    if not (
        council_services.can_return_sheet(request.actor, council)
        or council_services.can_finalise_score(request.actor, council)
    ):
        raise PermissionDenied()
    sheets = app.sheets.select_related("member").order_by("member__role", "member_id")
    return [_sheet_body(sheet, app, sheet.member) for sheet in sheets]


@router.post(
    "/applications/{uuid:public_id}/sheets/{int:member_id}/return",
    response={200: SheetOut, **ERRORS},
    operation_id="sheet_return",
    summary="Chủ tịch hội đồng trả lại phiếu để chấm lại, nêu lý do",
)
def sheet_return(request: HttpRequest, public_id: uuid.UUID, member_id: int, payload: ReasonIn):
    app = _council_application(request, public_id)
    member = _member(_council_of(app.round), member_id)
    sheet = app.sheets.filter(member=member).first()
    if sheet is None:
        raise NotFound()
    sheet = council_services.sheet_return(actor=request.actor, sheet=sheet, reason=payload.reason)
    return _sheet_body(sheet, app, member)


@router.post(
    "/applications/{uuid:public_id}/sheets/{int:member_id}/paper",
    response={200: SheetOut, **ERRORS},
    operation_id="sheet_enter_paper",
    summary="Thư ký nhập phiếu chấm giấy có chữ ký (kèm bản quét)",
)
def sheet_enter_paper(
    request: HttpRequest,
    public_id: uuid.UUID,
    member_id: int,
    scan: File[UploadedFile],
    answers: Form[str],
    version: Form[int | None] = None,
):
    app = _council_application(request, public_id)
    member = _member(_council_of(app.round), member_id)
    try:
        raw = json.loads(answers)
        if not isinstance(raw, dict):
            raise ValueError
        parsed = {
            str(code): (str(v["option"]), str(v.get("comment", "")))
            if isinstance(v, dict)
            else str(v)
            for code, v in raw.items()
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise _invalid(
            "answers",
            _('Phương án chấm phải là JSON: {"mã tiêu chí": {"option": "mã phương án"}}.'),
        ) from exc
    sheet = council_services.sheet_enter_paper(
        actor=request.actor,
        application=app,
        member=member,
        answers=parsed,
        scan_upload=scan,
        expected_version=version,
    )
    return _sheet_body(sheet, app, member)


@router.post(
    "/applications/{uuid:public_id}/finalise",
    response={200: ApplicationOut, **ERRORS},
    operation_id="application_score_finalise",
    summary="Chốt điểm: điểm trung bình của các thành viên, hạng sao, kết quả",
)
def application_score_finalise(request: HttpRequest, public_id: uuid.UUID):
    app = _council_application(request, public_id)
    return council_services.application_score_finalise(actor=request.actor, application=app)


@router.post(
    "/applications/{uuid:public_id}/national",
    response={200: ApplicationOut, **ERRORS},
    operation_id="application_record_national",
    summary="Ghi nhận kết quả đánh giá của Trung ương cho sản phẩm tiềm năng 5 sao",
)
def application_record_national(request: HttpRequest, public_id: uuid.UUID, payload: NationalIn):
    app = _application(request, public_id)
    return results.application_record_national(
        actor=request.actor,
        application=app,
        stars=payload.stars,
        decision_number=payload.decision_number,
        decided_on=payload.decided_on,
    )


# --- results -----------------------------------------------------------------------------------
@router.get(
    "/rounds/{uuid:public_id}/minutes.pdf",
    response={200: None, **ERRORS},
    operation_id="council_minutes_pdf",
    summary="Biên bản họp hội đồng (PDF)",
)
def council_minutes_pdf(request: HttpRequest, public_id: uuid.UUID):
    council = _visible_council(request, public_id)
    require(request.actor, council_services.can_finalise_score, council)
    response = HttpResponse(pdf.council_minutes_pdf(council.round), content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="bien-ban-{public_id}.pdf"'
    return response


@router.get(
    "/rounds/{uuid:public_id}/decisions",
    response={200: list[DecisionOut], **ERRORS},
    operation_id="decision_list",
    summary="Quyết định công nhận của đợt (chưa công bố: chỉ cán bộ tỉnh)",
)
def decision_list(request: HttpRequest, public_id: uuid.UUID):
    rnd = _round(request, public_id)
    qs = rnd.decisions.select_related("round").order_by("-signed_on", "-id")
    if not results.can_record_decision(request.actor, rnd):
        qs = qs.filter(published_at__isnull=False)
    return list(qs)


@router.post(
    "/rounds/{uuid:public_id}/decisions",
    response={201: DecisionOut, **ERRORS},
    operation_id="decision_record",
    summary="Ghi quyết định công nhận đã ký (số, ngày, danh sách hồ sơ)",
)
def decision_record(request: HttpRequest, public_id: uuid.UUID, payload: DecisionRecordIn):
    rnd = _round(request, public_id)
    require(request.actor, results.can_record_decision, rnd)
    wanted = set(payload.applications)
    applications = list(rnd.applications.filter(public_id__in=wanted))
    if len(applications) != len(wanted):
        raise _invalid("applications", _("Có hồ sơ không thuộc đợt này."))
    decision = results.decision_record(
        actor=request.actor,
        round=rnd,
        applications=applications,
        **payload.dict(exclude={"applications"}),
    )
    return Status(201, decision)


@router.post(
    "/rounds/{uuid:public_id}/decisions/{uuid:decision_id}/publish",
    response={200: DecisionOut, **ERRORS},
    operation_id="decision_publish",
    summary="Công bố quyết định công nhận",
)
def decision_publish(request: HttpRequest, public_id: uuid.UUID, decision_id: uuid.UUID):
    rnd = _round(request, public_id)
    decision = rnd.decisions.filter(public_id=decision_id).first()
    if decision is None:
        raise NotFound()
    return results.decision_publish(actor=request.actor, decision=decision)
