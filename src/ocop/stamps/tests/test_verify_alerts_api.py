"""Alerts over the API (/api/v1/stamps/alerts): scoped list, acknowledge, close.

Skipped until ocop.api.routers mounts ocop.stamps.api_alerts.router."""

import pytest
from django.test import Client
from tests.api.factories import bearer_for

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.core import clock
from ocop.stamps.models import AlertStatus
from ocop.stamps.tests.verify_support import TODAY, AlertFactory

pytestmark = [
    pytest.mark.django_db,
]


@pytest.fixture(autouse=True)
def _frozen():
    with clock.freeze(TODAY):
        yield


def api_client(user):
    return Client(**bearer_for(user))


def test_the_list_is_scoped_to_the_inspectors_province(province, other_province):
    mine = AlertFactory(province=province)
    AlertFactory(province=other_province)
    client = api_client(user_with_role(Role.INSPECTOR, province=province))

    body = client.get("/api/v1/stamps/alerts").json()

    assert [item["public_id"] for item in body["items"]] == [str(mine.public_id)]
    assert body["items"][0]["evidence"]


def test_acknowledge_then_close_over_the_api(province):
    alert = AlertFactory(province=province)
    client = api_client(user_with_role(Role.INSPECTOR, province=province))
    base = f"/api/v1/stamps/alerts/{alert.public_id}"

    first = client.post(f"{base}/acknowledge", {"note": "Đang xác minh"}, "application/json")
    second = client.post(f"{base}/close", {}, "application/json")
    again = client.post(f"{base}/close", {}, "application/json")

    assert first.json()["status"] == AlertStatus.ACKNOWLEDGED
    assert second.json()["status"] == AlertStatus.CLOSED
    assert again.status_code == 409


def test_other_provinces_alerts_are_not_found(province, other_province):
    alert = AlertFactory(province=other_province)
    client = api_client(user_with_role(Role.INSPECTOR, province=province))

    response = client.post(f"/api/v1/stamps/alerts/{alert.public_id}/close", {}, "application/json")

    assert response.status_code == 404
