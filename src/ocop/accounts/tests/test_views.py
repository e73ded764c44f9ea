"""HTML pages: my account (tokens shown once), user administration scoped by province."""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ocop.accounts.constants import Role
from ocop.accounts.models import ApiToken, Membership, User
from ocop.accounts.tests.factories import (
    MembershipFactory,
    UserFactory,
    api_token_for,
    user_with_role,
)
from ocop.core.access import declared_access
from ocop.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-ong-rung-U-Minh-2026"


def _accounts_patterns():
    [resolver] = [
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "accounts"
    ]
    return [p for p in resolver.url_patterns if isinstance(p, URLPattern)]


def test_every_accounts_page_declares_its_access_rule():
    patterns = _accounts_patterns()
    assert len(patterns) >= 18
    assert [p.name for p in patterns if declared_access(p.callback) is None] == []


@pytest.mark.parametrize("name", ["accounts:account", "accounts:user_list"])
def test_pages_ask_anonymous_visitors_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- my account -----------------------------------------------------------------------------------------


def test_my_account_shows_my_roles_and_units(client, commune_officer, commune):
    client.force_login(commune_officer)
    body = client.get(reverse("accounts:account")).content.decode()
    assert "Cán bộ OCOP xã" in body
    assert commune.name in body


def test_a_new_token_key_is_shown_once_and_never_cached(client, commune_officer):
    client.force_login(commune_officer)
    response = client.post(
        reverse("accounts:token_create"), {"name": "Phần mềm thống kê", "lifetime": "30"}
    )
    assert response.status_code == 200
    key = response.context["key"]
    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=commune_officer)
    assert token.expires_at is not None
    assert key not in client.get(reverse("accounts:account")).content.decode()


def test_revoking_my_token_from_the_account_page(client, commune_officer):
    token, _ = api_token_for(commune_officer)
    client.force_login(commune_officer)
    response = client.post(reverse("accounts:token_revoke", args=[token.public_id]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_i_cannot_revoke_someone_elses_token(client, commune_officer, officer):
    token, _ = api_token_for(officer)
    client.force_login(commune_officer)
    response = client.post(reverse("accounts:token_revoke", args=[token.public_id]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_editing_my_profile(client, commune_officer):
    client.force_login(commune_officer)
    response = client.post(
        reverse("accounts:account_edit"),
        {"full_name": "Hoàng Văn Nam", "email": "nam@example.test", "preferred_language": "vi"},
    )
    assert response.status_code == 302
    commune_officer.refresh_from_db()
    assert commune_officer.full_name == "Hoàng Văn Nam"


# --- user administration --------------------------------------------------------------------------------


def test_a_province_officer_lists_users_of_their_province_only(
    client, officer, commune_officer, foreign_commune_officer
):
    client.force_login(officer)
    response = client.get(reverse("accounts:user_list"))
    users = list(response.context["page"].object_list)
    assert commune_officer in users
    assert foreign_commune_officer not in users


def test_the_user_list_filters_by_role(client, officer, commune_officer, province):
    inspector = user_with_role(Role.INSPECTOR, province=province)
    client.force_login(officer)
    response = client.get(reverse("accounts:user_list"), {"role": Role.INSPECTOR})
    assert list(response.context["page"].object_list) == [inspector]


def test_a_commune_officer_is_refused_the_user_list(client, commune_officer):
    client.force_login(commune_officer)
    assert client.get(reverse("accounts:user_list")).status_code == 403


def test_a_user_of_another_province_looks_missing(client, officer, foreign_commune_officer):
    client.force_login(officer)
    url = reverse("accounts:user_detail", args=[foreign_commune_officer.public_id])
    assert client.get(url).status_code == 404
    deactivate = reverse("accounts:user_deactivate", args=[foreign_commune_officer.public_id])
    assert client.post(deactivate).status_code == 404
    foreign_commune_officer.refresh_from_db()
    assert foreign_commune_officer.is_active


def test_the_user_page_shows_roles_and_history(client, admin_user, officer, province):
    client.force_login(admin_user)
    response = client.get(reverse("accounts:user_detail", args=[officer.public_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Văn phòng điều phối OCOP tỉnh" in body
    assert province.name in body
    assert 'class="history' in body or 'class="empty"' in body


def test_creating_an_official_with_a_first_role_through_the_form(client, officer, commune):
    client.force_login(officer)
    form_page = client.get(reverse("accounts:user_create"))
    assert 'hx-get="/geo/communes/options"' in form_page.content.decode()
    data = {
        "username": "canbo.xa.moi",
        "full_name": "Bùi Thị Hạnh",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "role": Role.COMMUNE_OFFICER,
        "province": commune.province_id,
        "commune": commune.pk,
        "valid_from": "2026-01-01",
    }
    response = client.post(reverse("accounts:user_create"), data)
    user = User.objects.get(username="canbo.xa.moi")
    assert response["Location"] == reverse("accounts:user_detail", args=[user.public_id])
    membership = user.memberships.get()
    assert (membership.commune, membership.valid_from) == (commune, dt.date(2026, 1, 1))
    detail = client.get(response["Location"]).content.decode()
    assert "Tạo mới" in detail  # the audit history is shown


def test_the_create_form_offers_a_province_officer_only_their_province_and_roles(
    client, officer, province, other_province
):
    client.force_login(officer)
    form = client.get(reverse("accounts:user_create")).context["form"]
    assert list(form.fields["province"].queryset) == [province]
    assert {v for v, _ in form.fields["role"].choices} == {
        Role.COMMUNE_OFFICER,
        Role.INSPECTOR,
        Role.PRODUCER,
    }


def test_a_commune_outside_the_province_is_shown_on_the_form(
    client, admin_user, province, other_commune
):
    client.force_login(admin_user)
    data = {
        "username": "lech.tinh",
        "full_name": "Lê Lệch",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "role": Role.COMMUNE_OFFICER,
        "province": province.pk,
        "commune": other_commune.pk,
    }
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200
    assert "commune" in response.context["form"].errors
    assert not User.objects.filter(username="lech.tinh").exists()


def test_granting_then_ending_a_role_through_the_pages(client, officer, commune, province):
    target = user_with_role(Role.PRODUCER, province=province)
    client.force_login(officer)
    url = reverse("accounts:membership_grant", args=[target.public_id])
    response = client.post(url, {"role": Role.INSPECTOR, "province": province.pk, "commune": ""})
    assert response.status_code == 302
    granted = target.memberships.get(role=Role.INSPECTOR)
    end_url = reverse("accounts:membership_end", args=[target.public_id, granted.public_id])
    assert client.post(end_url).status_code == 302
    granted.refresh_from_db()
    assert granted.valid_to is not None
    assert AuditEvent.objects.filter(action="accounts.membership.end").count() == 1


def test_a_province_officer_is_not_offered_the_province_officer_role(client, officer, province):
    target = user_with_role(Role.PRODUCER, province=province)
    client.force_login(officer)
    url = reverse("accounts:membership_grant", args=[target.public_id])
    response = client.post(url, {"role": Role.PROVINCE_OFFICER, "province": province.pk})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not Membership.objects.filter(user=target, role=Role.PROVINCE_OFFICER).exists()


def test_locking_and_unlocking_an_account(client, officer, commune_officer):
    client.force_login(officer)
    client.post(reverse("accounts:user_deactivate", args=[commune_officer.public_id]))
    commune_officer.refresh_from_db()
    assert not commune_officer.is_active
    client.post(reverse("accounts:user_activate", args=[commune_officer.public_id]))
    commune_officer.refresh_from_db()
    assert commune_officer.is_active


def test_a_province_officer_may_see_but_not_edit_a_peer(client, officer, province):
    peer = MembershipFactory(role=Role.PROVINCE_OFFICER, province=province).user
    client.force_login(officer)
    assert client.get(reverse("accounts:user_detail", args=[peer.public_id])).status_code == 200
    assert client.get(reverse("accounts:user_update", args=[peer.public_id])).status_code == 403
    response = client.post(reverse("accounts:user_deactivate", args=[peer.public_id]))
    assert response.status_code == 403


def test_a_province_officer_is_not_offered_to_grant_roles_to_a_peer(client, officer, province):
    peer = MembershipFactory(role=Role.PROVINCE_OFFICER, province=province).user
    client.force_login(officer)
    detail = client.get(reverse("accounts:user_detail", args=[peer.public_id]))
    assert detail.context["can_grant"] is False
    grant = client.get(reverse("accounts:membership_grant", args=[peer.public_id]))
    assert grant.status_code == 403


def test_the_django_admin_shows_accounts_read_only(client, commune_officer):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    assert client.get("/admin/accounts/user/").status_code == 200
    page = client.get(f"/admin/accounts/user/{commune_officer.pk}/change/")
    assert page.status_code == 200
    assert commune_officer.password not in page.content.decode()
    assert client.get("/admin/accounts/user/add/").status_code == 403
    client.post(
        "/admin/accounts/user/",
        {"action": "deactivate_users", "_selected_action": [commune_officer.pk]},
    )
    commune_officer.refresh_from_db()
    assert commune_officer.is_active is False
    assert AuditEvent.objects.filter(action="accounts.user.deactivate").count() == 1
