"""Problem+json for everything under /api/v1: errors raised by endpoints and errors Django raises.

Endpoints raise DomainErrors (rendered by the handlers in api.py). Whatever else answers an API
path with an error (an unknown path, a wrong method, an unexpected exception, the CSRF guard) is
rewritten here into the same shape, with a stable code and a Vietnamese message (English when
the request asks for it: LocaleMiddleware activates the request language before this runs).
"""

from __future__ import annotations

import json
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from ocop.core.problem import CONTENT_TYPE, problem_body, problem_response

API_PREFIX = "/api/v1/"
RETRY_AFTER_UNAVAILABLE = 5  # seconds; the database connect timeout is 2 s

# status -> (code, title, detail)
STATUS_PROBLEMS = {
    400: (
        "core.bad_request",
        _("Yêu cầu không hợp lệ"),
        _("Yêu cầu không hợp lệ hoặc không đọc được."),
    ),
    401: (
        "core.not_authenticated",
        _("Chưa đăng nhập"),
        _("Cần đăng nhập hoặc mã truy cập API hợp lệ."),
    ),
    403: (
        "core.permission_denied",
        _("Không có quyền"),
        _("Bạn không có quyền thực hiện thao tác này."),
    ),
    404: (
        "core.not_found",
        _("Không tìm thấy"),
        _("Không có tài nguyên nào ở địa chỉ này hoặc bạn không có quyền xem."),
    ),
    405: (
        "core.method_not_allowed",
        _("Phương thức không được hỗ trợ"),
        _("Địa chỉ này không hỗ trợ phương thức %(method)s."),
    ),
    413: (
        "core.request_too_large",
        _("Yêu cầu quá lớn"),
        _("Dữ liệu gửi lên vượt quá kích thước cho phép."),
    ),
    429: (
        "core.rate_limited",
        _("Quá nhiều yêu cầu"),
        _("Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau."),
    ),
    500: (
        "core.internal_error",
        _("Lỗi hệ thống"),
        _("Đã xảy ra lỗi không mong muốn. Lỗi đã được ghi lại; vui lòng thử lại sau."),
    ),
    503: (
        "core.unavailable",
        _("Hệ thống tạm thời không sẵn sàng"),
        _("Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau ít phút."),
    ),
}
CSRF_FAILED = (
    "core.csrf_failed",
    _("Không có quyền"),
    _("Thiếu hoặc sai mã chống giả mạo (CSRF). Hãy tải lại trang rồi thử lại."),
)


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def _status_body(request: HttpRequest, status: int, code: str | None = None) -> dict:
    known_code, title, detail = STATUS_PROBLEMS.get(status, STATUS_PROBLEMS[400])
    if status not in STATUS_PROBLEMS:
        known_code = f"http.{status}"
    return problem_body(
        code=code or known_code,
        title=str(title),
        status=status,
        detail=str(detail) % {"method": request.method},
    )


def status_problem(
    request: HttpRequest, status: int, *, code: str | None = None, headers=None
) -> HttpResponse:
    """A problem+json response for a bare HTTP status (no domain error behind it)."""
    body = _status_body(request, status, code)
    return problem_response(
        code=body["code"],
        title=body["title"],
        status=status,
        detail=body["detail"],
        headers=headers,
    )


def csrf_problem() -> HttpResponse:
    code, title, detail = CSRF_FAILED
    return problem_response(code=code, title=str(title), status=403, detail=str(detail))


def unavailable_problem(request: HttpRequest) -> HttpResponse:
    return status_problem(request, 503, headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE)})


def _remember_exception(sender, request=None, **kwargs) -> None:
    """Keep the exception Django is turning into a 500, so an outage can answer 503 instead."""
    if request is not None:
        request._ocop_exception = sys.exc_info()[1]


got_request_exception.connect(_remember_exception, dispatch_uid="ocop.api.problems")


def _is_problem(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith(CONTENT_TYPE)


class ApiProblemMiddleware:
    """Rewrite any non-problem error response under /api/v1 into problem+json.

    Catches what never reaches the API's own handlers: unknown paths (Django's 404), a method
    the path does not serve (ninja's bare 405), an exception Django turned into its 500 page.
    The original body is dropped so no internals leak; the exception was already logged by
    Django's request handler.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api_path(request.path)
            or _is_problem(response)
            or getattr(response, "streaming", False)
        ):
            return response
        # Rewrite in place: headers set by inner middleware (CSP, X-Frame-Options, Allow) stay.
        status = response.status_code
        if status == 500 and isinstance(
            getattr(request, "_ocop_exception", None), OperationalError | InterfaceError
        ):
            status = response.status_code = 503
            response["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
        body = _status_body(request, status)
        response.content = json.dumps(body, ensure_ascii=False).encode()
        response["Content-Type"] = CONTENT_TYPE
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
