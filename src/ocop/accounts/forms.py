"""Forms only shape input; rules live in the services (their errors are shown on the fields)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts import passwords, policies, selectors, services
from ocop.accounts.constants import Role
from ocop.core.actor import Actor
from ocop.core.errors import DomainError, ValidationFailed


def apply_errors(form: forms.Form, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's error on the form: on the named fields, else above the form."""
    aliases = aliases or {}
    items = exc.errors if isinstance(exc, ValidationFailed) and exc.errors else []
    if not items:
        form.add_error(None, exc.detail)
        return
    for item in items:
        loc = item.get("loc") or ["__all__"]
        field = aliases.get(str(loc[-1]), str(loc[-1]))
        form.add_error(field if field in form.fields else None, str(item.get("message", "")))


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# --- log-in and passwords ----------------------------------------------------------------------------


class LoginForm(auth_forms.AuthenticationForm):
    """One message for an unknown account, a wrong password and a locked account."""

    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tên đăng nhập hoặc mật khẩu không đúng."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class _NewPasswordMixin:
    """new_password + new_password_confirm, checked against the configured validators."""

    def _add_password_fields(self) -> None:
        self.fields["new_password"] = forms.CharField(
            label=_("Mật khẩu mới"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=" ".join(passwords.help_texts()),
        )
        self.fields["new_password_confirm"] = forms.CharField(
            label=_("Nhập lại mật khẩu mới"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        )

    def _check_confirmation(self, cleaned: dict) -> None:
        new, again = cleaned.get("new_password"), cleaned.get("new_password_confirm")
        if new and again and new != again:
            self.add_error("new_password_confirm", _("Hai mật khẩu mới không khớp nhau."))


class PasswordChangeForm(_NewPasswordMixin, forms.Form):
    old_password = forms.CharField(
        label=_("Mật khẩu hiện tại"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_password_fields()

    def clean(self):
        cleaned = super().clean()
        self._check_confirmation(cleaned)
        return cleaned


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset request (it answers alike for unknown addresses), labelled in Vietnamese."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Thư điện tử của tài khoản")
        self.fields["email"].widget.attrs.update(autocomplete="email", autofocus=True)


class ResetSetPasswordForm(_NewPasswordMixin, forms.Form):
    """The last step of the reset flow; the password is stored by `services.password_set`."""

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self._add_password_fields()

    def clean(self):
        cleaned = super().clean()
        self._check_confirmation(cleaned)
        new = cleaned.get("new_password")
        if new and not self.errors:
            for problem in passwords.problems(new, self.user):
                self.add_error("new_password", problem["message"])
        return cleaned

    def save(self, commit: bool = True):
        return services.password_set(
            actor=Actor.system("password_reset"),
            user=self.user,
            new_password=self.cleaned_data["new_password"],
            reason="password_reset",
        )


# --- own account ----------------------------------------------------------------------------------


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    title = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    organisation = forms.CharField(label=_("Cơ quan, đơn vị"), max_length=200, required=False)
    preferred_language = forms.ChoiceField(label=_("Ngôn ngữ"), choices=settings.LANGUAGES)

    @classmethod
    def for_user(cls, user, data=None) -> ProfileForm:
        initial = {f: getattr(user, f) for f in services.PROFILE_FIELDS}
        return cls(data, initial=initial)


TOKEN_LIFETIMES = [
    ("30", _("30 ngày")),
    ("90", _("90 ngày")),
    ("365", _("1 năm")),
    ("", _("Không hết hạn")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên mã truy cập"),
        max_length=100,
        help_text=_("Ví dụ: tên hệ thống sẽ dùng mã này."),
    )
    lifetime = forms.ChoiceField(
        label=_("Thời hạn"), choices=TOKEN_LIFETIMES, required=False, initial="90"
    )

    def expires_at(self, now: dt.datetime) -> dt.datetime | None:
        days = self.cleaned_data.get("lifetime")
        return now + dt.timedelta(days=int(days)) if days else None


# --- user administration ------------------------------------------------------------------------


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên, tên đăng nhập, thư điện tử"), required=False)
    role = forms.ChoiceField(label=_("Vai trò"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Tất cả vai trò")), *Role.choices]


class _MembershipFields(forms.Form):
    """Role, unit and period; the province select refreshes the commune options via htmx."""

    role = forms.ChoiceField(label=_("Vai trò"))
    province = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố"), queryset=None, required=False, empty_label=_("— Chọn tỉnh —")
    )
    commune = forms.ModelChoiceField(
        label=_("Xã, phường, đặc khu"),
        queryset=None,
        required=False,
        empty_label=_("— Chọn xã —"),
        help_text=_("Chỉ bắt buộc với cán bộ OCOP xã."),
    )
    valid_from = forms.DateField(label=_("Hiệu lực từ"), required=False, widget=_DateInput())
    valid_to = forms.DateField(
        label=_("Hiệu lực đến"),
        required=False,
        widget=_DateInput(),
        help_text=_("Để trống nếu không thời hạn."),
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=200, required=False)

    def _setup_membership_fields(self, actor: Actor) -> None:
        roles = policies.grantable_roles(actor)
        self.fields["role"].choices = [(r, label) for r, label in Role.choices if r in roles]
        provinces = selectors.province_choices(actor=actor)
        self.fields["province"].queryset = provinces
        province_id = self.data.get(self.add_prefix("province")) if self.is_bound else None
        if not province_id and not policies.is_admin(actor):
            managed = sorted(policies.managed_province_ids(actor))
            province_id = managed[0] if len(managed) == 1 else None
            self.fields["province"].initial = province_id
        self.fields["commune"].queryset = selectors.commune_choices(
            province_id=province_id if str(province_id or "").isdigit() else None
        )
        try:
            options_url = reverse("geo:commune_options")
        except NoReverseMatch:
            options_url = None
        if options_url:
            commune_id = self["commune"].auto_id
            self.fields["province"].widget.attrs.update(
                {
                    "hx-get": options_url,
                    "hx-trigger": "change",
                    "hx-target": f"#{commune_id}",
                    "hx-swap": "innerHTML",
                    "aria-controls": commune_id,
                }
            )

    def membership_data(self) -> dict:
        keys = ("role", "province", "commune", "valid_from", "valid_to", "note")
        return {k: self.cleaned_data.get(k) for k in keys}


class MembershipGrantForm(_MembershipFields):
    def __init__(self, actor: Actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_membership_fields(actor)


class UserCreateForm(_MembershipFields):
    """An official or producer account with its first role."""

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        help_text=_("Chữ, số và các ký tự @ . + - _"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    title = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    organisation = forms.CharField(label=_("Cơ quan, đơn vị"), max_length=200, required=False)
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "username",
        "full_name",
        "email",
        "phone",
        "title",
        "organisation",
        "password",
        "password_confirm",
        "role",
        "province",
        "commune",
        "valid_from",
        "valid_to",
        "note",
    ]

    def __init__(self, actor: Actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_membership_fields(actor)
        self.fields["password"].help_text = " ".join(passwords.help_texts())
        if policies.is_admin(actor):
            self.fields["role"].required = False
            self.fields["role"].choices = [
                ("", _("— Chưa giao vai trò —")),
                *self.fields["role"].choices,
            ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_confirm"):
            self.add_error("password_confirm", _("Hai mật khẩu không khớp nhau."))
        return cleaned

    def account_data(self) -> dict:
        keys = ("username", "full_name", "email", "phone", "title", "organisation", "password")
        data = {k: self.cleaned_data.get(k) or "" for k in keys}
        membership = self.membership_data()
        membership["role"] = membership["role"] or None
        membership["note"] = membership["note"] or ""
        return {**data, **membership}
