"""Form helpers: a province select that refills the commune select (htmx, no inline script)."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.geo import selectors
from ocop.geo.models import Commune


def bind_unit_picker(
    form: forms.Form, *, province: str = "province", commune: str = "commune"
) -> None:
    """Wire `form[province]` to refill `form[commune]` and limit communes to the chosen province.

    Call it at the end of the form's `__init__`; render both fields with `geo/_unit_picker.html`.
    Both fields must be ModelChoiceFields (Province, Commune).
    """
    commune_field = form[commune]
    form.fields[province].widget.attrs.update(
        {
            "hx-get": reverse("geo:commune_options"),
            "hx-target": f"#{commune_field.auto_id}",
            "hx-trigger": "change",
            "hx-swap": "innerHTML",
        }
    )
    chosen = _chosen_province(form, province)
    queryset = selectors.commune_list(province_id=chosen) if chosen else Commune.objects.none()
    form.fields[commune].queryset = queryset
    form.fields[commune].empty_label = _("— Chọn xã/phường —")


def _chosen_province(form: forms.Form, name: str) -> int | None:
    if form.is_bound:
        value = form.data.get(form.add_prefix(name))
    else:
        value = form.initial.get(name) or form.fields[name].initial
    value = str(getattr(value, "pk", value) or "").strip()
    return int(value) if value.isdigit() else None
