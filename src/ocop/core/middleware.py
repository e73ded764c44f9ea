import contextvars
import uuid

from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware
from django.utils.functional import SimpleLazyObject

from ocop.core import actors

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default=""
)


class RequestIdMiddleware:
    """Tags each request with an ID (kept in audit entries) and attaches a lazy `request.actor`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.request_id = rid
        token = current_request_id.set(rid)
        request.actor = SimpleLazyObject(lambda: actors.actor_for_request(request))
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class DomainErrorMiddleware:
    """Render a DomainError escaping an HTML view as a page with its status and message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from ocop.core.errors import DomainError, NotAuthenticated

        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotAuthenticated):
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        return problem_page(request, exception)


def problem_page(request, error):
    """The HTML page of a DomainError: its title, message, code and status."""
    from django.shortcuts import render

    return render(
        request,
        "errors/problem.html",
        {"error": error, "title": error.title, "detail": error.detail},
        status=error.status,
    )


class CommonMiddleware(DjangoCommonMiddleware):
    """Django's CommonMiddleware, without the slash check for a 404 that a view answered.

    For every 404 Django resolves the path again to decide whether to redirect to the path with
    a slash, which it does only when the path itself resolves to nothing. A path that reached a
    view is valid as it is: the answer is already known, without resolving it once more (the
    public verification answers unknown and forged codes with 404s, at flood rates)."""

    def should_redirect_with_slash(self, request):
        if getattr(request, "resolver_match", None) is not None:
            return False
        return super().should_redirect_with_slash(request)


def accepts_nul(view):
    """Mark a view that answers a NUL in its path itself (NulGuardMiddleware)."""
    view.accepts_nul = True
    return view


class NulGuardMiddleware:
    """A NUL byte in the path: 400 before the view runs.

    No path, code or number of this site holds one, and PostgreSQL refuses it in a query: a view
    that looked a path's code up (a certificate number, a rule set's code, a province) answered
    500 there instead of a clear error. (Query parameters go through forms and filters, which
    refuse or drop NUL themselves.) Views that answer such a path themselves are marked with
    `accepts_nul` (the public verification: a malformed code is an answer, and a scan to log).
    Under /api/v1 the answer becomes problem+json (ApiProblemMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "\x00" not in request.path_info or getattr(view_func, "accepts_nul", False):
            return None
        from django.utils.translation import gettext as _

        from ocop.core.errors import DomainError

        error = DomainError(_("Yêu cầu không hợp lệ hoặc không đọc được."), code="core.bad_request")
        return problem_page(request, error)
