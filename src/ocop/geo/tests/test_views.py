"""The commune <option>s endpoint that province selects call through htmx."""

from django.urls import reverse

from ocop.accounts.tests.factories import UserFactory
from ocop.geo.tests.factories import CommuneFactory

URL = reverse("geo:commune_options")


def test_options_list_the_communes_of_the_province(client, province, other_commune):
    first = CommuneFactory(province=province, name="Xã Bình Minh")
    second = CommuneFactory(province=province, name="Xã An Hòa")
    client.force_login(UserFactory())
    response = client.get(URL, {"province": province.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<option value="">— Chọn xã/phường —</option>')
    assert f'<option value="{second.pk}">Xã An Hòa</option>' in html
    assert f'<option value="{first.pk}">Xã Bình Minh</option>' in html
    assert html.index("Xã An Hòa") < html.index("Xã Bình Minh")
    assert other_commune.name not in html


def test_options_accept_a_prefixed_province_field(client, commune):
    client.force_login(UserFactory())
    html = client.get(URL, {"producer-province": commune.province_id}).content.decode()
    assert f'value="{commune.pk}"' in html


def test_options_without_a_valid_province_offer_only_the_prompt(client, commune):
    client.force_login(UserFactory())
    for params in ({}, {"province": "abc"}, {"province": "999999"}):
        html = client.get(URL, params).content.decode()
        assert html.count("<option") == 1


def test_options_need_a_signed_in_user(client, commune):
    response = client.get(URL, {"province": commune.province_id})
    assert response.status_code == 302
    assert commune.name not in response.content.decode()


def test_options_answer_get_only(client, commune):
    client.force_login(UserFactory())
    assert client.post(URL, {"province": commune.province_id}).status_code == 405
