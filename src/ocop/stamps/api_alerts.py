"""Scan alerts over the API, for inspectors, province officers and administrators.

A router of its own; mounted by ocop.api.routers at /api/v1/stamps/alerts.
"""

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from ocop.core.access import require
from ocop.core.schemas import ProblemOut
from ocop.stamps import policies_alerts, selectors_alerts, services_alerts

router = Router(tags=["stamps"])


class AlertOut(Schema):
    public_id: uuid.UUID
    kind: str
    status: str
    province: str | None = Field(None, alias="province.code")
    stamp_serial: int | None
    summary: str
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    occurrences: int
    evidence: list[dict]
    note: str


class AlertFilter(Schema):
    status: str = ""
    kind: str = ""


class AlertNoteIn(Schema):
    note: str = Field("", max_length=services_alerts.REPORT_MAX_CHARS)


@router.get(
    "",
    response={200: list[AlertOut], 401: ProblemOut, 403: ProblemOut},
    operation_id="alert_list",
    summary="Danh sách cảnh báo tem trong phạm vi của người dùng",
)
@paginate(PageNumberPagination)
def alert_list(request: HttpRequest, filters: Query[AlertFilter]):
    require(request.actor, policies_alerts.can_view_alerts)
    return selectors_alerts.alert_list(
        actor=request.actor, status=filters.status, kind=filters.kind
    )


@router.post(
    "/{public_id}/acknowledge",
    response={200: AlertOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut},
    operation_id="alert_acknowledge",
    summary="Tiếp nhận một cảnh báo",
)
def alert_acknowledge(request: HttpRequest, public_id: uuid.UUID, payload: AlertNoteIn):
    alert = selectors_alerts.alert_get(actor=request.actor, public_id=public_id)
    return services_alerts.alert_acknowledge(actor=request.actor, alert=alert, note=payload.note)


@router.post(
    "/{public_id}/close",
    response={200: AlertOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut},
    operation_id="alert_close",
    summary="Đóng một cảnh báo",
)
def alert_close(request: HttpRequest, public_id: uuid.UUID, payload: AlertNoteIn):
    alert = selectors_alerts.alert_get(actor=request.actor, public_id=public_id)
    return services_alerts.alert_close(actor=request.actor, alert=alert, note=payload.note)
