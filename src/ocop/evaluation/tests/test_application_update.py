"""Editing the registration form and the self-assessment of a draft or returned application."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import api_token_for, user_with_role
from ocop.core.errors import PermissionDenied
from ocop.core.models import AuditEvent
from ocop.evaluation import services
from ocop.evaluation.constants import ApplicationStatus as S
from ocop.evaluation.errors import ApplicationInvalid, ApplicationNotEditable
from ocop.evaluation.tests import factories as f

pytestmark = pytest.mark.usefixtures("today")


@pytest.fixture
def app(product, two_tier_round, two_tier_ruleset):
    return f.ApplicationFactory(
        product=product, round=two_tier_round, registration={"market": "Tỉnh nhà"}
    )


def _maxima(ruleset):
    return {code: Decimal(value) for code, value in ruleset.part_maxima().items()}


def test_the_producer_edits_a_draft(app, actors, two_tier_ruleset):
    maxima = _maxima(two_tier_ruleset)
    parts = {code: str(maximum - 1) for code, maximum in maxima.items()}
    updated = services.application_update(
        actor=actors["producer"],
        application=app,
        registration={"contact_name": "  Nguyễn Văn A ", "expected_stars": "4", "market": ""},
        self_assessment={"parts": parts, "stars": 4},
    )
    updated.refresh_from_db()
    assert updated.registration == {"contact_name": "Nguyễn Văn A", "expected_stars": 4}
    assert updated.self_assessment["parts"] == {
        code: str((maximum - 1).quantize(Decimal("0.01"))) for code, maximum in maxima.items()
    }
    assert Decimal(updated.self_assessment["total"]) == sum(maxima.values()) - len(maxima)
    assert updated.self_assessment["stars"] == 4
    event = AuditEvent.objects.filter(action="evaluation.application.update").get()
    assert event.object_id == str(app.pk)


def test_none_leaves_a_part_unchanged(app, actors):
    services.application_update(
        actor=actors["commune_officer"], application=app, self_assessment={"stars": 3}
    )
    app.refresh_from_db()
    assert app.registration == {"market": "Tỉnh nhà"}
    assert app.self_assessment == {"stars": 3}


def test_bad_values_save_nothing(app, actors, two_tier_ruleset):
    (first, maximum), *_ = _maxima(two_tier_ruleset).items()
    with pytest.raises(ApplicationInvalid) as err:
        services.application_update(
            actor=actors["producer"],
            application=app,
            registration={"contact_name": "Đúng", "colour": "xanh", "expected_stars": 9},
            self_assessment={"parts": {first: str(maximum + 1), "Z": "1"}, "stars": "x"},
        )
    assert set(err.value.field_errors()) == {
        "registration.colour",
        "registration.expected_stars",
        f"self_assessment.parts.{first}",
        "self_assessment.parts.Z",
        "self_assessment.stars",
    }
    for bad in ({"parts": {first: "-1"}}, {"parts": {first: "NaN"}}, {"other": 1}, ["A"]):
        with pytest.raises(ApplicationInvalid):
            services.application_update(
                actor=actors["producer"], application=app, self_assessment=bad
            )
    app.refresh_from_db()
    assert app.registration == {"market": "Tỉnh nhà"} and app.self_assessment == {}
    assert not AuditEvent.objects.filter(action="evaluation.application.update").exists()


@pytest.mark.parametrize("status", [S.DRAFT, S.RETURNED])
def test_editable_states(app, actors, status):
    app.status = status
    app.save(update_fields=["status"])
    services.application_update(
        actor=actors["producer"], application=app, registration={"market": "Cả nước"}
    )
    app.refresh_from_db()
    assert app.registration == {"market": "Cả nước"}


@pytest.mark.parametrize("status", [S.SUBMITTED, S.PRE_ASSESSED, S.SCHEDULED, S.WITHDRAWN])
def test_other_states_are_refused(app, actors, status):
    app.status = status
    app.save(update_fields=["status"])
    with pytest.raises(ApplicationNotEditable):
        services.application_update(
            actor=actors["producer"], application=app, registration={"market": "Cả nước"}
        )


@pytest.mark.parametrize(
    "who", ["province_officer", "inspector", "other_producer", "neighbour_commune_officer"]
)
def test_only_those_who_may_submit_edit(app, actors, who):
    with pytest.raises(PermissionDenied):
        services.application_update(
            actor=actors[who], application=app, registration={"market": "Cả nước"}
        )


def test_without_a_rule_set_only_the_stars_are_kept(commune, actors, two_tier_round):
    from ocop.producers.tests.factories import ProducerFactory
    from ocop.products.tests.factories import ProductFactory

    product = ProductFactory(
        producer=ProducerFactory(commune=commune), product_set=f.product_set(f.QD1048_SET)
    )
    app = f.ApplicationFactory(product=product, round=two_tier_round)
    with pytest.raises(ApplicationInvalid) as err:
        services.application_update(
            actor=actors["admin"], application=app, self_assessment={"parts": {"A": "10"}}
        )
    assert set(err.value.field_errors()) == {"self_assessment.parts"}
    services.application_update(
        actor=actors["admin"], application=app, self_assessment={"stars": 3}
    )


# --- API -----------------------------------------------------------------------------------------
def test_api_patch(app, producer_user, province, client):
    _token, token = api_token_for(producer_user)
    url = f"/api/v1/evaluation/applications/{app.public_id}"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.patch(
        url,
        json.dumps(
            {"registration": {"contact_phone": "0905 000 111"}, "self_assessment": {"stars": 3}}
        ),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["registration"] == {"contact_phone": "0905 000 111"}
    assert body["self_assessment"] == {"stars": 3}
    bad = client.patch(
        url,
        json.dumps({"self_assessment": {"parts": {"A": "1000"}}}),
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422 and bad.json()["code"] == "evaluation.application_invalid"
    app.status = S.SUBMITTED
    app.save(update_fields=["status"])
    refused = client.patch(
        url, json.dumps({"registration": {}}), content_type="application/json", **auth
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "evaluation.application_not_editable"
    _officer, officer = api_token_for(user_with_role(Role.PROVINCE_OFFICER, province=province))
    app.status = S.DRAFT
    app.save(update_fields=["status"])
    denied = client.patch(
        url,
        json.dumps({"registration": {}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {officer}",
    )
    assert denied.status_code == 403


# --- page ----------------------------------------------------------------------------------------
def test_edit_page(app, producer_user, client, two_tier_ruleset):
    client.force_login(producer_user)
    url = reverse("evaluation:application_edit", args=[app.public_id])
    detail = reverse("evaluation:application_detail", args=[app.public_id])
    assert url in client.get(detail).content.decode()
    page = client.get(url)
    assert page.status_code == 200
    maxima = _maxima(two_tier_ruleset)
    html = page.content.decode()
    for code in maxima:
        assert f'name="part_{code}"' in html
    (first, maximum), *_ = maxima.items()
    too_much = client.post(url, {"contact_name": "A", f"part_{first}": str(maximum + 1)})
    assert too_much.status_code == 422
    app.refresh_from_db()
    assert app.registration == {"market": "Tỉnh nhà"}
    done = client.post(
        url, {"contact_name": "Nguyễn Văn A", f"part_{first}": "12.5", "self_stars": "3"}
    )
    assert done.status_code == 302
    app.refresh_from_db()
    assert app.registration == {"contact_name": "Nguyễn Văn A"}
    assert app.self_assessment["parts"] == {first: "12.50"} and app.self_assessment["stars"] == 3
    assert "12.50" in client.get(detail).content.decode()
    app.status = S.SUBMITTED
    app.save(update_fields=["status"])
    assert client.get(url).status_code == 302
    assert url not in client.get(detail).content.decode()
