"""Forms of the criteria pages: they shape input only; rules live in the loader and services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.criteria.constants import RuleSetStatus


class RuleSetFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả"))] + list(RuleSetStatus.choices),
    )
    product_set = forms.CharField(
        label=_("Bộ sản phẩm"), required=False, max_length=20, help_text=_("Ví dụ QD148-01")
    )
    on = forms.DateField(
        label=_("Hiệu lực vào ngày"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class RuleSetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp bộ tiêu chí"),
        help_text=_(
            "Tệp Excel theo mẫu (.xlsx) hoặc tệp YAML (ocop-criteria/v1), tối đa 2 MB. "
            "Hệ thống kiểm tra trước, chưa lưu gì cho đến khi bạn xác nhận."
        ),
    )


class RuleSetConfirmForm(forms.Form):
    note = forms.CharField(
        label=_("Căn cứ đối chiếu"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Ghi rõ văn bản chính thức đã đối chiếu (số hiệu, phụ lục, trang) và kết quả đối chiếu."
        ),
    )
