"""Forms of the public verification pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.stamps.services_alerts import REPORT_MAX_CHARS


class ProblemReportForm(forms.Form):
    message = forms.CharField(
        label=_("Vấn đề bạn gặp"),
        max_length=REPORT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ví dụ: nơi mua, tem bị bóc dán lại, thông tin trên tem khác với bao bì."),
    )
    contact = forms.CharField(
        label=_("Số điện thoại hoặc e-mail (không bắt buộc)"), max_length=200, required=False
    )


class PlaceForm(forms.Form):
    tinh = forms.ChoiceField(label=_("Tỉnh, thành phố nơi bạn mua hoặc quét mã"), choices=())

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tinh"].choices = [(p.code, p.name) for p in provinces]
