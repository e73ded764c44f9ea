"""Forms of the stamp pages. They only shape input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.errors import ValidationFailed
from ocop.stamps.constants import BATCH_MAX, BATCH_MIN, BatchStatus


def apply_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Show a service's ValidationFailed on the form: per field when the form has it."""
    for err in exc.errors or [{"loc": [None], "message": exc.detail}]:
        loc = (err.get("loc") or [None])[-1]
        form.add_error(loc if loc in form.fields else None, err["message"])


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BatchFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả"))] + list(BatchStatus.choices),
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"status": self.cleaned_data.get("status") or None}


class BatchRequestForm(forms.Form):
    product = forms.ChoiceField(label=_("Sản phẩm (có giấy chứng nhận còn hiệu lực)"))
    quantity = forms.IntegerField(label=_("Số lượng tem"), min_value=BATCH_MIN, max_value=BATCH_MAX)
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [
            (str(p.public_id), f"{p.name} — {p.producer.name}") for p in products
        ]


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Ý kiến"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do từ chối"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RangeForm(forms.Form):
    first_number = forms.IntegerField(label=_("Từ số thứ tự tem"), min_value=1)
    last_number = forms.IntegerField(label=_("Đến số thứ tự tem"), min_value=1)


class ActivateForm(RangeForm):
    lot_number = forms.CharField(label=_("Số lô sản xuất"), max_length=20)
    production_date = forms.DateField(label=_("Ngày sản xuất"), widget=DateInput())
    best_before = forms.DateField(label=_("Hạn sử dụng"), widget=DateInput())
    quantity = forms.IntegerField(label=_("Số lượng sản phẩm trong lô"), min_value=1)


class RangeReasonForm(RangeForm):
    reason = forms.CharField(label=_("Lý do"), max_length=2000)
