"""Domain errors of the accounts app (stable codes under `accounts.`)."""

from django.utils.translation import gettext_lazy as _

from ocop.core.errors import Conflict, PermissionDenied, ValidationFailed


def invalid(field: str, code: str, message) -> ValidationFailed:
    """A 422 naming one field, with the field's code as the error's code."""
    return ValidationFailed(
        code=f"accounts.{code}",
        errors=[{"loc": [field], "code": code, "message": message}],
    )


class RoleNotGrantable(PermissionDenied):
    code = "accounts.role_not_grantable"
    message = _("Bạn không được giao vai trò «%(role)s» tại đơn vị này.")


class MembershipAlreadyEnded(Conflict):
    code = "accounts.membership_already_ended"
    message = _("Vai trò này đã hết hiệu lực.")


class CannotDeactivateSelf(Conflict):
    code = "accounts.cannot_deactivate_self"
    message = _("Bạn không thể tự khoá tài khoản của mình.")


class UserAlreadyInState(Conflict):
    code = "accounts.user_state_unchanged"
    message = _("Tài khoản đã ở trạng thái này.")


class TooManyTokens(Conflict):
    code = "accounts.too_many_tokens"
    message = _("Mỗi tài khoản chỉ giữ tối đa %(limit)s mã truy cập còn hiệu lực.")


class TokenAlreadyRevoked(Conflict):
    code = "accounts.token_already_revoked"
    message = _("Mã truy cập này đã bị thu hồi.")
