"""Every error under /api/v1 is RFC 9457 problem+json with a stable code, Vietnamese by default."""

import logging

import pytest
from django.test import Client

from ocop.accounts.tests.factories import UserFactory
from tests.api.openapi_tools import operations
from tests.api.problem_urls import SECRET

PROBLEM = "application/problem+json"
NOT_FOUND_TITLE_VI = "Không tìm thấy"


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"].endswith(code)
    assert body["title"]
    assert body["detail"]
    return body


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


# --- the real URLconf ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_unknown_api_path_is_a_404_problem(client, method):
    response = getattr(client, method)("/api/v1/no-such-thing/here")

    body = assert_problem(response, 404, "core.not_found")
    assert body["title"] == NOT_FOUND_TITLE_VI
    assert response["Content-Language"] == "vi"


def test_the_problem_is_in_english_when_the_request_asks_for_it(client, english_catalogue):
    english_catalogue({NOT_FOUND_TITLE_VI: "Not found"})

    english = client.get("/api/v1/no-such-thing", HTTP_ACCEPT_LANGUAGE="en")
    default = client.get("/api/v1/no-such-thing")

    assert assert_problem(english, 404, "core.not_found")["title"] == "Not found"
    assert english["Content-Language"] == "en"
    assert assert_problem(default, 404, "core.not_found")["title"] == NOT_FOUND_TITLE_VI


def test_unknown_paths_outside_the_api_stay_html(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith(PROBLEM)


def test_every_authenticated_operation_answers_anonymous_calls_with_a_401_problem(db, client):
    for operation in operations():
        if operation.is_public:
            continue
        response = getattr(client, operation.method)(operation.sample_url())
        assert response.status_code == 401, (operation.operation_id, response.content)
        assert_problem(response, 401, "core.not_authenticated")


def test_a_method_an_api_path_does_not_serve_is_a_405_problem(db, client):
    served: dict[str, set[str]] = {}
    for operation in operations():
        served.setdefault(operation.sample_url(), set()).add(operation.method)
    checked = 0
    for url, methods in served.items():
        unserved = next(m for m in ("delete", "put", "patch", "post", "get") if m not in methods)
        response = getattr(client, unserved)(url)
        assert_problem(response, 405, "core.method_not_allowed")
        assert set(response["Allow"].lower().replace(" ", "").split(",")) >= methods
        checked += 1
    assert checked > 0


# --- a test-only API with the same handlers -----------------------------------------------------

on_test_api = pytest.mark.urls("tests.api.problem_urls")


@on_test_api
def test_an_anonymous_call_is_a_401_problem(client):
    assert_problem(client.get("/api/v1/ping"), 401, "core.not_authenticated")


@on_test_api
def test_an_anonymous_unsafe_call_without_cookies_is_401_not_a_csrf_failure(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/api/v1/echo", data={"name": "x", "count": 1})

    assert_problem(response, 401, "core.not_authenticated")


@on_test_api
def test_a_session_call_without_a_csrf_token_is_a_403_problem(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())

    response = client.post(
        "/api/v1/echo", data={"name": "x", "count": 1}, content_type="application/json"
    )

    assert_problem(response, 403, "core.csrf_failed")


@on_test_api
def test_a_wrong_method_is_a_405_problem_that_names_the_allowed_ones(client):
    response = client.delete("/api/v1/ping")

    body = assert_problem(response, 405, "core.method_not_allowed")
    assert "DELETE" in body["detail"]
    assert "GET" in response["Allow"]


@on_test_api
def test_an_unexpected_exception_is_a_500_problem_without_internals(client, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/boom")

    assert_problem(response, 500, "core.internal_error")
    assert SECRET not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert any(r.exc_info and SECRET in str(r.exc_info[1]) for r in caplog.records)


@on_test_api
def test_an_exception_in_a_plain_django_view_under_the_api_is_a_500_problem(client):
    response = client.get("/api/v1/plain-boom")

    assert_problem(response, 500, "core.internal_error")
    assert SECRET not in response.content.decode()


@on_test_api
def test_an_exception_outside_the_api_keeps_the_html_error_page(client):
    response = client.get("/elsewhere/boom")

    assert response.status_code == 500
    assert not response["Content-Type"].startswith(PROBLEM)


@on_test_api
def test_an_unreachable_database_is_a_503_problem_with_retry_after(client):
    response = client.get("/api/v1/database-down")

    assert_problem(response, 503, "core.unavailable")
    assert int(response["Retry-After"]) > 0
    assert SECRET not in response.content.decode()


@on_test_api
def test_an_unreachable_database_outside_ninja_is_also_a_503_problem(client):
    response = client.get("/api/v1/plain-database-down")

    assert_problem(response, 503, "core.unavailable")
    assert int(response["Retry-After"]) > 0


@on_test_api
def test_a_domain_error_keeps_its_code_and_message(client):
    body = assert_problem(client.get("/api/v1/domain-missing"), 404, "core.not_found")

    assert body["detail"] == "Không tìm thấy đối tượng hoặc bạn không có quyền xem."


@on_test_api
def test_djangos_http404_inside_an_endpoint_is_a_404_problem(client):
    response = client.get("/api/v1/django-missing")

    assert_problem(response, 404, "core.not_found")
    assert SECRET not in response.content.decode()


@on_test_api
def test_invalid_input_is_a_422_problem_listing_each_field(db):
    client = Client()
    client.force_login(UserFactory())

    response = client.post(
        "/api/v1/echo", data={"name": "x", "count": "many"}, content_type="application/json"
    )

    body = assert_problem(response, 422, "core.validation_failed")
    assert [e["loc"][-1] for e in body["errors"]] == ["count"]
    assert all(e["code"] and e["message"] for e in body["errors"])


@on_test_api
def test_rewritten_problems_keep_the_security_headers(client):
    response = client.get("/api/v1/boom")

    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
