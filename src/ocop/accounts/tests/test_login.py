"""Web log-in: success, failure, throttling per account and per address, no enumeration."""

import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from ocop.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
WRONG_MESSAGE = "Tên đăng nhập hoặc mật khẩu không đúng."
THROTTLE_MESSAGE = "Bạn đã thử quá nhiều lần"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Hundreds of password checks here; Argon2 itself is asserted in test_services."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _post(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _normalised(response, username: str) -> str:
    """The page without what differs by design: CSRF tokens and the echoed username."""
    body = response.content.decode()
    body = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1-", body)
    body = re.sub(r'(name="csrf-token" content=")[^"]+', r"\1-", body)
    return body.replace(f'value="{username}"', 'value="-"')


def test_the_login_page_labels_its_fields_in_vietnamese(client):
    body = client.get(LOGIN).content.decode()
    assert '<label for="id_username">Tên đăng nhập' in body
    assert '<label for="id_password">Mật khẩu' in body


def test_a_correct_password_logs_in_with_a_new_session_key(client):
    user = UserFactory()
    session = client.session
    session["before_login"] = True
    session.save()
    old_key = session.session_key
    response = _post(client, user.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session.session_key != old_key
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_safe_next_address_is_followed_and_a_foreign_one_is_not(client):
    user = UserFactory()
    ok = client.post(
        LOGIN + "?next=/accounts/me/", {"username": user.username, "password": TEST_PASSWORD}
    )
    assert ok["Location"] == "/accounts/me/"
    client.logout()
    evil = client.post(
        LOGIN + "?next=https://evil.example/",
        {"username": user.username, "password": TEST_PASSWORD},
    )
    assert evil["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def test_a_wrong_password_is_refused_with_a_vietnamese_message(client):
    user = UserFactory()
    response = _post(client, user.username, "sai-mat-khau")
    assert response.status_code == 200
    assert WRONG_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_account_and_wrong_password_give_the_same_page(client):
    user = UserFactory(username="canbo01")
    wrong = _post(client, "canbo01", "sai-mat-khau")
    unknown = _post(client, "khongcoai", "sai-mat-khau")
    assert wrong.status_code == unknown.status_code == 200
    assert _normalised(wrong, "canbo01") == _normalised(unknown, "khongcoai")
    assert user.username == "canbo01"


def test_a_locked_account_gets_the_same_answer_as_a_wrong_password(client):
    locked = UserFactory(is_active=False)
    response = _post(client, locked.username, TEST_PASSWORD)
    assert response.status_code == 200
    assert WRONG_MESSAGE in response.content.decode()


@override_settings(OCOP_LOGIN_MAX_ATTEMPTS=3, OCOP_LOGIN_WINDOW_SECONDS=600)
def test_after_the_allowed_failures_an_account_gets_429_with_retry_after(client):
    user = UserFactory()
    for _ in range(3):
        assert _post(client, user.username, "sai-mat-khau").status_code == 200
    blocked = _post(client, user.username, TEST_PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    assert 0 < int(blocked["Retry-After"]) <= 600
    assert THROTTLE_MESSAGE in blocked.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(OCOP_LOGIN_MAX_ATTEMPTS=3)
def test_the_account_limit_holds_from_any_address_and_ignores_case(client):
    user = UserFactory(username="canbo02")
    for n in range(3):
        _post(client, "canbo02", "sai-mat-khau", address=f"10.0.1.{n}")
    assert _post(client, "CANBO02", "sai-mat-khau", address="10.0.2.1").status_code == 429
    assert user.is_active


@override_settings(OCOP_LOGIN_MAX_ATTEMPTS=3)
def test_an_unknown_account_is_throttled_exactly_like_a_real_one(client):
    real = UserFactory(username="canbo03")
    pages = {}
    for name in (real.username, "khongcoai03"):
        for _ in range(3):
            _post(client, name, "sai-mat-khau", address="10.0.3.1")
        pages[name] = _post(client, name, "sai-mat-khau", address="10.0.3.2")
    assert pages["canbo03"].status_code == pages["khongcoai03"].status_code == 429
    assert _normalised(pages["canbo03"], "canbo03") == _normalised(
        pages["khongcoai03"], "khongcoai03"
    )


@override_settings(OCOP_LOGIN_MAX_ATTEMPTS=5, OCOP_LOGIN_MAX_ATTEMPTS_PER_ADDRESS=4)
def test_one_address_failing_across_many_accounts_is_throttled(client):
    for n in range(4):
        _post(client, f"doan{n}", "sai-mat-khau", address="10.0.4.1")
    fresh = UserFactory()
    blocked = _post(client, fresh.username, TEST_PASSWORD, address="10.0.4.1")
    assert blocked.status_code == 429
    assert "Retry-After" in blocked
    other_address = _post(client, fresh.username, TEST_PASSWORD, address="10.0.4.2")
    assert other_address.status_code == 302


@override_settings(OCOP_LOGIN_MAX_ATTEMPTS=3)
def test_a_successful_login_clears_the_accounts_failures(client):
    user = UserFactory()
    for _ in range(2):
        _post(client, user.username, "sai-mat-khau")
    assert _post(client, user.username, TEST_PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        _post(client, user.username, "sai-mat-khau")
    assert _post(client, user.username, TEST_PASSWORD).status_code == 302


def test_the_client_address_is_remote_addr_and_forwarded_headers_are_ignored(rf):
    from ocop.accounts.throttle import client_address

    request = rf.post(LOGIN, REMOTE_ADDR="10.0.5.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.0.5.1"


@override_settings(OCOP_TRUSTED_PROXIES=["10.0.0.254"])
def test_a_configured_trusted_proxy_passes_on_the_client_address(rf):
    from ocop.accounts.throttle import client_address

    request = rf.post(LOGIN, REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="9.9.9.9, 1.2.3.4")
    assert client_address(request) == "1.2.3.4"


def test_logging_out_takes_a_post(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
