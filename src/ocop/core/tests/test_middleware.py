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


# --- a NUL in the path --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/certificates/A%00B/",  # the public look-up by number: once a 500 on PostgreSQL
        "/certificates/%00/",
        "/criteria/%00/",
    ],
)
def test_a_nul_in_the_path_is_a_clear_400(url):
    response = Client().get(url)

    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_under_the_api_a_nul_in_the_path_is_a_400_problem():
    response = Client().get("/api/v1/geo/provinces/%00/communes")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "core.bad_request"
