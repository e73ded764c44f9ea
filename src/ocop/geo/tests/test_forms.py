"""bind_unit_picker wires a province select to the commune options endpoint."""

from django import forms
from django.urls import reverse

from ocop.geo.forms import bind_unit_picker
from ocop.geo.models import Commune, Province


class PlaceForm(forms.Form):
    province = forms.ModelChoiceField(queryset=Province.objects.all())
    commune = forms.ModelChoiceField(queryset=Commune.objects.all())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bind_unit_picker(self)


def test_the_province_select_targets_the_commune_select(db):
    attrs = PlaceForm().fields["province"].widget.attrs
    assert attrs["hx-get"] == reverse("geo:commune_options")
    assert attrs["hx-target"] == "#id_commune"
    assert attrs["hx-trigger"] == "change"


def test_without_a_province_no_commune_is_offered(commune):
    assert list(PlaceForm().fields["commune"].queryset) == []


def test_only_communes_of_the_chosen_province_are_valid(commune, other_commune):
    ok = PlaceForm(data={"province": commune.province_id, "commune": commune.pk})
    assert ok.is_valid()
    wrong = PlaceForm(data={"province": commune.province_id, "commune": other_commune.pk})
    assert not wrong.is_valid()
    assert "commune" in wrong.errors


def test_the_picker_template_renders_both_fields_with_htmx_attributes(commune):
    from django.template.loader import render_to_string

    form = PlaceForm(initial={"province": commune.province})
    html = render_to_string(
        "geo/_unit_picker.html", {"province": form["province"], "commune": form["commune"]}
    )
    assert 'hx-get="' + reverse("geo:commune_options") + '"' in html
    assert f'<option value="{commune.pk}">{commune.name}</option>' in html
    assert "<script" not in html
