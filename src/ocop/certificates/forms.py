"""Forms of the certificates pages. They only shape input; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.certificates import grounds, selectors
from ocop.certificates.constants import CertificateStatus, GroundAction
from ocop.core.errors import ValidationFailed

STAR_CHOICES = [("", _("Tất cả")), ("3", "3★"), ("4", "4★"), ("5", "5★")]


def apply_errors(form: forms.Form, exc: ValidationFailed) -> None:
    for err in exc.errors or [{"loc": [None], "message": exc.detail}]:
        loc = (err.get("loc") or [None])[-1]
        form.add_error(loc if loc in form.fields else None, err["message"])


class CertificateFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *CertificateStatus.choices],
    )
    stars = forms.ChoiceField(label=_("Hạng sao"), required=False, choices=STAR_CHOICES)
    commune = forms.ChoiceField(label=_("Xã"), required=False)
    year = forms.ChoiceField(label=_("Năm"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Số GCN, mã, tên sản phẩm, chủ thể")
        self.fields["commune"].choices = [
            ("", _("Tất cả")),
            *selectors.certificate_commune_choices(actor=actor),
        ]
        self.fields["year"].choices = [
            ("", _("Tất cả")),
            *[(str(y), str(y)) for y in selectors.certificate_year_choices(actor=actor)],
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class _GroundForm(forms.Form):
    action: str = GroundAction.REVOKE
    legal_ground = forms.ChoiceField(label=_("Căn cứ pháp lý"))
    public_reason = forms.CharField(
        label=_("Lý do công khai"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Hiển thị trên trang tra cứu công khai và khi quét tem."),
    )
    internal_note = forms.CharField(
        label=_("Ghi chú nội bộ"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_ground"].choices = [
            ("", "---------"),
            *[(g.code, g.name) for g in grounds.grounds_for(self.action)],
        ]


class SuspendForm(_GroundForm):
    action = GroundAction.SUSPEND
    prefix = "suspend"


class RevokeForm(_GroundForm):
    action = GroundAction.REVOKE
    prefix = "revoke"
    revocation_decision = forms.CharField(
        label=_("Số quyết định thu hồi"), required=False, max_length=100
    )


class ReinstateForm(forms.Form):
    prefix = "reinstate"
    public_reason = forms.CharField(
        label=_("Lý do khôi phục (công khai)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    internal_note = forms.CharField(
        label=_("Ghi chú nội bộ"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IssueFromDecisionForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Tôi đã kiểm tra danh sách và đồng ý cấp giấy chứng nhận"), required=True
    )
