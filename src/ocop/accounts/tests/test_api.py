"""/api/v1/accounts: bearer tokens, own tokens, scoped user administration, problem+json."""

import datetime as dt

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.models import ApiToken, User
from ocop.accounts.tests.factories import api_token_for, user_with_role
from ocop.core import clock

pytestmark = pytest.mark.django_db

BASE = "/api/v1/accounts"
PROBLEM = "application/problem+json"
PASSWORD = "Gao-tam-thom-An-Giang-2026"


def _auth(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def bearer(commune_officer):
    _, key = api_token_for(commune_officer)
    return _auth(key)


# --- authentication ----------------------------------------------------------------------------------


def test_a_bearer_token_reads_my_account_with_roles_and_units(client, commune_officer, commune):
    _, key = api_token_for(commune_officer)
    response = client.get(f"{BASE}/me", **_auth(key))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == commune_officer.username
    assert body["full_name"] == commune_officer.full_name
    [role] = body["roles"]
    assert role["role"] == Role.COMMUNE_OFFICER
    assert role["commune"] == {"code": commune.code, "name": commune.name}
    assert role["province"]["code"] == commune.province.code


@pytest.mark.parametrize(
    "token_kwargs",
    [
        {"revoked_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
        {"expires_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
    ],
    ids=["revoked", "expired"],
)
def test_a_revoked_or_expired_token_gets_401_problem_json(client, commune_officer, token_kwargs):
    _, key = api_token_for(commune_officer, **token_kwargs)
    response = client.get(f"{BASE}/me", **_auth(key))
    assert response.status_code == 401
    assert response["Content-Type"].startswith(PROBLEM)
    assert response.json()["code"] == "core.not_authenticated"


def test_a_token_of_a_locked_account_gets_401(client, commune_officer):
    _, key = api_token_for(commune_officer)
    User.objects.filter(pk=commune_officer.pk).update(is_active=False)
    assert client.get(f"{BASE}/me", **_auth(key)).status_code == 401


def test_no_credentials_get_401(client):
    response = client.get(f"{BASE}/me")
    assert response.status_code == 401
    assert response["Content-Type"].startswith(PROBLEM)


# --- own tokens -----------------------------------------------------------------------------------------


def test_a_created_token_shows_its_key_once_and_the_key_works(client, bearer, commune_officer):
    response = client.post(
        f"{BASE}/tokens", {"name": "Cổng dữ liệu"}, content_type="application/json", **bearer
    )
    assert response.status_code == 201
    created = response.json()
    assert created["key"].startswith(created["prefix"])
    listed = client.get(f"{BASE}/tokens", **bearer).json()
    assert {t["name"] for t in listed} == {t.name for t in commune_officer.api_tokens.all()}
    assert all("key" not in t for t in listed)
    assert client.get(f"{BASE}/me", **_auth(created["key"])).status_code == 200


def test_revoking_a_token_stops_it_at_once(client, commune_officer, bearer):
    token, key = api_token_for(commune_officer)
    response = client.delete(f"{BASE}/tokens/{token.public_id}", **bearer)
    assert response.status_code == 204
    assert client.get(f"{BASE}/me", **_auth(key)).status_code == 401


def test_someone_elses_token_looks_missing(client, bearer, officer):
    token, _ = api_token_for(officer)
    response = client.delete(f"{BASE}/tokens/{token.public_id}", **bearer)
    assert response.status_code == 404
    assert response.json()["code"] == "core.not_found"
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_a_token_without_a_name_is_a_422_problem(client, bearer):
    response = client.post(f"{BASE}/tokens", {}, content_type="application/json", **bearer)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "name"


def test_times_are_given_in_vietnam_time(client, commune_officer, bearer):
    api_token_for(commune_officer, expires_at=clock.now() + dt.timedelta(days=3))
    expiring = [t for t in client.get(f"{BASE}/tokens", **bearer).json() if t["expires_at"]]
    assert expiring[0]["expires_at"].endswith("+07:00")


# --- users ------------------------------------------------------------------------------------------------


def test_a_province_officer_lists_only_users_of_their_province(
    client, officer, commune_officer, foreign_commune_officer
):
    _, key = api_token_for(officer)
    body = client.get(f"{BASE}/users", **_auth(key)).json()
    names = {u["username"] for u in body["items"]}
    assert commune_officer.username in names
    assert foreign_commune_officer.username not in names
    assert body["count"] == len(body["items"])


def test_a_commune_officer_may_not_list_users(client, bearer):
    response = client.get(f"{BASE}/users", **bearer)
    assert response.status_code == 403
    assert response["Content-Type"].startswith(PROBLEM)


def test_a_province_officer_creates_an_inspector_in_their_province(client, officer, province):
    _, key = api_token_for(officer)
    payload = {
        "username": "thanhtra.01",
        "password": PASSWORD,
        "full_name": "Đỗ Minh Khoa",
        "membership": {"role": "inspector", "province": province.code},
    }
    response = client.post(f"{BASE}/users", payload, content_type="application/json", **_auth(key))
    assert response.status_code == 201, response.content
    body = response.json()
    assert [m["role"] for m in body["memberships"]] == ["inspector"]
    assert User.objects.get(username="thanhtra.01").password.startswith("argon2")


def test_a_province_officer_cannot_create_a_province_officer(client, officer, province):
    _, key = api_token_for(officer)
    payload = {
        "username": "pho.vanphong",
        "password": PASSWORD,
        "full_name": "Vũ Thị Lan",
        "membership": {"role": "province_officer", "province": province.code},
    }
    response = client.post(f"{BASE}/users", payload, content_type="application/json", **_auth(key))
    assert response.status_code == 403
    assert response.json()["code"] == "accounts.role_not_grantable"
    assert not User.objects.filter(username="pho.vanphong").exists()


def test_a_short_password_is_a_422_naming_the_field(client, admin_user):
    _, key = api_token_for(admin_user)
    payload = {"username": "ngan", "password": "ngan-qua", "full_name": "Ngắn"}
    response = client.post(f"{BASE}/users", payload, content_type="application/json", **_auth(key))
    assert response.status_code == 422
    assert response["Content-Type"].startswith(PROBLEM)
    assert ["password"] in [e["loc"] for e in response.json()["errors"]]


def test_granting_to_a_user_of_another_province_is_404(
    client, officer, province, foreign_commune_officer
):
    _, key = api_token_for(officer)
    response = client.post(
        f"{BASE}/users/{foreign_commune_officer.public_id}/memberships",
        {"role": "inspector", "province": province.code},
        content_type="application/json",
        **_auth(key),
    )
    assert response.status_code == 404


def test_an_unknown_unit_code_is_a_422(client, admin_user, commune_officer):
    _, key = api_token_for(admin_user)
    response = client.post(
        f"{BASE}/users/{commune_officer.public_id}/memberships",
        {"role": "inspector", "province": "ZZ"},
        content_type="application/json",
        **_auth(key),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "accounts.unknown_province"


def test_granting_and_ending_a_membership(client, officer, commune, commune_officer):
    _, key = api_token_for(officer)
    other = user_with_role(Role.PRODUCER, province=commune.province)
    granted = client.post(
        f"{BASE}/users/{other.public_id}/memberships",
        {"role": "commune_officer", "commune": commune.code},
        content_type="application/json",
        **_auth(key),
    )
    assert granted.status_code == 201, granted.content
    assert granted.json()["state"] == "active"
    ended = client.post(
        f"{BASE}/users/{other.public_id}/memberships/{granted.json()['id']}/end",
        {"reason": "Hết nhiệm kỳ"},
        content_type="application/json",
        **_auth(key),
    )
    assert ended.status_code == 200
    assert ended.json()["state"] == "ended"
