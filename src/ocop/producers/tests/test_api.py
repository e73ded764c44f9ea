import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers.constants import ProducerKind
from ocop.producers.models import Certification, Producer, ProducerDocument
from ocop.producers.tests.factories import (
    CertificationFactory,
    ProducerFactory,
    valid_tax_code,
)
from ocop.producers.tests.test_services import PDF_BYTES

BASE = "/api/v1/producers"
PROBLEM = "application/problem+json"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(province):
    return client_for(user_with_role(Role.PROVINCE_OFFICER, province=province))


@pytest.fixture
def commune_client(commune):
    return client_for(user_with_role(Role.COMMUNE_OFFICER, commune=commune))


@pytest.fixture
def inspector_client(province):
    return client_for(user_with_role(Role.INSPECTOR, province=province))


def payload(unit, **overrides):
    data = {
        "kind": "htx",
        "name": "Hợp tác xã Mật ong Bản Đôn",
        "representative": "Trần Thị Bình",
        "commune": unit.code,
        "tax_code": valid_tax_code(3),
        "founded_year": 2018,
    }
    data.update(overrides)
    return data


def error_fields(response) -> set[str]:
    return {e["loc"][-1] for e in response.json().get("errors", [])}


# --- list -----------------------------------------------------------------------------------------
def test_the_list_needs_authentication():
    response = Client().get(BASE)
    assert response.status_code == 401
    assert response["Content-Type"].startswith(PROBLEM)


def test_roles_outside_the_registry_are_refused_the_list(province):
    council = client_for(user_with_role(Role.COUNCIL_MEMBER, province=province))
    response = council.get(BASE)
    assert response.status_code == 403
    assert response["Content-Type"].startswith(PROBLEM)


def test_the_list_is_paginated_with_items_and_count(officer_client, commune):
    ProducerFactory.create_batch(5, commune=commune)
    response = officer_client.get(BASE, {"limit": 2, "offset": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert len(body["items"]) == 2
    item = body["items"][0]
    assert set(item) >= {"public_id", "name", "kind", "kind_label", "province", "commune", "status"}
    assert item["commune"] == {"code": commune.code, "name": commune.name}


def test_the_list_filters(officer_client, commune, province):
    other_commune = CommuneFactory(province=province)
    household = ProducerFactory(commune=commune, kind=ProducerKind.HOUSEHOLD, name="Hộ Lò Văn Chè")
    suspended = ProducerFactory(commune=other_commune, status="suspended", tax_code="0100233488")
    cases = {
        "q=lo van": [household],
        "q=0100233488": [suspended],
        "kind=hkd": [household],
        f"commune={other_commune.code}": [suspended],
        "status=suspended": [suspended],
        f"province={province.code}": [household, suspended],
    }
    for query, expected in cases.items():
        body = officer_client.get(f"{BASE}?{query}").json()
        assert {i["public_id"] for i in body["items"]} == {str(p.public_id) for p in expected}, (
            query
        )


def test_a_bad_filter_value_is_a_problem_not_a_crash(officer_client):
    response = officer_client.get(BASE, {"kind": "llc", "limit": 0})
    assert response.status_code == 422
    assert response["Content-Type"].startswith(PROBLEM)
    assert {"kind", "limit"} <= error_fields(response)


def test_nul_characters_in_filters_do_not_break_the_database(officer_client, commune):
    ProducerFactory(commune=commune, name="Hợp tác xã Chè")
    response = officer_client.get(BASE, {"q": "ch\x00e", "commune": "\x00"})
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_the_list_is_scoped(commune_client, commune, other_commune, province):
    mine = ProducerFactory(commune=commune)
    ProducerFactory(commune=other_commune)
    ProducerFactory(commune=CommuneFactory(province=province))
    body = commune_client.get(BASE).json()
    assert [i["public_id"] for i in body["items"]] == [str(mine.public_id)]


def test_the_list_query_count_is_the_same_for_2_and_20_rows(officer_client, commune):
    ProducerFactory.create_batch(2, commune=commune)
    officer_client.get(BASE)  # warm the session
    with CaptureQueriesContext(connection) as two:
        assert len(officer_client.get(BASE).json()["items"]) == 2
    ProducerFactory.create_batch(18, commune=commune)
    with CaptureQueriesContext(connection) as twenty:
        assert len(officer_client.get(BASE).json()["items"]) == 20
    assert len(two) == len(twenty)
    assert len(twenty) <= 6


# --- create ---------------------------------------------------------------------------------------
def test_create_answers_201_with_the_producer(commune_client, commune):
    response = commune_client.post(BASE, payload(commune), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tax_code"] == valid_tax_code(3)
    assert body["province"]["code"] == commune.province.code
    assert body["created_at"].endswith("+07:00")
    assert Producer.objects.get(public_id=body["public_id"]).founded_year == 2018


def test_invalid_input_is_422_problem_json_naming_the_fields(commune_client, commune):
    response = commune_client.post(
        BASE,
        payload(commune, tax_code="0100233480", name="x" * 300, commune="000000"),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == "core.validation_failed"
    assert error_fields(response) == {"tax_code", "name", "commune"}
    assert not Producer.objects.exists()


def test_wrong_types_are_422_not_500(commune_client, commune):
    response = commune_client.post(
        BASE,
        payload(commune, founded_year="năm ngoái", women_owned="có lẽ"),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert {"founded_year", "women_owned"} <= error_fields(response)
    response = commune_client.post(BASE, "[1, 2", content_type="application/json")
    assert response.status_code in (400, 422)
    assert not Producer.objects.exists()


def test_a_taken_tax_code_is_409_with_a_field_error(commune_client, commune):
    ProducerFactory(commune=commune, tax_code=valid_tax_code(3))
    response = commune_client.post(BASE, payload(commune), content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "producers.tax_code_taken"
    assert body["errors"][0]["loc"] == ["tax_code"]
    assert Producer.objects.count() == 1


def test_roles_that_may_not_create_get_403(inspector_client, commune):
    response = inspector_client.post(BASE, payload(commune), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "core.permission_denied"


# --- get / patch ------------------------------------------------------------------------------------
def test_get_returns_the_producer_and_404_outside_scope(commune_client, commune, other_commune):
    mine = ProducerFactory(commune=commune)
    elsewhere = ProducerFactory(commune=other_commune)
    assert commune_client.get(f"{BASE}/{mine.public_id}").json()["name"] == mine.name
    for public_id in (elsewhere.public_id, uuid.uuid4()):
        response = commune_client.get(f"{BASE}/{public_id}")
        assert response.status_code == 404
        assert response.json()["code"] == "core.not_found"


def test_patch_changes_only_the_fields_sent(officer_client, commune):
    producer = ProducerFactory(commune=commune, phone="0912345678")
    response = officer_client.patch(
        f"{BASE}/{producer.public_id}", {"name": "HTX Mới"}, content_type="application/json"
    )
    assert response.status_code == 200
    producer.refresh_from_db()
    assert (producer.name, producer.phone) == ("HTX Mới", "0912345678")


def test_patch_errors_are_problems(officer_client, inspector_client, commune, other_commune):
    producer = ProducerFactory(commune=commune)
    elsewhere = ProducerFactory(commune=other_commune)
    url = f"{BASE}/{producer.public_id}"
    bad = officer_client.patch(url, {"phone": "123"}, content_type="application/json")
    assert bad.status_code == 422 and error_fields(bad) == {"phone"}
    denied = inspector_client.patch(url, {"name": "X"}, content_type="application/json")
    assert denied.status_code == 403
    hidden = officer_client.patch(
        f"{BASE}/{elsewhere.public_id}", {"name": "X"}, content_type="application/json"
    )
    assert hidden.status_code == 404


def test_status_changes_through_the_api(officer_client, commune):
    producer = ProducerFactory(commune=commune)
    url = f"{BASE}/{producer.public_id}/status"
    response = officer_client.post(url, {"status": "dissolved"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "dissolved"
    again = officer_client.post(url, {"status": "dissolved"}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "producers.producer.invalid_transition"


# --- certifications, documents, history -------------------------------------------------------------
def test_certifications_are_listed_and_added(officer_client, commune):
    producer = ProducerFactory(commune=commune)
    CertificationFactory(producer=producer)
    url = f"{BASE}/{producer.public_id}/certifications"
    response = officer_client.post(
        url,
        {
            "kind": "organic",
            "number": "HC-01",
            "issuer": "Tổ chức chứng nhận hữu cơ",
            "valid_from": "2025-03-01",
            "valid_to": "2028-02-28",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["kind_label"] == "Hữu cơ (Organic)"
    listed = officer_client.get(url).json()
    assert len(listed) == 2
    bad = officer_client.post(
        url,
        {
            "kind": "gmp",
            "number": "G",
            "issuer": "A",
            "valid_from": "2025-03-01",
            "valid_to": "2025-01-01",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422 and error_fields(bad) == {"valid_to"}
    assert Certification.objects.count() == 2


def test_documents_upload_as_multipart_and_refuse_fakes(officer_client, commune):
    producer = ProducerFactory(commune=commune)
    url = f"{BASE}/{producer.public_id}/documents"
    ok = officer_client.post(
        url, {"kind": "food_safety", "file": SimpleUploadedFile("attp.pdf", PDF_BYTES)}
    )
    assert ok.status_code == 201, ok.content
    first = ok.json()
    assert (first["version"], first["content_type"]) == (1, "application/pdf")
    replaced = officer_client.post(
        url,
        {
            "kind": "food_safety",
            "replaces": first["public_id"],
            "file": SimpleUploadedFile("attp-2.pdf", PDF_BYTES),
        },
    )
    assert replaced.status_code == 201
    assert (replaced.json()["version"], replaced.json()["replaces"]) == (2, first["public_id"])

    fake = officer_client.post(
        url, {"kind": "other", "file": SimpleUploadedFile("gia.pdf", b"chi la van ban")}
    )
    assert fake.status_code == 422
    assert fake.json()["code"] == "core.upload_rejected"
    assert error_fields(fake) == {"file"}
    unknown = officer_client.post(
        url,
        {
            "kind": "other",
            "replaces": str(uuid.uuid4()),
            "file": SimpleUploadedFile("a.pdf", PDF_BYTES),
        },
    )
    assert unknown.status_code == 422 and error_fields(unknown) == {"replaces"}
    assert ProducerDocument.objects.count() == 2
    assert len(officer_client.get(url).json()) == 2


def test_history_lists_events_newest_first(officer_client, commune):
    created = officer_client.post(BASE, payload(commune), content_type="application/json").json()
    url = f"{BASE}/{created['public_id']}"
    officer_client.patch(url, {"note": "Đã xác minh"}, content_type="application/json")
    events = officer_client.get(f"{url}/history").json()
    assert [e["action"] for e in events] == [
        "producers.producer.update",
        "producers.producer.create",
    ]
    assert events[0]["after"] == {"note": "Đã xác minh"}
