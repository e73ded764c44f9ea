"""Password rules: Django's configured validators, reported in Vietnamese with stable codes."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ocop.core.errors import ValidationFailed

# Django ships no Vietnamese text for its validators; these replace it, keyed by Django's codes.
_MESSAGES = {
    "password_too_short": _("Mật khẩu quá ngắn: cần ít nhất %(min_length)s ký tự."),
    "password_too_common": _("Mật khẩu quá phổ biến, dễ bị đoán."),
    "password_entirely_numeric": _("Mật khẩu không được chỉ gồm chữ số."),
    "password_too_similar": _("Mật khẩu quá giống thông tin tài khoản (%(verbose_name)s)."),
}


def problems(password: str, user=None) -> list[dict]:
    """Each broken rule as {code, message}; empty when the password is acceptable."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        out = []
        for err in exc.error_list:
            template = _MESSAGES.get(err.code)
            params = err.params or {}
            message = str(template) % params if template is not None else " ".join(err.messages)
            out.append({"code": err.code or "password_invalid", "message": message})
        return out
    return []


def validate(password: str, user=None, *, field: str = "password") -> None:
    """Raise ValidationFailed (code accounts.password_invalid) naming `field` for each problem."""
    found = problems(password or "", user)
    if found:
        raise ValidationFailed(
            code="accounts.password_invalid",
            errors=[{"loc": [field], **p} for p in found],
        )


def help_texts() -> list[str]:
    """What a new password must satisfy, for forms."""
    return [
        str(_("Ít nhất %(n)s ký tự.") % {"n": min_length()}),
        str(_("Không quá phổ biến, không chỉ gồm chữ số, không giống tên đăng nhập hay họ tên.")),
    ]


def min_length() -> int:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return 0
