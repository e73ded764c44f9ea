"""The criteria API: status codes, problem+json, permissions."""

import io

import pytest
from openpyxl import load_workbook

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.criteria.models import RuleSet
from ocop.criteria.tests import factories as f

BASE = "/api/v1/criteria"
QD1048_CODE = "QD1048-2019.fresh-produce"


@pytest.fixture
def officer_client(client, province):
    client.force_login(user_with_role(Role.PROVINCE_OFFICER, province=province))
    return client


@pytest.fixture
def inspector_client(client, province):
    client.force_login(user_with_role(Role.INSPECTOR, province=province))
    return client


def upload(client, path, data: bytes, name: str):
    file = io.BytesIO(data)
    file.name = name
    return client.post(f"{BASE}{path}", {"file": file})


def test_the_list_is_paginated_and_carries_statuses(officer_client, shipped):
    body = officer_client.get(f"{BASE}/rulesets").json()

    assert body["count"] == 3
    by_code = {r["code"]: r for r in body["items"]}
    assert by_code[QD1048_CODE]["product_sets"] == ["QD1048-01"]
    assert by_code[QD1048_CODE]["is_scorable"] is True
    assert by_code[QD1048_CODE]["needs_unverified_banner"] is True
    assert by_code["QD148-2023.skeleton"]["is_scorable"] is False


def test_one_rule_set_comes_with_its_full_tree(inspector_client, qd1048):
    body = inspector_client.get(f"{BASE}/rulesets/{QD1048_CODE}").json()

    assert body["part_maxima"] == {"A": "35.00", "B": "25.00", "C": "40.00"}
    assert [p["code"] for p in body["parts"]] == ["A", "B", "C"]
    a3 = body["parts"][0]["sections"][2]
    a32 = next(c for c in a3["criteria"] if c["code"] == "A3.2")
    assert [o["points"] for o in a32["options"]] == ["1.00", "2.00", "0.00", "1.00"]
    assert a32["structure_uncertain"] is True
    assert len(body["star_bands"]) == 5
    assert body["known_issues"][0]["id"] == "KI-1"


def test_an_unknown_code_is_a_problem_404(officer_client, product_sets):
    response = officer_client.get(f"{BASE}/rulesets/nope")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_export_xlsx_returns_the_authoring_workbook(inspector_client, qd1048):
    response = inspector_client.get(f"{BASE}/rulesets/{QD1048_CODE}/export.xlsx")

    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb["Thông tin"]["C3"].value == QD1048_CODE


def test_validate_reports_problems_with_200(officer_client, product_sets):
    response = upload(
        officer_client, "/rulesets/validate", f.INVALID_FIXTURE.read_bytes(), "x.yaml"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    problems = {p["code"]: p for p in body["problems"]}
    assert (problems["part_sum"]["computed"], problems["part_sum"]["declared"]) == ("36", "35")
    assert (problems["total_sum"]["computed"], problems["total_sum"]["declared"]) == ("101", "100")
    assert RuleSet.objects.count() == 0


def test_validate_accepts_a_valid_sheet(officer_client, product_sets):
    response = upload(officer_client, "/rulesets/validate", f.QD1048.read_bytes(), "x.yaml")

    body = response.json()
    assert body["valid"] is True
    assert (body["criteria"], body["options"]) == (31, 113)
    assert body["problems"] == []


def test_import_creates_with_201_then_answers_200_for_the_same_content(
    officer_client, product_sets
):
    first = upload(officer_client, "/rulesets", f.QD1048.read_bytes(), "qd1048.yaml")
    second = upload(officer_client, "/rulesets", f.QD1048.read_bytes(), "qd1048.yaml")

    assert first.status_code == 201
    assert first.json()["status"] == "unverified_transcription"
    assert second.status_code == 200
    assert RuleSet.objects.count() == 1


def test_an_invalid_import_is_422_problem_json_listing_every_problem(officer_client, product_sets):
    response = upload(officer_client, "/rulesets", f.INVALID_FIXTURE.read_bytes(), "x.yaml")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "criteria.ruleset_invalid"
    assert {e["code"] for e in body["errors"]} >= {"part_sum", "total_sum"}
    assert RuleSet.objects.count() == 0


def test_a_changed_file_under_an_existing_code_is_409(officer_client, qd1048):
    doc = f.read(f.QD1048)
    doc["title_vi"] = "Khác"

    response = upload(officer_client, "/rulesets", f.to_bytes(doc), "x.yaml")

    assert response.status_code == 409
    assert response.json()["code"] == "criteria.ruleset_code_taken"


def test_an_unreadable_upload_is_422(officer_client, product_sets):
    response = upload(officer_client, "/rulesets", b"\x00\x00", "x.yaml")

    assert response.status_code == 422
    assert response.json()["code"] == "criteria.upload_unreadable"


def test_confirm_moves_to_verified(officer_client, qd1048):
    response = officer_client.post(
        f"{BASE}/rulesets/{QD1048_CODE}/confirm",
        {"note": "Đối chiếu Phụ lục III"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "verified_official"
    again = officer_client.post(
        f"{BASE}/rulesets/{QD1048_CODE}/confirm", {"note": "x"}, content_type="application/json"
    )
    assert again.status_code == 409


def test_inspectors_may_read_but_not_import_or_confirm(inspector_client, qd1048):
    assert inspector_client.get(f"{BASE}/rulesets").status_code == 200
    refused = upload(inspector_client, "/rulesets", f.to_bytes(f.document()), "x.yaml")
    confirm = inspector_client.post(
        f"{BASE}/rulesets/{QD1048_CODE}/confirm", {"note": "x"}, content_type="application/json"
    )

    assert refused.status_code == 403
    assert confirm.status_code == 403
    assert upload(inspector_client, "/rulesets/validate", b"x: 1", "x.yaml").status_code == 403


def test_producers_get_403_and_anonymous_callers_401(client, qd1048):
    assert client.get(f"{BASE}/rulesets").status_code == 401
    client.force_login(user_with_role(Role.PRODUCER))
    assert client.get(f"{BASE}/rulesets").status_code == 403
    assert client.get(f"{BASE}/rulesets/{QD1048_CODE}").status_code == 403


def test_ruleset_for_picks_by_product_set_and_date(inspector_client, shipped):
    ok = inspector_client.get(
        f"{BASE}/ruleset-for", {"product_set": "QD1048-01", "on": "2021-11-22"}
    )
    none = inspector_client.get(
        f"{BASE}/ruleset-for", {"product_set": "QD1048-01", "on": "2024-01-01"}
    )
    skeleton = inspector_client.get(
        f"{BASE}/ruleset-for", {"product_set": "QD148-01", "on": "2024-01-01"}
    )
    frame = inspector_client.get(
        f"{BASE}/ruleset-for",
        {"product_set": "QD148-01", "on": "2024-01-01", "scorable_only": "false"},
    )

    assert ok.status_code == 200 and ok.json()["code"] == QD1048_CODE
    assert none.status_code == 404 and none.json()["code"] == "criteria.no_ruleset"
    assert skeleton.status_code == 409
    assert skeleton.json()["code"] == "criteria.ruleset_not_scorable"
    assert frame.status_code == 200 and frame.json()["code"] == "QD148-2023.skeleton"
