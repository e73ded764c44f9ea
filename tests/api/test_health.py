"""/healthz (alive, no database) and /readyz (database reachable, migrations applied)."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client


def test_healthz_answers_ok_without_touching_the_database(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_needs_no_session_or_login():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert "Set-Cookie" not in response


def test_readyz_is_ok_when_the_database_answers_and_is_migrated(db):
    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.fixture
def database_down(db):
    """Every new cursor fails as if the server refused the connection (torn down before db)."""
    refused = OperationalError("connection refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        yield


def test_readyz_is_503_with_retry_after_when_the_database_is_unreachable(database_down):
    response = Client().get("/readyz")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("application/")
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "core.database_unreachable"
    assert response.json()["database"] == "unreachable"
    assert "refused" not in response.content.decode()


def test_readyz_is_503_while_migrations_are_pending(db, monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("m", False)])

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "core.migrations_pending"
    assert response.json()["pending_migrations"] == 1


def test_an_api_call_during_a_database_outage_is_a_503_problem(database_down):
    response = Client(raise_request_exception=False).get(
        "/api/v1/accounts/me", HTTP_AUTHORIZATION="Bearer ocop_some-token"
    )

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "core.unavailable"
    assert int(response["Retry-After"]) > 0


def test_readyz_is_503_while_an_apps_readiness_check_fails(db, monkeypatch):
    from ocop.core import readiness

    monkeypatch.setattr(readiness, "_CHECKS", dict(readiness._CHECKS))
    readiness.register(
        "test.broken", lambda: readiness.NotReady("test.not_ready", "Chưa sẵn sàng.", 7)
    )

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    assert response.json()["code"] == "test.not_ready"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="lookup functions: PostgreSQL only")
def test_readyz_is_503_while_the_verification_lookup_functions_are_missing(db):
    from ocop.stamps import verify

    name = verify.LOOKUPS[0].function_name()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP FUNCTION {name}(bigint)")

    missing = Client().get("/readyz")
    verify.install_lookup_functions()
    ready = Client().get("/readyz")

    assert missing.status_code == 503
    assert missing.json()["code"] == "stamps.lookup_functions_missing"
    assert ready.status_code == 200
