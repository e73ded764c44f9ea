"""Password change (ends other sessions) and reset by e-mail (same answer for unknown addresses)."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from ocop.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ocop.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Che-Thai-Nguyen-tan-cuong-2026"
CHANGE = reverse("accounts:password_change")
RESET = reverse("accounts:password_reset")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _logged_in(user) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return client


def _change(client, old=TEST_PASSWORD, new=NEW_PASSWORD, again=None):
    data = {"old_password": old, "new_password": new, "new_password_confirm": again or new}
    return client.post(CHANGE, data)


def test_changing_the_password_keeps_this_session_and_ends_the_others():
    user = UserFactory()
    here, elsewhere = _logged_in(user), _logged_in(user)
    response = _change(here)
    assert response.status_code == 302
    assert here.get(reverse("accounts:account")).status_code == 200
    assert elsewhere.get(reverse("accounts:account")).status_code == 302  # back to log-in
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_wrong_current_password_is_shown_on_its_field():
    user = UserFactory()
    client = _logged_in(user)
    response = _change(client, old="khong-dung-dau")
    assert response.status_code == 422
    assert response.context["form"].errors["old_password"] == ["Mật khẩu hiện tại không đúng."]


def test_mismatched_new_passwords_are_refused_before_any_change():
    user = UserFactory()
    client = _logged_in(user)
    response = _change(client, again=NEW_PASSWORD + "x")
    assert "new_password_confirm" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_a_weak_new_password_is_refused_in_vietnamese():
    client = _logged_in(UserFactory())
    response = _change(client, new="12345678")
    errors = " ".join(response.context["form"].errors["new_password"])
    assert "ít nhất 12 ký tự" in errors
    assert "chữ số" in errors


def test_the_password_change_page_needs_a_login(client):
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- reset by e-mail ----------------------------------------------------------------------------------


def test_a_reset_request_mails_a_one_time_link_that_sets_a_new_password(client):
    user = UserFactory(email="canbo@example.test")
    response = client.post(RESET, {"email": "canbo@example.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["canbo@example.test"]
    assert "Đặt lại mật khẩu" in message.subject
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    data = {"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}
    done = client.post(form_page.redirect_chain[-1][0], data)
    assert done["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="accounts.user.password_set")
    assert (event.actor_label, event.reason) == ("system:password_reset", "password_reset")
    assert client.get(link, follow=True).context["validlink"] is False  # used once


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    UserFactory(email="canbo@example.test")
    known = client.post(RESET, {"email": "canbo@example.test"})
    unknown = client.post(RESET, {"email": "khongco@example.test"})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [m.to for m in mail.outbox] == [["canbo@example.test"]]


def test_a_reset_link_refuses_a_weak_password(client):
    user = UserFactory(email="yeu@example.test")
    client.post(RESET, {"email": "yeu@example.test"})
    link = re.search(r"(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password": "short", "new_password_confirm": "short"}
    )
    assert response.status_code == 200
    assert "new_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


@override_settings(OCOP_LOGIN_MAX_ATTEMPTS=2)
def test_reset_requests_are_rate_limited_per_address(client):
    for n in range(8):
        client.post(RESET, {"email": f"nguoi{n}@example.test"}, REMOTE_ADDR="10.1.0.1")
    blocked = client.post(RESET, {"email": "nguoi9@example.test"}, REMOTE_ADDR="10.1.0.1")
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert "Bạn đã thử quá nhiều lần" in blocked.content.decode()


@override_settings(OCOP_LOGIN_MAX_ATTEMPTS=2)
def test_reset_requests_are_rate_limited_per_address_of_mail(client):
    UserFactory(email="canbo@example.test")
    for n in range(2):
        client.post(RESET, {"email": "canbo@example.test"}, REMOTE_ADDR=f"10.1.1.{n}")
    blocked = client.post(RESET, {"email": "CANBO@example.test"}, REMOTE_ADDR="10.1.1.9")
    assert blocked.status_code == 429
    assert len(mail.outbox) == 2
