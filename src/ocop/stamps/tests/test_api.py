"""Stamps API: problem JSON, scoping, the register operations."""

import datetime as dt

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.producers.tests.factories import ProducerRepresentativeFactory
from ocop.stamps.models_register import Stamp, StampBatch
from ocop.stamps.tests.conftest import TODAY
from ocop.stamps.tests.factories import StampBatchFactory, issued_batch

pytestmark = pytest.mark.django_db
BASE = "/api/v1/stamps"
PROBLEM = "application/problem+json"


@pytest.fixture
def officer_client(client, product):
    client.force_login(user_with_role(Role.PROVINCE_OFFICER, province=product.province))
    return client


@pytest.fixture
def producer_client(client, product):
    user = user_with_role(Role.PRODUCER, commune=product.commune)
    ProducerRepresentativeFactory(producer=product.producer, user=user)
    client.force_login(user)
    return client


def test_anonymous_calls_get_401(client):
    response = client.get(f"{BASE}/batches")
    assert response.status_code == 401 and response["Content-Type"].startswith(PROBLEM)


def test_request_approve_activate_void_round_trip(client, product):
    producer = user_with_role(Role.PRODUCER, commune=product.commune)
    ProducerRepresentativeFactory(producer=product.producer, user=producer)
    officer = user_with_role(Role.PROVINCE_OFFICER, province=product.province)
    client.force_login(producer)
    created = client.post(
        f"{BASE}/batches",
        {"product": str(product.public_id), "quantity": 6},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    public_id = created.json()["public_id"]
    client.force_login(officer)
    approved = client.post(
        f"{BASE}/batches/{public_id}/approve", {}, content_type="application/json"
    )
    assert approved.json()["status"] == "issued" and approved.json()["issued_count"] == 6
    client.force_login(producer)
    lot = client.post(
        f"{BASE}/batches/{public_id}/lots",
        {
            "first_number": 1,
            "last_number": 3,
            "lot_number": "A-1",
            "production_date": str(TODAY - dt.timedelta(days=3)),
            "best_before": str(TODAY + dt.timedelta(days=30)),
            "quantity": 3,
        },
        content_type="application/json",
    )
    assert lot.status_code == 201 and lot.json()["stamp_count"] == 3
    client.force_login(officer)
    voided = client.post(
        f"{BASE}/batches/{public_id}/void",
        {"first_number": 2, "last_number": 5, "reason": "Tem bị lỗi in"},
        content_type="application/json",
    )
    assert voided.json() == {"count": 4}
    events = client.get(f"{BASE}/batches/{public_id}/events").json()
    assert [e["kind"] for e in events] == ["requested", "approved", "issued", "activated", "voided"]


def test_a_conflict_is_409_problem_json_and_changes_nothing(producer_client, certificate):
    batch = issued_batch(certificate_obj=certificate, quantity=4)
    certificate.suspended_at = dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC)
    certificate.save()
    response = producer_client.post(
        f"{BASE}/batches/{batch.public_id}/lots",
        {
            "first_number": 1,
            "last_number": 2,
            "lot_number": "B",
            "production_date": str(TODAY - dt.timedelta(days=30)),
            "best_before": str(TODAY),
            "quantity": 2,
        },
        content_type="application/json",
    )
    assert response.status_code == 409 and response["Content-Type"].startswith(PROBLEM)
    assert response.json()["code"] == "stamps.certificate_not_in_force"
    assert not Stamp.objects.filter(state="activated").exists()


def test_an_out_of_range_quantity_is_422(producer_client, product):
    response = producer_client.post(
        f"{BASE}/batches",
        {"product": str(product.public_id), "quantity": 1_000_001},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not StampBatch.objects.exists()


def test_the_list_is_paginated_with_constant_queries(
    officer_client, certificate, django_assert_max_num_queries
):
    StampBatchFactory.create_batch(3, certificate_obj=certificate)
    with django_assert_max_num_queries(8):
        body = officer_client.get(f"{BASE}/batches?page_size=2").json()
    assert body["count"] == 3 and len(body["items"]) == 2


def test_a_batch_of_another_province_is_404(client, certificate, other_province):
    batch = StampBatchFactory(certificate_obj=certificate)
    client.force_login(user_with_role(Role.PROVINCE_OFFICER, province=other_province))
    assert client.get(f"{BASE}/batches/{batch.public_id}").status_code == 404
