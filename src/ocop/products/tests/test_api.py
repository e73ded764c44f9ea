import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.core import clock
from ocop.core.models import AuditEvent
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.constants import CycleStep
from ocop.products.models import Product, ProductSet
from ocop.products.tests.conftest import PDF_BYTES, image_bytes
from ocop.products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

# Pinned: session, user, memberships, then the page's own reads (see quality targets §2.6).
API_QUERY_CEILING = 6

BASE = "/api/v1/products"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.freeze(dt.date(2026, 3, 10)):
        yield


@pytest.fixture
def officer_client(client, province):
    client.force_login(user_with_role(Role.PROVINCE_OFFICER, province=province))
    return client


def _login(client, role, **units):
    client.force_login(user_with_role(role, **units))
    return client


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    return response.json()


# --- authentication and reference data -------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["", "/classifications", "/product-sets", "/00000000-0000-0000-0000-000000000000"]
)
def test_anonymous_calls_get_401_problem_json(client, path):
    body = _problem(client.get(BASE + path), 401)
    assert body["code"] == "core.not_authenticated"


def test_the_classification_tree_nests_sectors_groups_and_sets(officer_client, taxonomy):
    response = officer_client.get(f"{BASE}/classifications")
    assert response.status_code == 200
    trees = {c["code"]: c for c in response.json()}
    assert set(trees) == {"QD1048", "QD148"}
    qd148 = trees["QD148"]
    assert qd148["effective_from"] == "2023-02-24"
    assert len(qd148["sectors"]) == 6
    assert sum(len(s["groups"]) for s in qd148["sectors"]) == 17
    sets = [p for s in qd148["sectors"] for g in s["groups"] for p in g["product_sets"]]
    assert len(sets) == 26
    assert sets[-1]["site_visit_required"] is True


def test_product_sets_can_be_filtered_by_classification(officer_client, taxonomy):
    response = officer_client.get(f"{BASE}/product-sets", {"classification": "QD148"})
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 26
    assert rows[0] == {
        "code": "QD148-01",
        "name_vi": "Rau, củ, quả, hạt tươi",
        "name_en": "Fresh vegetables, tubers, fruit, nuts",
        "classification": "QD148",
        "group": "I.1",
        "sector": "I",
        "ministries": ["MARD"],
        "maps_to": "",
        "mapping_note": "",
        "samples_required": True,
        "site_visit_required": False,
    }


# --- list -----------------------------------------------------------------------------------------
def test_the_list_is_paginated_and_scoped(officer_client, commune, other_commune):
    producer = ProducerFactory(commune=commune)
    ProductFactory.create_batch(25, producer=producer)
    ProductFactory(producer=ProducerFactory(commune=other_commune))
    first = officer_client.get(BASE, {"page_size": 10}).json()
    assert (first["count"], len(first["items"]), first["page"]) == (25, 10, 1)
    last = officer_client.get(BASE, {"page_size": 10, "page": 3}).json()
    assert len(last["items"]) == 5
    assert {i["commune"]["code"] for i in first["items"]} == {commune.code}


def test_list_filters(officer_client, commune, province):
    producer = ProducerFactory(commune=commune)
    honey = ProductFactory(
        producer=producer, name="Mật ong Bạc Hà", cycle_step=CycleStep.EVALUATION
    )
    ProductFactory(producer=producer, name="Chè xanh")
    neighbour = ProductFactory(producer=ProducerFactory(commune=CommuneFactory(province=province)))

    def names(**params):
        return {i["name"] for i in officer_client.get(BASE, params).json()["items"]}

    assert names(q="mat ong") == {"Mật ong Bạc Hà"}
    assert names(q="MẬT ONG") == {"Mật ong Bạc Hà"}
    assert names(cycle_step="evaluation") == {"Mật ong Bạc Hà"}
    assert names(product_set=honey.product_set.code) == {"Mật ong Bạc Hà"}
    assert names(commune=neighbour.commune.code) == {neighbour.name}
    assert names(producer=str(producer.public_id)) == {"Mật ong Bạc Hà", "Chè xanh"}
    assert names(classification="QD148") == {"Mật ong Bạc Hà", "Chè xanh", neighbour.name}
    assert names(classification="QD1048") == set()


@pytest.mark.parametrize(
    ("params", "loc"),
    [({"cycle_step": "done"}, "cycle_step"), ({"page_size": 1000}, "page_size")],
)
def test_bad_filters_give_422_with_the_field(officer_client, params, loc):
    body = _problem(officer_client.get(BASE, params), 422)
    assert body["code"] == "core.validation_failed"
    assert loc in body["errors"][0]["loc"]


def test_the_list_query_count_does_not_grow_with_rows(officer_client, commune):
    def count_for(rows: int) -> int:
        Product.objects.all().delete()
        for _ in range(rows):
            ProductFactory(producer=ProducerFactory(commune=commune))
        with CaptureQueriesContext(connection) as ctx:
            response = officer_client.get(BASE, {"page_size": 50})
        assert len(response.json()["items"]) == rows
        return len(ctx.captured_queries)

    assert count_for(2) == count_for(20) <= API_QUERY_CEILING


# --- detail -------------------------------------------------------------------------------------
def test_a_product_out_of_scope_is_404_problem_json(officer_client, other_commune):
    outsider = ProductFactory(producer=ProducerFactory(commune=other_commune))
    body = _problem(officer_client.get(f"{BASE}/{outsider.public_id}"), 404)
    assert body["code"] == "core.not_found"


def test_the_detail_shows_facts_and_duplicate_warnings(officer_client, commune):
    ProductFactory(producer=ProducerFactory(commune=commune), name="Nước mắm")
    product = ProductFactory(producer=ProducerFactory(commune=commune), name="Nuoc mam")
    body = officer_client.get(f"{BASE}/{product.public_id}").json()
    assert body["public_id"] == str(product.public_id)
    assert body["classification"] == "QD148"
    assert body["producer"]["public_id"] == str(product.producer.public_id)
    assert [w["code"] for w in body["warnings"]] == ["products.duplicate_name"]


# --- create -------------------------------------------------------------------------------------
@pytest.fixture
def payload(commune, taxonomy):
    producer = ProducerFactory(commune=commune)
    return {"producer": str(producer.public_id), "name": "Mắm cá cơm", "product_set": "QD148-09"}


def test_create_returns_201_with_the_product(officer_client, payload, commune):
    response = officer_client.post(BASE, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Mắm cá cơm"
    assert body["product_set"] == "QD148-09"
    assert body["commune"]["code"] == commune.code
    assert body["registered_on"] == "2026-03-10"
    assert body["warnings"] == []
    assert Product.objects.filter(public_id=body["public_id"]).exists()


def test_create_reports_a_duplicate_as_a_warning(officer_client, payload, commune):
    ProductFactory(producer=ProducerFactory(commune=commune), name="Mắm cá cơm")
    body = officer_client.post(BASE, payload, content_type="application/json").json()
    assert body["warnings"][0]["code"] == "products.duplicate_name"
    assert body["warnings"][0]["count"] == 1


@pytest.mark.parametrize(
    ("change", "loc", "code"),
    [
        ({"gtin": "8934567890123"}, "gtin", "gtin_invalid"),
        ({"product_set": "QD1048-10"}, "product_set", "wrong_classification"),
        ({"product_set": "NOPE"}, "product_set", "unknown"),
        ({"name": "x" * 300}, "name", "max_length"),
    ],
)
def test_create_errors_are_422_with_the_field_and_save_nothing(
    officer_client, payload, change, loc, code
):
    events = AuditEvent.objects.count()
    body = _problem(
        officer_client.post(BASE, {**payload, **change}, content_type="application/json"), 422
    )
    assert body["code"] == "core.validation_failed"
    assert [(e["loc"], e["code"]) for e in body["errors"]] == [([loc], code)]
    assert Product.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_a_missing_field_is_422(officer_client, payload):
    del payload["name"]
    body = _problem(officer_client.post(BASE, payload, content_type="application/json"), 422)
    assert "name" in body["errors"][0]["loc"]


def test_create_for_a_producer_out_of_scope_is_404(client, payload, other_commune):
    _login(client, Role.COMMUNE_OFFICER, commune=other_commune)
    _problem(client.post(BASE, payload, content_type="application/json"), 404)
    assert Product.objects.count() == 0


def test_create_by_an_inspector_is_403(client, payload, province):
    _login(client, Role.INSPECTOR, province=province)
    body = _problem(client.post(BASE, payload, content_type="application/json"), 403)
    assert body["code"] == "core.permission_denied"


# --- update, cycle step, retire ----------------------------------------------------------------------
def test_patch_changes_only_sent_fields(officer_client, commune):
    product = ProductFactory(
        producer=ProducerFactory(commune=commune), story="Cũ", packaging="Chai"
    )
    response = officer_client.patch(
        f"{BASE}/{product.public_id}", {"story": "Mới"}, content_type="application/json"
    )
    assert response.status_code == 200
    product.refresh_from_db()
    assert (product.story, product.packaging) == ("Mới", "Chai")


def test_patch_to_another_classification_is_422(officer_client, commune, taxonomy):
    product = ProductFactory(
        producer=ProducerFactory(commune=commune),
        product_set=ProductSet.objects.get(code="QD148-01"),
    )
    body = _problem(
        officer_client.patch(
            f"{BASE}/{product.public_id}",
            {"product_set": "QD1048-01"},
            content_type="application/json",
        ),
        422,
    )
    assert body["errors"][0]["code"] == "classification_changed"


def test_cycle_step_and_retire_endpoints(officer_client, commune):
    product = ProductFactory(producer=ProducerFactory(commune=commune))
    url = f"{BASE}/{product.public_id}"
    response = officer_client.post(f"{url}/cycle-step", {"cycle_step": "business_plan"})
    assert response.status_code == 200
    assert response.json()["cycle_step"] == "business_plan"
    assert officer_client.post(f"{url}/retire", {"reason": "Ngừng"}).json()["status"] == "retired"
    body = _problem(officer_client.post(f"{url}/retire", {"reason": "Ngừng"}), 409)
    assert body["code"] == "products.product_already_retired"


# --- uploads and history ------------------------------------------------------------------------------
def test_uploading_an_image_and_documents(officer_client, commune):
    product = ProductFactory(producer=ProducerFactory(commune=commune))
    url = f"{BASE}/{product.public_id}"
    image = SimpleUploadedFile("a.png", image_bytes(), content_type="image/png")
    response = officer_client.post(
        f"{url}/images", {"file": image, "caption": "Bao bì", "is_registered_design": "true"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["is_registered_design"] is True
    for expected_version in (1, 2):
        doc = SimpleUploadedFile("tccs.pdf", PDF_BYTES, content_type="application/pdf")
        response = officer_client.post(
            f"{url}/documents",
            {"file": doc, "kind": "base_standard", "standard_code": "TCCS 01:2026/HTX"},
        )
        assert response.status_code == 201, response.content
        assert response.json()["version"] == expected_version
    history = officer_client.get(f"{url}/history").json()
    assert [e["action"] for e in history] == [
        "products.product.document_upload",
        "products.product.update",
        "products.product.document_upload",
        "products.product.image_add",
    ]


def test_a_bad_image_is_422_with_loc_file(officer_client, commune):
    product = ProductFactory(producer=ProducerFactory(commune=commune))
    fake = SimpleUploadedFile("a.png", PDF_BYTES, content_type="image/png")
    body = _problem(officer_client.post(f"{BASE}/{product.public_id}/images", {"file": fake}), 422)
    assert body["errors"][0]["loc"] == ["file"]


def test_history_out_of_scope_is_404(officer_client, other_commune):
    outsider = ProductFactory(producer=ProducerFactory(commune=other_commune))
    _problem(officer_client.get(f"{BASE}/{outsider.public_id}/history"), 404)


def test_times_are_emitted_in_local_time(officer_client, commune):
    product = ProductFactory(producer=ProducerFactory(commune=commune))
    body = officer_client.get(f"{BASE}/{product.public_id}").json()
    assert body["created_at"].endswith("+07:00")


def test_a_replayed_create_with_the_same_idempotency_key_makes_one_product(officer_client, payload):
    headers = {"HTTP_IDEMPOTENCY_KEY": "tao-san-pham-1"}
    first = officer_client.post(BASE, payload, content_type="application/json", **headers)
    second = officer_client.post(BASE, payload, content_type="application/json", **headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["public_id"] == second.json()["public_id"]
    assert Product.objects.count() == 1


def test_council_members_are_refused_the_registry_list(client, province):
    _login(client, Role.COUNCIL_MEMBER, province=province)
    body = _problem(client.get(BASE), 403)
    assert body["code"] == "core.permission_denied"
