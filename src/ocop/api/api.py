"""The composition root of the JSON API: one NinjaAPI under /api/v1, each app's router mounted.

Every operation requires authentication (session with CSRF, or a bearer token) unless it is in
PUBLIC_OPERATIONS; errors are RFC 9457 problem+json with a stable code.
"""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from ocop.api.auth import default_auth
from ocop.core.errors import DomainError
from ocop.core.problem import from_domain_error, problem_response

api = NinjaAPI(
    title="OCOP API",
    version="1.0.0",
    description="API của hệ thống quản lý Chương trình Mỗi xã một sản phẩm (OCOP) cấp tỉnh.",
    auth=default_auth,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError):
    return from_domain_error(exc)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError):
    errors = [
        {
            "loc": [str(p) for p in err.get("loc", [])],
            "code": str(err.get("type", "invalid")),
            "message": str(err.get("msg", "")),
        }
        for err in exc.errors
    ]
    return problem_response(
        code="core.validation_failed",
        title="Dữ liệu không hợp lệ",
        status=422,
        detail="Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra các trường được nêu.",
        errors=errors,
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError):
    return problem_response(
        code="core.not_authenticated",
        title="Chưa đăng nhập",
        status=401,
        detail="Cần đăng nhập hoặc mã truy cập API hợp lệ.",
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    return problem_response(
        code=f"http.{exc.status_code}",
        title="Lỗi yêu cầu",
        status=exc.status_code,
        detail=str(exc),
    )


from ocop.api import routers  # noqa: E402  (mounts every app's router)

routers.mount(api)
