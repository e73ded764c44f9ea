"""Security headers on every kind of answer, and `check --deploy` clean in production settings."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from ocop.accounts.tests.factories import UserFactory

# A sample across the kinds of answer: public pages, health, log-in, a signed-in page, the API
# (JSON, problem+json, docs), an HTML 404 and an API 404.
ANONYMOUS_PATHS = [
    "/",
    "/healthz",
    "/readyz",
    "/accounts/login/",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/geo/provinces",
    "/api/v1/no-such-endpoint",
    "/no-such-page/",
]
SIGNED_IN_PATHS = ["/", "/accounts/me/", "/producers/", "/products/", "/api/v1/accounts/me"]


def assert_secure_headers(response, path: str) -> None:
    csp = response.get("Content-Security-Policy", "")
    assert csp, f"{path}: no Content-Security-Policy"
    assert "unsafe-inline" not in csp, f"{path}: CSP allows unsafe-inline"
    assert "unsafe-eval" not in csp, f"{path}: CSP allows unsafe-eval"
    assert "frame-ancestors 'none'" in csp, f"{path}: CSP lacks frame-ancestors 'none'"
    assert response.get("X-Frame-Options") == "DENY", f"{path}: X-Frame-Options"
    assert response.get("X-Content-Type-Options") == "nosniff", f"{path}: nosniff"
    assert response.get("Referrer-Policy"), f"{path}: Referrer-Policy"


@pytest.mark.parametrize("path", ANONYMOUS_PATHS)
def test_anonymous_answers_carry_the_security_headers(db, path):
    response = Client(raise_request_exception=False).get(path)

    assert_secure_headers(response, path)


@pytest.mark.parametrize("path", SIGNED_IN_PATHS)
def test_signed_in_answers_carry_the_security_headers(db, path):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    assert_secure_headers(client.get(path), path)


def test_no_directive_of_the_configured_policy_allows_unsafe_sources():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]

    assert all("'unsafe-inline'" not in v and "'unsafe-eval'" not in v for v in directives.values())
    assert directives["frame-ancestors"] == ["'none'"]


PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "OCOP_SECURE_COOKIES": "1",
    "OCOP_SSL_REDIRECT": "1",
    "OCOP_HSTS_SECONDS": "31536000",
    "DJANGO_ALLOWED_HOSTS": "ocop.example.gov.vn",
}


def test_check_deploy_reports_no_warning_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OCOP_"))},
        **PRODUCTION_ENV,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "OCOP_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout
