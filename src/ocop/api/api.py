"""The composition root of the JSON API: one NinjaAPI under /api/v1, each app's router mounted.

Every operation requires authentication (session with CSRF, or a bearer token) unless it passes
`auth=None` explicitly; errors are RFC 9457 problem+json with a stable code, in Vietnamese unless
the request asks for English (Accept-Language, applied by LocaleMiddleware).
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from ocop.api.auth import CsrfFailed, default_auth
from ocop.api.problems import csrf_problem, status_problem, unavailable_problem
from ocop.core.errors import DomainError
from ocop.core.problem import from_domain_error, problem_response

logger = logging.getLogger("ocop.api")

api = NinjaAPI(
    title="OCOP API",
    version="1.0.0",
    description="API của hệ thống quản lý Chương trình Mỗi xã một sản phẩm (OCOP) cấp tỉnh.",
    auth=default_auth,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _domain_error(request: HttpRequest, exc: DomainError):
    return from_domain_error(exc)


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
        title=_("Dữ liệu không hợp lệ"),
        status=422,
        detail=_("Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra các trường được nêu."),
        errors=errors,
    )


def _auth_error(request: HttpRequest, exc: AuthenticationError):
    return status_problem(request, 401)


def _not_found(request: HttpRequest, exc: Http404):
    return status_problem(request, 404)


def _django_permission_denied(request: HttpRequest, exc: DjangoPermissionDenied):
    return status_problem(request, 403)


def _http_error(request: HttpRequest, exc: HttpError):
    if isinstance(exc, CsrfFailed):
        return csrf_problem()
    return status_problem(request, exc.status_code)


def _unexpected(request: HttpRequest, exc: Exception):
    """Log the exception with its traceback; answer without internals."""
    if isinstance(exc, OperationalError | InterfaceError):
        logger.error(
            "Database unavailable during %s %s", request.method, request.path, exc_info=exc
        )
        return unavailable_problem(request)
    logger.error("Unexpected error during %s %s", request.method, request.path, exc_info=exc)
    return status_problem(request, 500)


HANDLERS = [
    (DomainError, _domain_error),
    (NinjaValidationError, _validation_error),
    (AuthenticationError, _auth_error),
    (Http404, _not_found),
    (DjangoPermissionDenied, _django_permission_denied),
    (HttpError, _http_error),
    (Exception, _unexpected),
]


def install_problem_handlers(target: NinjaAPI) -> None:
    """Render every error of `target` as problem+json (also used by test-only APIs)."""
    for exc_class, handler in HANDLERS:
        target.add_exception_handler(exc_class, handler)


install_problem_handlers(api)

from ocop.api import routers  # noqa: E402  (mounts every app's router)

routers.mount(api)
