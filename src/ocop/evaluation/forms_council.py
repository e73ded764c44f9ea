"""Forms of the council pages. They only shape input; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.errors import ValidationFailed
from ocop.evaluation.constants import CouncilRole, Level

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Show a service's ValidationFailed on the form: per field when the form has it."""
    for err in exc.errors or [{"loc": [None], "message": exc.detail}]:
        loc = (err.get("loc") or [None])[-1]
        form.add_error(loc if loc in form.fields else None, err["message"])


class CouncilForm(forms.Form):
    name = forms.CharField(label=_("Tên hội đồng"), max_length=300)
    establishing_decision = forms.CharField(
        label=_("Quyết định thành lập"), max_length=100, required=False
    )
    established_on = forms.DateField(label=_("Ngày thành lập"), required=False, widget=DATE_INPUT)


class MemberForm(forms.Form):
    username = forms.CharField(
        label=_("Tài khoản"),
        max_length=150,
        help_text=_("Tên đăng nhập của người được cử vào hội đồng."),
    )
    role = forms.ChoiceField(label=_("Vai trò"), choices=CouncilRole.choices)
    organisation = forms.CharField(label=_("Cơ quan"), max_length=200, required=False)
    is_external = forms.BooleanField(label=_("Chuyên gia bên ngoài"), required=False)
    valid_from = forms.DateField(label=_("Từ ngày"), widget=DATE_INPUT)
    valid_to = forms.DateField(label=_("Đến ngày"), widget=DATE_INPUT)

    def __init__(self, *args: Any, find_user=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.find_user = find_user

    def clean_username(self) -> Any:
        user = self.find_user(self.cleaned_data["username"]) if self.find_user else None
        if user is None:
            raise forms.ValidationError(_("Không tìm thấy tài khoản đang hoạt động có tên này."))
        return user


class AssignmentForm(forms.Form):
    """The checkbox grid: each box is "<member id>:<application id>"."""

    pairs = forms.MultipleChoiceField(
        label=_("Phân công"), required=True, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pairs"].choices = list(choices)
        self.fields["pairs"].error_messages["required"] = _("Chọn ít nhất một ô phân công.")


class ConflictForm(forms.Form):
    application = forms.UUIDField(widget=forms.HiddenInput)
    has_conflict = forms.TypedChoiceField(
        label=_("Xung đột lợi ích"),
        choices=[("0", _("Không có xung đột")), ("1", _("Có xung đột, xin không chấm"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Lý do"), required=False, max_length=1000)


class ReturnForm(forms.Form):
    application = forms.UUIDField(widget=forms.HiddenInput)
    member = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Lý do chấm lại"), max_length=1000)


class FinaliseForm(forms.Form):
    application = forms.UUIDField(widget=forms.HiddenInput)


class PaperScanForm(forms.Form):
    scan = forms.FileField(
        label=_("Bản quét phiếu chấm có chữ ký"),
        help_text=_("PDF, JPEG hoặc PNG."),
        required=False,
    )


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=100)
    signed_on = forms.DateField(label=_("Ngày ký"), widget=DATE_INPUT)
    signer = forms.CharField(label=_("Người ký"), max_length=200)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    level = forms.ChoiceField(label=_("Cấp"), choices=Level.choices, initial=Level.PROVINCE)
    applications = forms.MultipleChoiceField(
        label=_("Sản phẩm được công nhận"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidates=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(a.public_id): a for a in candidates}
        self.fields["applications"].choices = [
            (
                key,
                f"{a.product} — {a.score if a.score is not None else '—'} ({a.stars or '—'}★)",
            )
            for key, a in self.candidates.items()
        ]
        self.fields["applications"].error_messages["required"] = _("Chọn ít nhất một hồ sơ.")

    def clean_applications(self) -> list:
        return [self.candidates[key] for key in self.cleaned_data["applications"]]


class FieldVisitForm(forms.Form):
    application = forms.ChoiceField(label=_("Hồ sơ"))
    visited_on = forms.DateField(label=_("Ngày khảo sát"), widget=DATE_INPUT)
    members = forms.MultipleChoiceField(
        label=_("Thành viên đi khảo sát"), widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("Nội dung ghi nhận"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(
        label=_("Biên bản khảo sát"), required=False, help_text=_("PDF, JPEG hoặc PNG.")
    )

    def __init__(self, *args: Any, applications=(), members=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applications = {str(a.public_id): a for a in applications}
        self.seats = {str(m.pk): m for m in members}
        self.fields["application"].choices = [
            ("", "---------"),
            *[(key, f"{a.product} — {a.producer}") for key, a in self.applications.items()],
        ]
        self.fields["members"].choices = [
            (key, f"{m.user} ({m.get_role_display()})") for key, m in self.seats.items()
        ]

    def clean_application(self) -> Any:
        return self.applications[self.cleaned_data["application"]]

    def clean_members(self) -> list:
        return [self.seats[key] for key in self.cleaned_data["members"]]
