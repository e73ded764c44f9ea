"""Site middleware: the slash redirect keeps working, and a 404 answered by a view costs no
second URL resolution."""

import pytest
from django.middleware import common
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_path_missing_its_slash_is_still_redirected_to_the_view_with_it():
    response = Client().get("/accounts/login")

    assert response.status_code == 301
    assert response["Location"] == "/accounts/login/"


def test_a_404_answered_by_a_view_is_not_resolved_again(monkeypatch):
    calls = []
    real = common.is_valid_path

    def counting(path, urlconf=None):
        calls.append(path)
        return real(path, urlconf)

    monkeypatch.setattr(common, "is_valid_path", counting)

    answered = Client().get("/api/v1/public/verify/0000000000000A000000000000000")
    unknown = Client().get("/khong-co-trang-nay")

    assert answered.status_code in (400, 404)
    assert unknown.status_code == 404
    assert calls == ["/khong-co-trang-nay", "/khong-co-trang-nay/"]
