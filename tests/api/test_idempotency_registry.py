"""Idempotency-Key against a real creating endpoint: POST /api/v1/producers."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers.models import Producer
from tests.api.factories import bearer_for

URL = "/api/v1/producers"


def producer_body(commune, name="Hộ Kinh Doanh Chè Thử Nghiệm") -> dict:
    return {
        "kind": "hkd",
        "name": name,
        "representative": "Người Đại Diện",
        "commune": commune.code,
    }


def create(client, body, key="create-1", **headers):
    return client.post(
        URL,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **headers,
    )


@pytest.fixture
def commune(db):
    return CommuneFactory()


@pytest.fixture
def officer_headers(commune):
    return bearer_for(user_with_role(Role.PROVINCE_OFFICER, province=commune.province))


def test_a_replayed_create_returns_the_same_producer_and_creates_one(commune, officer_headers):
    client = Client()

    first = create(client, producer_body(commune), **officer_headers)
    second = create(client, producer_body(commune), **officer_headers)

    assert first.status_code == 201, first.content
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json()["public_id"] == first.json()["public_id"]
    assert Producer.objects.count() == 1


def test_the_same_key_for_another_producer_is_refused(commune, officer_headers):
    client = Client()
    create(client, producer_body(commune), **officer_headers)

    response = create(client, producer_body(commune, name="Một Hộ Khác"), **officer_headers)

    assert response.status_code == 422
    assert response.json()["code"] == "core.idempotency_key_reused"
    assert Producer.objects.count() == 1


def test_a_refused_create_frees_the_key_for_a_corrected_retry(commune, officer_headers):
    client = Client()
    refused = create(client, {**producer_body(commune), "name": ""}, **officer_headers)

    retried = create(client, producer_body(commune), **officer_headers)

    assert refused.status_code == 422
    assert refused.json()["code"] != "core.idempotency_key_reused"
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried
    assert Producer.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_creates_make_one_producer():
    if connection.vendor != "postgresql":
        pytest.skip("needs separate PostgreSQL connections")
    commune = CommuneFactory()
    headers = bearer_for(user_with_role(Role.PROVINCE_OFFICER, province=commune.province))
    barrier = threading.Barrier(5)
    responses = []

    def call():
        try:
            barrier.wait(timeout=30)
            responses.append(create(Client(), producer_body(commune), key="same", **headers))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    originals = [r for r in responses if r.status_code == 201 and "Idempotent-Replayed" not in r]
    assert len(responses) == 5
    assert len(originals) == 1
    assert {r.status_code for r in responses} <= {201, 409}
    assert Producer.objects.count() == 1
