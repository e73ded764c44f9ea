"""Forms of the products pages. They only shape input; the rules live in the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core import clock
from ocop.core.errors import ValidationFailed
from ocop.products import selectors
from ocop.products.constants import TEXT_MAX_LENGTH, CycleStep, ProductDocumentKind, ProductStatus
from ocop.products.models import ProductSet

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Show a service's ValidationFailed on the form: per field when the form has it."""
    for err in exc.errors or [{"loc": [None], "message": exc.detail}]:
        loc = (err.get("loc") or [None])[-1]
        form.add_error(loc if loc in form.fields else None, err["message"])


def grouped_set_choices(sets: Iterable[ProductSet], *, with_classification: bool = False) -> list:
    """Choices grouped by "sector → group" (optgroups), values are product-set codes."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for ps in sets:
        group = ps.group
        label = f"{group.sector.code}. {group.sector.name_vi} → {group.code} {group.name_vi}"
        if with_classification:
            label = f"{ps.classification.code} · {label}"
        groups.setdefault(label, []).append((ps.code, f"{ps.code} · {ps.name_vi}"))
    return list(groups.items())


class ProductSetField(forms.ChoiceField):
    """A product set chosen by code among the given sets; cleans to the ProductSet."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sets: dict[str, ProductSet] = {}

    def set_sets(self, sets: Iterable[ProductSet], **kwargs: Any) -> None:
        self.sets = {ps.code: ps for ps in sets}
        self.choices = [("", "---------"), *grouped_set_choices(self.sets.values(), **kwargs)]

    def clean(self, value: Any) -> ProductSet | None:
        code = super().clean(value)
        return self.sets.get(code) if code else None

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, ProductSet) else value


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=200)
    product_set = forms.ChoiceField(label=_("Bộ sản phẩm"), required=False)
    commune = forms.ChoiceField(label=_("Xã"), required=False)
    cycle_step = forms.ChoiceField(
        label=_("Bước chu trình"),
        required=False,
        choices=[("", _("Tất cả")), *CycleStep.choices],
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *ProductStatus.choices]
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Tên hoặc mã sản phẩm")
        self.fields["product_set"].choices = [
            ("", _("Tất cả")),
            *grouped_set_choices(selectors.product_set_list(), with_classification=True),
        ]
        self.fields["commune"].choices = [
            ("", _("Tất cả")),
            *selectors.product_commune_choices(actor=actor),
        ]

    def filters(self) -> dict[str, Any]:
        """Valid filters only; an invalid one is dropped (shown as an error on the bar)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v}


class ProductFieldsForm(forms.Form):
    """The facts shared by the create and edit forms."""

    name = forms.CharField(label=_("Tên sản phẩm"), max_length=255)
    product_set = ProductSetField(
        label=_("Bộ sản phẩm"),
        help_text=_("Theo hệ thống phân loại có hiệu lực vào ngày đăng ký (ngành → nhóm → bộ)."),
    )
    registered_on = forms.DateField(label=_("Ngày đăng ký"), widget=DATE_INPUT)
    packaging = forms.CharField(label=_("Quy cách đóng gói"), max_length=255, required=False)
    gtin = forms.CharField(
        label=_("Mã GTIN (mã vạch)"),
        max_length=14,
        required=False,
        help_text=_("GTIN-8, 12, 13 hoặc 14 chữ số; để trống nếu chưa có."),
    )
    base_standard = forms.CharField(
        label=_("Tiêu chuẩn cơ sở (TCCS) đã công bố"),
        max_length=100,
        required=False,
        help_text=_("Số hiệu, ví dụ TCCS 01:2025/HTX."),
    )
    description = forms.CharField(
        label=_("Mô tả"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
    story = forms.CharField(
        label=_("Câu chuyện sản phẩm"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
    raw_material_area = forms.CharField(
        label=_("Vùng nguyên liệu"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
    label_text = forms.CharField(
        label=_("Nội dung nhãn"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
    is_key_product = forms.BooleanField(label=_("Sản phẩm chủ lực"), required=False)
    is_traditional = forms.BooleanField(label=_("Sản phẩm truyền thống, đặc sản"), required=False)


class ProductCreateForm(ProductFieldsForm):
    producer = forms.ModelChoiceField(label=_("Chủ thể"), queryset=None, to_field_name="public_id")
    field_order = ["producer", "name", "registered_on", "product_set"]

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = selectors.producer_choices(actor=actor)
        self.fields["producer"].label_from_instance = lambda p: f"{p.name} ({p.commune.name})"
        self.initial.setdefault("registered_on", clock.today())
        on = self._registration_date()
        self.fields["product_set"].set_sets(selectors.product_sets_for(on=on))

    def _registration_date(self) -> dt.date:
        raw = self.data.get(self.add_prefix("registered_on")) if self.is_bound else None
        try:
            return dt.date.fromisoformat(raw) if raw else clock.today()
        except ValueError:
            return clock.today()


class ProductEditForm(ProductFieldsForm):
    def __init__(self, *args: Any, product: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(product, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        classification = product.product_set.classification.code
        self.fields["product_set"].set_sets(
            selectors.product_set_list(classification=classification)
        )


class ProductImageForm(forms.Form):
    file = forms.FileField(label=_("Ảnh (JPEG, PNG)"))
    caption = forms.CharField(label=_("Chú thích"), max_length=255, required=False)
    is_registered_design = forms.BooleanField(
        label=_("Mẫu mã đăng ký đánh giá"),
        required=False,
        help_text=_("Đánh dấu ảnh bao bì, nhãn đã đăng ký để đối chiếu khi hậu kiểm."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = "image/jpeg,image/png"


class ProductDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại tài liệu"), choices=ProductDocumentKind.choices)
    file = forms.FileField(label=_("Tệp (PDF, DOCX, XLSX, JPEG, PNG)"))
    title = forms.CharField(label=_("Tiêu đề"), max_length=255, required=False)
    standard_code = forms.CharField(
        label=_("Số hiệu TCCS"),
        max_length=100,
        required=False,
        help_text=_("Bắt buộc với tài liệu tiêu chuẩn cơ sở nếu sản phẩm chưa có số hiệu."),
    )


class ProductCycleStepForm(forms.Form):
    cycle_step = forms.ChoiceField(label=_("Bước chu trình"), choices=CycleStep.choices)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class ProductRetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do ngừng theo dõi"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
