"""Public verification API, mounted at /api/v1/public (no log-in).

`GET /verify/{code}` answers what the /v/<code> page shows, as JSON: 200 for a genuine code
(whatever its certificate's status, which the body states), problem+json otherwise — 400 for a
malformed code, 404 for an unknown, forged, tampered or not activated one, 410 for a voided one,
429 with Retry-After when the client address is over its limit. At most two SELECTs, no write.
"""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from ninja import Router, Schema

from ocop.core.access import access
from ocop.core.memo import Memo
from ocop.core.middleware import accepts_nul
from ocop.core.problem import CONTENT_TYPE as PROBLEM_CONTENT_TYPE
from ocop.core.problem import problem_body, problem_response
from ocop.core.schemas import ProblemOut
from ocop.stamps import verify
from ocop.stamps.models_scan import ScanChannel

router = Router(tags=["public"])


class VerifiedProductOut(Schema):
    name: str
    code: str
    stars: int | None
    producer: str
    commune: str
    province: str


class VerifiedCertificateOut(Schema):
    number: str
    status: str
    status_label: str
    valid_until: dt.date | None
    reason: str


class VerifiedLotOut(Schema):
    number: str
    production_date: dt.date | None
    best_before: dt.date | None


class ScanSummaryOut(Schema):
    count: int
    first_at: dt.datetime | None
    first_place: str


class VerificationOut(Schema):
    """The answer for a genuine code; `valid` is true only while its certificate is in force."""

    outcome: str
    genuine: bool
    valid: bool
    message: str
    serial: str | None
    product: VerifiedProductOut | None
    certificate: VerifiedCertificateOut | None
    lot: VerifiedLotOut | None
    scans: ScanSummaryOut | None


class VerificationProblemOut(ProblemOut):
    outcome: str
    genuine: bool


NO_STORE = "no-store"
NO_STORE_HEADERS = {"Cache-Control": NO_STORE}


@router.get(
    "/verify/{code}",
    response={
        200: VerificationOut,
        400: VerificationProblemOut,
        404: VerificationProblemOut,
        410: VerificationProblemOut,
        429: ProblemOut,
    },
    auth=None,
    operation_id="stamp_verify",
    summary="Xác thực một mã tem OCOP (công khai)",
    description=(
        "Kiểm tra chữ ký của mã trước (mã giả mạo không tốn truy vấn), sau đó tra sổ đăng ký tem "
        "và trạng thái hiện tại của giấy chứng nhận. Tham số `tinh` (mã tỉnh, không bắt buộc) "
        "ghi nhận nơi quét ở mức tỉnh."
    ),
)
def stamp_verify(request: HttpRequest, code: str, tinh: str | None = None):
    # Documents the operation; requests are answered by `verify_api` below, which the site's
    # URLconf mounts on the same path ahead of the API (see its docstring).
    return verification_response(request, code)


def verification_response(request: HttpRequest, code: str) -> HttpResponse:
    """The JSON answer for one code (the operation documented above)."""
    result = verify.answer(request, token=code, channel=ScanChannel.API)
    if isinstance(result, int):
        return problem_response(
            code="core.rate_limited",
            title=_("Quá nhiều yêu cầu"),
            status=429,
            detail=_("Bạn đã xác thực quá nhiều mã. Vui lòng thử lại sau %(n)s giây.")
            % {"n": result},
            headers={"Retry-After": str(result), "Cache-Control": NO_STORE},
        )
    # The charset and the headers given at construction: the response does not read the
    # charset setting or set each header again (~2–5 µs of a forged code's answer).
    status = result.http_status
    if status == 200:
        return HttpResponse(
            genuine_json(result),
            content_type="application/json",
            charset="utf-8",
            headers=NO_STORE_HEADERS,
        )
    response = HttpResponse(
        _problem_json(result),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        charset="utf-8",
        headers=NO_STORE_HEADERS,
    )
    return verify.unlogged(response)


# The answer for a genuine code, kept in pieces per certificate, status, lot and language: only
# the serial and the code's counters differ between the codes of one lot.
_SERIAL_MARK, _SCANS_MARK = "\x00serial", "\x00scans"
_GENUINE_PIECES = Memo(4096)


def genuine_json(result: verify.Verdict) -> str:
    """`json.dumps(result.as_dict(), ensure_ascii=False)` for a genuine code (tested equal),
    without building and encoding the whole answer for every scan: the JSON around the serial
    and the counters is built once per certificate, status, lot and language (~35 µs a scan)."""
    if result.serial is None or not result.genuine:
        return json.dumps(result.as_dict(), ensure_ascii=False)
    key = result.shown
    pieces = _GENUINE_PIECES.get(key)
    if pieces is None:
        body = result.as_dict()
        body["serial"], body["scans"] = _SERIAL_MARK, _SCANS_MARK
        text = json.dumps(body, ensure_ascii=False)
        head, rest = text.split(json.dumps(_SERIAL_MARK), 1)
        middle, tail = rest.split(json.dumps(_SCANS_MARK), 1)
        pieces = _GENUINE_PIECES.keep(key, (head, middle, tail))
    head, middle, tail = pieces
    first_at = result.first_scanned_at
    scans = (
        f'{{"count": {int(result.scan_count)}, "first_at": '
        f"{json.dumps(verify.iso(first_at)) if first_at is not None else 'null'}, "
        f'"first_place": {json.dumps(result.first_scanned_place, ensure_ascii=False)}}}'
    )
    serial = result.human_serial
    return f"{head}{json.dumps(serial) if serial else 'null'}{middle}{scans}{tail}"


def _problem_json(result: verify.Verdict) -> str:
    """The problem+json body of a code that is not genuine: the same for every code with the
    same outcome and language, so it is built once per process (forged codes come in bursts)."""

    def build() -> str:
        body = problem_body(
            code=result.error_code,
            title=_("Không phải tem thật / không hợp lệ"),
            status=result.http_status,
            detail=result.headline,
            outcome=result.outcome,
            genuine=False,
        )
        return json.dumps(body, ensure_ascii=False)

    return verify.translated_once("problem", result.outcome, build, result.language)


@accepts_nul
@access.public
@require_GET
def verify_api(request: HttpRequest, code: str) -> HttpResponse:
    """GET /api/v1/public/verify/<code> as a plain Django view, mounted ahead of the API.

    The answer is the operation's above, byte for byte (tested against the OpenAPI schema); the
    API framework's dispatch (operation lookup, parameter models, response wrapping) cost as much
    CPU as the rest of the verification, and this path is the one consumers hammer. Other
    methods get the API's 405 problem+json (ApiProblemMiddleware)."""
    return verification_response(request, code)
