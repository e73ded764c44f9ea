"""Forms of the producer pages. They only shape input: the services validate (same rules and
messages as the API), and `apply_errors` puts a service's errors back on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.constants import Role
from ocop.core.actor import Actor
from ocop.core.errors import DomainError
from ocop.geo import selectors as geo_selectors
from ocop.producers.constants import (
    CertificationKind,
    ProducerDocumentKind,
    ProducerKind,
    ProducerStatus,
)

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
BLANK = [("", _("— Tất cả —"))]


def apply_errors(form: forms.Form, exc: DomainError) -> None:
    """Show a service's error on the form: on the named field when the form has it."""
    for err in exc.errors or [{"loc": [None], "message": exc.detail}]:
        loc = (err.get("loc") or [None])[-1]
        form.add_error(loc if loc in form.fields else None, str(err["message"]))


def _provinces(actor: Actor) -> Any:
    """Provinces offered to `actor`: all for central staff, else those of its grants."""
    provinces = geo_selectors.province_list()
    if actor.is_system or actor.has_role(Role.ADMIN):
        return provinces
    return provinces.filter(pk__in=actor.province_ids())


def _home_province(actor: Actor) -> int | None:
    ids = actor.province_ids()
    return next(iter(ids)) if len(ids) == 1 else None


def bind_unit_picker(form: forms.Form) -> None:
    """Let `form.province` refill `form.commune` through htmx (geo's options view) and offer only
    the communes of the chosen province, so validation accepts only those."""
    commune = form["commune"]
    form.fields["province"].widget.attrs.update(
        {
            "hx-get": reverse("geo:commune_options"),
            "hx-target": f"#{commune.auto_id}",
            "hx-trigger": "change",
            "hx-swap": "innerHTML",
        }
    )
    if form.is_bound:
        chosen = form.data.get(form.add_prefix("province"))
    else:
        chosen = form.initial.get("province")
    chosen = str(getattr(chosen, "pk", chosen) or "").strip()
    communes = geo_selectors.commune_list(province_id=int(chosen)) if chosen.isdigit() else None
    form.fields["commune"].queryset = (
        communes if communes is not None else geo_selectors.commune_list().none()
    )


def _date_field(label: Any, *, required: bool) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Ngày/tháng/năm."),
    )


class ProducerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Tên (không cần dấu) hoặc mã số thuế")}
        ),
    )
    kind = forms.ChoiceField(
        label=_("Loại hình"), required=False, choices=BLANK + ProducerKind.choices
    )
    province = forms.ModelChoiceField(label=_("Tỉnh"), required=False, queryset=None)
    commune = forms.ModelChoiceField(label=_("Xã"), required=False, queryset=None)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=BLANK + ProducerStatus.choices
    )

    def __init__(self, data: Any, *, actor: Actor) -> None:
        home = _home_province(actor)
        if home is not None and (data is None or "province" not in data):
            data = data.copy() if data is not None else {}
            data["province"] = str(home)
        super().__init__(data)
        self.fields["province"].queryset = _provinces(actor)
        self.fields["province"].empty_label = _("— Tất cả —")
        bind_unit_picker(self)
        self.fields["commune"].empty_label = _("— Tất cả —")

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for selectors.producer_list from the fields that are valid (a commune
        left over from another province is dropped, the other filters still apply)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or None,
            "kind": data.get("kind") or None,
            "province": data.get("province"),
            "commune": data.get("commune"),
            "status": data.get("status") or None,
        }


class ProducerForm(forms.Form):
    """Create and edit. Lengths, formats and the tax code are checked by the services."""

    kind = forms.ChoiceField(label=_("Loại hình"), choices=ProducerKind.choices)
    name = forms.CharField(label=_("Tên chủ thể"))
    tax_code = forms.CharField(
        label=_("Mã số thuế / số ĐKKD"),
        required=False,
        help_text=_(
            "10 chữ số, chi nhánh dạng NNNNNNNNNN-NNN. Hộ kinh doanh: mã số thuế, số định danh "
            "cá nhân (12 chữ số) hoặc số giấy chứng nhận đăng ký hộ kinh doanh."
        ),
    )
    representative = forms.CharField(label=_("Người đại diện theo pháp luật"))
    representative_title = forms.CharField(label=_("Chức danh người đại diện"), required=False)
    province = forms.ModelChoiceField(label=_("Tỉnh"), required=False, queryset=None)
    commune = forms.ModelChoiceField(
        label=_("Xã, phường, đặc khu"),
        required=False,
        queryset=None,
        help_text=_("Đơn vị hành chính hiện nay (từ 01/07/2025)."),
    )
    address_detail = forms.CharField(label=_("Địa chỉ chi tiết"), required=False)
    legacy_address = forms.CharField(
        label=_("Địa chỉ theo đơn vị hành chính cũ"),
        required=False,
        help_text=_(
            "Ghi như trong hồ sơ cũ, ví dụ «xã …, huyện …, tỉnh …». Nếu không chọn xã, hệ thống "
            "tự xác định xã hiện nay và chỉ chấp nhận khi xác định chắc chắn."
        ),
    )
    phone = forms.CharField(label=_("Điện thoại"), required=False)
    email = forms.CharField(label=_("Thư điện tử"), required=False)
    website = forms.CharField(label=_("Trang web"), required=False)
    founded_year = forms.IntegerField(label=_("Năm thành lập"), required=False)
    members_count = forms.IntegerField(label=_("Số thành viên"), required=False)
    employees_count = forms.IntegerField(label=_("Số lao động"), required=False)
    women_owned = forms.BooleanField(label=_("Do phụ nữ làm chủ"), required=False)
    ethnic_minority_owned = forms.BooleanField(
        label=_("Do người dân tộc thiểu số làm chủ"), required=False
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data: Any = None, *, actor: Actor, producer: Any = None) -> None:
        initial: dict[str, Any] = {}
        if producer is not None:
            initial = {name: getattr(producer, name) for name in self.base_fields}
            initial.update(province=producer.province_id, commune=producer.commune_id)
            initial["tax_code"] = producer.tax_code or ""
        else:
            initial["province"] = _home_province(actor)
            communes = actor.commune_ids(Role.COMMUNE_OFFICER)
            if len(communes) == 1:
                initial["commune"] = next(iter(communes))
        super().__init__(data, initial=initial)
        # Every province is offered; the service refuses units outside the actor's jurisdiction.
        self.fields["province"].queryset = geo_selectors.province_list()
        self.fields["province"].empty_label = _("— Chọn tỉnh —")
        bind_unit_picker(self)
        self.fields["commune"].empty_label = _("— Chọn xã/phường —")

    def service_data(self, *, changed_only: bool) -> dict[str, Any]:
        """Cleaned values for the services; an empty commune leaves the location to the
        legacy address (create) or unchanged (edit)."""
        data = dict(self.cleaned_data)
        if changed_only:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        if not self.cleaned_data.get("commune"):
            data.pop("commune", None)
            data.pop("province", None)
        return data


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại chứng nhận"), choices=CertificationKind.choices)
    kind_other = forms.CharField(
        label=_("Tên chứng nhận khác"), required=False, help_text=_("Khi chọn loại «Khác».")
    )
    number = forms.CharField(label=_("Số chứng nhận"))
    issuer = forms.CharField(label=_("Tổ chức cấp"))
    scope = forms.CharField(label=_("Phạm vi chứng nhận"), required=False)
    valid_from = _date_field(_("Hiệu lực từ"), required=True)
    valid_to = _date_field(_("Hiệu lực đến"), required=False)


class ProducerDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại tài liệu"), choices=ProducerDocumentKind.choices)
    title = forms.CharField(
        label=_("Tiêu đề"), required=False, help_text=_("Bỏ trống để dùng tên tệp.")
    )
    file = forms.FileField(
        label=_("Tệp"),
        help_text=_("PDF, JPEG, PNG, DOCX hoặc XLSX."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )
    replaces = forms.ChoiceField(label=_("Thay thế tài liệu"), required=False)

    def __init__(self, *args: Any, documents: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents = {str(d.public_id): d for d in documents if getattr(d, "is_current", True)}
        self.fields["replaces"].choices = [("", _("— Tài liệu mới —"))] + [
            (key, f"{d.get_kind_display()} · {d.title} (v{d.version})")
            for key, d in self.documents.items()
        ]

    def replaced_document(self) -> Any:
        return self.documents.get(self.cleaned_data.get("replaces") or "")


class ProducerStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái mới"), choices=ProducerStatus.choices)
    reason = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
