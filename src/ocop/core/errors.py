"""Domain errors: a stable dotted code, an HTTP status and a translatable message.

The API renders them as RFC 9457 problem+json; HTML views show the same message.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "core.error"
    status = 400
    title = _("Yêu cầu không hợp lệ")
    message = _("Yêu cầu không hợp lệ.")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        status: int | None = None,
        errors: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
        **params: Any,
    ) -> None:
        self.code = code or self.code
        self.status = status or self.status
        self.params = params
        self.errors = errors or []
        # Further JSON-ready members of the problem body (RFC 9457 extension members).
        self.extra = extra or {}
        self._message = message if message is not None else self.message
        super().__init__(self.detail)

    @property
    def detail(self) -> str:
        text = str(self._message)
        if self.params:
            try:
                return text % self.params
            except (KeyError, TypeError, ValueError):
                return text
        return text


class ValidationFailed(DomainError):
    code = "core.validation_failed"
    status = 422
    title = _("Dữ liệu không hợp lệ")
    message = _("Dữ liệu không hợp lệ. Vui lòng kiểm tra các trường được đánh dấu.")

    @classmethod
    def from_dict(cls, field_errors: dict[str, list[str]], **kwargs: Any) -> "ValidationFailed":
        errors = [
            {"loc": [field], "code": "invalid", "message": str(msg)}
            for field, msgs in field_errors.items()
            for msg in msgs
        ]
        return cls(errors=errors, **kwargs)

    def field_errors(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for err in self.errors:
            loc = err.get("loc") or ["__all__"]
            out.setdefault(str(loc[-1]), []).append(err["message"])
        return out


class NotFound(DomainError):
    code = "core.not_found"
    status = 404
    title = _("Không tìm thấy")
    message = _("Không tìm thấy đối tượng hoặc bạn không có quyền xem.")


class PermissionDenied(DomainError):
    code = "core.permission_denied"
    status = 403
    title = _("Không có quyền")
    message = _("Bạn không có quyền thực hiện thao tác này.")


class NotAuthenticated(DomainError):
    code = "core.not_authenticated"
    status = 401
    title = _("Chưa đăng nhập")
    message = _("Vui lòng đăng nhập để tiếp tục.")


class Conflict(DomainError):
    code = "core.conflict"
    status = 409
    title = _("Xung đột dữ liệu")
    message = _("Dữ liệu đã thay đổi hoặc trùng lặp.")


class InvalidTransition(DomainError):
    code = "core.invalid_transition"
    status = 409
    title = _("Không thể chuyển trạng thái")
    message = _("Không thể thực hiện «%(verb)s» khi đang ở trạng thái «%(state)s».")


class RateLimited(DomainError):
    code = "core.rate_limited"
    status = 429
    title = _("Quá nhiều yêu cầu")
    message = _("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau %(retry_after)s giây.")


class ErrorCollector:
    """Run several checks, keep going after a failure, then raise every field error at once."""

    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    @contextmanager
    def field(self) -> Iterator[None]:
        try:
            yield
        except ValidationFailed as exc:
            self.errors.extend(exc.errors)

    def add(self, field: str, message: Any, code: str = "invalid") -> None:
        self.errors.append({"loc": [field], "code": code, "message": str(message)})

    def has(self, field: str) -> bool:
        return any(e["loc"][-1] == field for e in self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(errors=list(self.errors))
