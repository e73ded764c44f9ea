"""The public geo API: provinces, communes of a province, address resolution."""

import pytest

from ocop.geo.api import router

PROBLEM = "application/problem+json"


@pytest.fixture
def api_client(geography, client):
    return client


def test_provinces_lists_the_34_current_provinces_with_their_commune_counts(api_client):
    response = api_client.get("/api/v1/geo/provinces")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 34
    assert sum(p["commune_count"] for p in body) == 3321
    assert set(body[0]) == {"code", "name", "division_type", "commune_count"}
    quang_tri = next(p for p in body if p["code"] == "44")
    assert quang_tri["name"] == "Quảng Trị"


def test_communes_of_a_province(api_client):
    response = api_client.get("/api/v1/geo/provinces/48/communes")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 94
    thang_an = next(c for c in body if c["code"] == "20794")
    assert thang_an == {
        "code": "20794",
        "name": "Xã Thăng An",
        "division_type": "xã",
        "province": {"code": "48", "name": "Thành phố Đà Nẵng"},
    }


def test_communes_can_be_filtered_by_name_without_diacritics(api_client):
    body = api_client.get("/api/v1/geo/provinces/48/communes", {"q": "thang an"}).json()
    assert [c["code"] for c in body] == ["20794"]


def test_communes_of_an_unknown_province_is_a_404_problem(api_client):
    response = api_client.get("/api/v1/geo/provinces/99/communes")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "geo.province_not_found"
    assert "99" in body["detail"]


def test_resolve_answers_200_only_when_exact(api_client):
    response = api_client.get(
        "/api/v1/geo/resolve", {"address": "xã Bình Đào, huyện Thăng Bình, tỉnh Quảng Nam"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "exact"
    assert body["commune"]["code"] == "20794"
    assert body["province"] == {"code": "48", "name": "Thành phố Đà Nẵng"}
    assert body["legacy_commune"] == {"code": "20809", "name": "Xã Bình Đào"}
    assert body["message"]


@pytest.mark.parametrize(
    ("address", "code", "status"),
    [
        ("huyện Thăng Bình, tỉnh Quảng Nam", "geo.address_partial", "partial"),
        ("Phường 1", "geo.address_ambiguous", "ambiguous"),
        ("qwzx plmk", "geo.address_not_found", "not_found"),
    ],
)
def test_resolve_answers_422_with_candidates_when_not_certain(api_client, address, code, status):
    response = api_client.get("/api/v1/geo/resolve", {"address": address})
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == code
    assert body["status"] == 422
    assert body["resolution_status"] == status
    assert body["type"].endswith(code)
    assert body["detail"]
    assert isinstance(body["candidates"], list)
    assert all(set(c) == {"code", "name", "division_type", "province"} for c in body["candidates"])


def test_resolve_partial_names_the_current_province_and_its_communes(api_client):
    body = api_client.get(
        "/api/v1/geo/resolve", {"address": "huyện Thăng Bình, tỉnh Quảng Nam"}
    ).json()
    assert body["province"] == {"code": "48", "name": "Thành phố Đà Nẵng"}
    assert "20794" in [c["code"] for c in body["candidates"]]


@pytest.mark.parametrize("params", [{}, {"address": "x" * 501}])
def test_resolve_without_a_sensible_address_is_a_validation_problem(api_client, params):
    response = api_client.get("/api/v1/geo/resolve", params)
    assert response.status_code == 422
    assert response.json()["code"] == "core.validation_failed"


def test_geo_operations_are_public_and_named_after_their_selectors():
    operations = [op for view in router.path_operations.values() for op in view.operations]
    assert {op.operation_id for op in operations} == {
        "province_list",
        "commune_list",
        "address_resolve",
    }
    assert all(op.auth_param is None and not op.auth_callbacks for op in operations)
