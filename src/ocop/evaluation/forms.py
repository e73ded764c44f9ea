"""Forms of the evaluation pages (rounds, applications, workflow moves). They only shape input;
the rules live in the services, whose ValidationFailed errors are shown back on the form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.accounts.constants import Role
from ocop.core import clock
from ocop.core.errors import ValidationFailed
from ocop.evaluation import selectors
from ocop.evaluation.constants import ApplicationKind, ApplicationStatus, Level, RoundStatus
from ocop.geo import selectors as geo_selectors
from ocop.geo.models import LegacyDistrict
from ocop.products import selectors as product_selectors
from ocop.products.constants import ProductStatus

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ALL = ("", _("Tất cả"))
YEARS_BACK = 8


def apply_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Show a service's ValidationFailed on the form: per field when the form has it."""
    for err in exc.errors or [{"loc": [None], "message": exc.detail}]:
        loc = (err.get("loc") or [None])[-1]
        form.add_error(loc if loc in form.fields else None, err["message"])


class _FilterForm(forms.Form):
    def filters(self) -> dict[str, Any]:
        """Valid filters only; an invalid value is dropped (and shown on the bar)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v not in (None, "")}


# --- rounds --------------------------------------------------------------------------------------
class RoundFilterForm(_FilterForm):
    year = forms.TypedChoiceField(label=_("Năm"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[ALL, *RoundStatus.choices]
    )
    level = forms.ChoiceField(
        label=_("Cấp tổ chức"),
        required=False,
        choices=[
            ALL,
            (Level.PROVINCE, Level.PROVINCE.label),
            (Level.DISTRICT, Level.DISTRICT.label),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = clock.today().year
        self.fields["year"].choices = [
            ALL,
            *[(y, str(y)) for y in range(this_year + 1, this_year - YEARS_BACK, -1)],
        ]


class RoundCreateForm(forms.Form):
    province = forms.ModelChoiceField(label=_("Tỉnh"), queryset=None, to_field_name="code")
    name = forms.CharField(label=_("Tên đợt"), max_length=200)
    year = forms.IntegerField(label=_("Năm"), min_value=2013, max_value=2100)
    number = forms.IntegerField(label=_("Đợt số"), min_value=1, max_value=99, initial=1)
    process_variant = forms.ModelChoiceField(
        label=_("Quy trình đánh giá"),
        queryset=None,
        to_field_name="code",
        help_text=_("Quy trình phải có hiệu lực vào ngày bắt đầu nhận hồ sơ."),
    )
    level = forms.ChoiceField(
        label=_("Cấp tổ chức"),
        choices=[(Level.PROVINCE, Level.PROVINCE.label), (Level.DISTRICT, Level.DISTRICT.label)],
        initial=Level.PROVINCE,
        help_text=_("Cấp huyện chỉ dùng để nhập các đợt trước 01/07/2025 theo quy trình ba cấp."),
    )
    legacy_district = forms.ModelChoiceField(
        label=_("Huyện (đợt cấp huyện trước 2025)"),
        queryset=None,
        required=False,
        to_field_name="code",
    )
    registration_opens = forms.DateField(label=_("Bắt đầu nhận hồ sơ"), widget=DATE_INPUT)
    registration_cutoff = forms.DateField(label=_("Hạn nộp hồ sơ"), widget=DATE_INPUT)
    meeting_date = forms.DateField(
        label=_("Ngày họp hội đồng (dự kiến)"), widget=DATE_INPUT, required=False
    )
    divergence_threshold = forms.DecimalField(
        label=_("Ngưỡng chênh lệch điểm giữa các thành viên"),
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=2,
        initial=Decimal(10),
        help_text=_(
            "Tổng điểm của một thành viên lệch quá ngưỡng này so với các thành viên khác "
            "sẽ được đánh dấu để chấm lại (quy định của tỉnh)."
        ),
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = geo_selectors.province_list()
        if not (actor.is_system or actor.has_role(Role.ADMIN)):
            provinces = provinces.filter(pk__in=actor.province_ids(Role.PROVINCE_OFFICER))
        self.fields["province"].queryset = provinces
        if len(self.fields["province"].queryset) == 1:
            self.initial.setdefault("province", provinces.first())
        self.fields["process_variant"].queryset = selectors.variant_list().exclude(is_demo=True)
        self.fields["legacy_district"].queryset = (
            LegacyDistrict.objects.filter(successors__province__in=provinces)
            .distinct()
            .order_by("province__name", "name")
        )
        today = clock.today()
        self.initial.setdefault("year", today.year)
        self.initial.setdefault("registration_opens", today)
        in_force = selectors.variant_in_force(on=today)
        if in_force is not None:
            self.initial.setdefault("process_variant", in_force)


class RoundForwardForm(forms.Form):
    """Legacy district round → the province round that receives its best products."""

    target = forms.ModelChoiceField(
        label=_("Đợt cấp tỉnh nhận hồ sơ"), queryset=None, to_field_name="public_id"
    )
    min_score = forms.DecimalField(
        label=_("Ngưỡng điểm chuyển lên tỉnh"),
        required=False,
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=2,
        help_text=_("Chỉ nhập khi quy trình của đợt không quy định ngưỡng."),
    )

    def __init__(self, *args: Any, actor: Any, source: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            selectors.round_list(actor=actor)
            .filter(level=Level.PROVINCE, province_id=source.province_id)
            .exclude(status=RoundStatus.DECIDED)
        )
        if source.process_variant.forward_min_score is not None:
            del self.fields["min_score"]


# --- applications --------------------------------------------------------------------------------
class ApplicationFilterForm(_FilterForm):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[ALL, *ApplicationStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Loại hồ sơ"), required=False, choices=[ALL, *ApplicationKind.choices]
    )
    commune = forms.ChoiceField(label=_("Xã"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Tên sản phẩm hoặc chủ thể")
        self.fields["commune"].choices = [
            ALL,
            *product_selectors.product_commune_choices(actor=actor),
        ]


class ApplicationListFilterForm(ApplicationFilterForm):
    """The all-rounds list also filters by round."""

    round = forms.ChoiceField(label=_("Đợt đánh giá"), required=False)
    field_order = ["q", "round", "status", "kind", "commune"]

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["round"].choices = [
            ALL,
            *[(str(r.public_id), r.name) for r in selectors.round_list(actor=actor)[:200]],
        ]


REGISTRATION_FIELDS = ("contact_name", "contact_phone", "annual_output", "market", "expected_stars")


class RegistrationForm(forms.Form):
    """The registration form's fields (evaluation/_registration_fieldset.html), shared by
    the forms that create and edit an application."""

    contact_name = forms.CharField(label=_("Người liên hệ"), max_length=150, required=False)
    contact_phone = forms.CharField(label=_("Điện thoại liên hệ"), max_length=20, required=False)
    annual_output = forms.CharField(
        label=_("Sản lượng, quy mô sản xuất/năm"), max_length=200, required=False
    )
    market = forms.CharField(label=_("Thị trường tiêu thụ chính"), max_length=300, required=False)
    expected_stars = forms.TypedChoiceField(
        label=_("Hạng sao tự đánh giá"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(n, f"{n} ★") for n in range(3, 6)]],
    )

    def registration(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data[k] for k in REGISTRATION_FIELDS if data.get(k) not in (None, "")}


class ApplicationCreateForm(RegistrationForm):
    field_order = ["round", "product", "kind", "previous"]  # then the registration form's

    round = forms.ModelChoiceField(
        label=_("Đợt đánh giá"), queryset=None, to_field_name="public_id"
    )
    product = forms.ModelChoiceField(label=_("Sản phẩm"), queryset=None, to_field_name="public_id")
    kind = forms.ChoiceField(
        label=_("Loại hồ sơ"), choices=ApplicationKind.choices, initial=ApplicationKind.FIRST
    )
    previous = forms.ModelChoiceField(
        label=_("Hồ sơ trước (nâng hạng, đánh giá lại)"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        help_text=_("Hồ sơ đã có quyết định của cùng sản phẩm; tài liệu không đổi được dùng lại."),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rounds = selectors.round_list(actor=actor).filter(status=RoundStatus.OPEN)
        if not (actor.has_role(Role.ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER)):
            # Producers register only while a round takes dossiers; officers may also record
            # dossiers of a historic round that is still open.
            today = clock.today()
            rounds = rounds.filter(registration_opens__lte=today, registration_cutoff__gte=today)
        self.fields["round"].queryset = rounds
        self.fields["round"].label_from_instance = lambda r: f"{r.name} ({r.province.name})"
        self.fields["product"].queryset = product_selectors.product_list(
            actor=actor, status=ProductStatus.ACTIVE
        )
        self.fields["product"].label_from_instance = lambda p: f"{p.name} — {p.producer.name}"
        self.fields["previous"].queryset = selectors.application_list(
            actor=actor, status=ApplicationStatus.DECIDED
        )
        self.fields["previous"].label_from_instance = lambda a: (
            f"{a.product.name} — {a.round.name}" + (f" ({a.stars} ★)" if a.stars else "")
        )


class ApplicationEditForm(RegistrationForm):
    """The registration form and the self-assessment (expected points per part of the rule set,
    expected stars) of a draft or returned application."""

    self_stars = forms.TypedChoiceField(
        label=_("Hạng sao dự kiến theo điểm tự chấm"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(n, f"{n} ★") for n in range(1, 6)]],
    )

    def __init__(self, *args: Any, part_maxima: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.part_codes = list(part_maxima)
        for code, maximum in part_maxima.items():
            self.fields[f"part_{code}"] = forms.DecimalField(
                label=_("Điểm tự chấm phần %(part)s (tối đa %(max)s)")
                % {"part": code, "max": maximum.normalize()},
                required=False,
                min_value=0,
                max_value=maximum,
                decimal_places=2,
            )

    def part_fields(self) -> list[Any]:
        return [self[f"part_{code}"] for code in self.part_codes]

    def self_assessment(self) -> dict[str, Any]:
        data = self.cleaned_data
        parts = {
            code: str(data[f"part_{code}"])
            for code in self.part_codes
            if data.get(f"part_{code}") is not None
        }
        found: dict[str, Any] = {"parts": parts}
        if data.get("self_stars"):
            found["stars"] = data["self_stars"]
        return found

    def add_error(self, field: str | None, error: Any) -> None:
        # Service errors are named registration.<field> / self_assessment.parts.<code> / .stars.
        if field and field not in self.fields:
            last = field.rsplit(".", 1)[-1]
            if field.startswith("registration.") and last in self.fields:
                field = last
            elif field.startswith("self_assessment.parts.") and f"part_{last}" in self.fields:
                field = f"part_{last}"
            elif field == "self_assessment.stars":
                field = "self_stars"
            else:
                field = None
        super().add_error(field, error)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False)


class TransitionForm(forms.Form):
    verb = forms.CharField(max_length=40, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False)


class LowerScoreForm(forms.Form):
    score = forms.DecimalField(
        label=_("Điểm của hội đồng cấp huyện"), min_value=Decimal(0), max_digits=6, decimal_places=2
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False)


MET_CHOICES = [("yes", _("Đạt")), ("no", _("Không đạt"))]


class PreAssessmentForm(forms.Form):
    """One met/not-met answer and a note per criterion of the round's process variant."""

    conclusion = forms.CharField(
        label=_("Kết luận sơ đánh giá"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    report = forms.FileField(
        label=_("Báo cáo sơ đánh giá có chữ ký (PDF, JPEG, PNG)"), required=False
    )

    def __init__(self, *args: Any, criteria: list[dict[str, Any]], with_report: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        fields: dict[str, forms.Field] = {}
        for c in criteria:
            fields[f"{c['code']}__met"] = forms.ChoiceField(
                label=c.get("name_vi") or c["code"], choices=MET_CHOICES, widget=forms.RadioSelect
            )
            fields[f"{c['code']}__note"] = forms.CharField(
                label=_("Nhận xét"), max_length=2000, required=False
            )
        self.fields = {**fields, **self.fields}
        if with_report:
            self.fields["report"].required = True
        else:
            del self.fields["report"]

    def rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"{c['code']}__met"], self[f"{c['code']}__note"]) for c in self.criteria]

    def answers(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {
            c["code"]: {
                "met": data[f"{c['code']}__met"] == "yes",
                "note": data[f"{c['code']}__note"],
            }
            for c in self.criteria
        }

    def add_error(self, field: str | None, error: Any) -> None:
        # Service errors name the criterion code; show them on its met/not-met field.
        if field is not None and field not in self.fields and f"{field}__met" in self.fields:
            field = f"{field}__met"
        super().add_error(field, error)


class NationalResultForm(forms.Form):
    """The ministry's result for a product proposed for 5 stars."""

    stars = forms.TypedChoiceField(
        label=_("Hạng sao Trung ương công nhận"),
        coerce=int,
        choices=[(n, f"{n} ★") for n in range(5, 0, -1)],
        initial=5,
    )
    decision_number = forms.CharField(label=_("Số quyết định Trung ương"), max_length=100)
    decided_on = forms.DateField(label=_("Ngày quyết định"), widget=DATE_INPUT)


class DocumentUploadForm(forms.Form):
    item = forms.CharField(max_length=40, widget=forms.HiddenInput)
    file = forms.FileField(label=_("Tệp (PDF, DOCX, XLSX, JPEG, PNG)"))
    title = forms.CharField(label=_("Tiêu đề"), max_length=255, required=False)


class DocumentRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Lý do gỡ"), max_length=500, required=False)
