"""Jurisdiction: who sees which accounts, and the validity window of memberships."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.accounts import policies, selectors
from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import MembershipFactory, UserFactory, actor_for, user_with_role
from ocop.core import clock
from ocop.core.errors import NotFound

pytestmark = pytest.mark.django_db


# --- actor_for_user and the validity window --------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "in_force"),
    [
        (None, None, True),
        (dt.date(2026, 5, 20), None, True),  # first day included
        (None, dt.date(2026, 5, 20), True),  # last day included
        (dt.date(2026, 5, 21), None, False),  # not yet
        (None, dt.date(2026, 5, 19), False),  # ended
    ],
)
def test_a_membership_grants_its_role_only_within_its_validity_window(
    province, valid_from, valid_to, in_force
):
    user = UserFactory()
    MembershipFactory(
        user=user,
        role=Role.INSPECTOR,
        province=province,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    with clock.freeze(dt.date(2026, 5, 20)):
        actor = actor_for(user)
    assert actor.covers(Role.INSPECTOR, province_id=province.pk) is in_force


def test_a_superuser_acts_as_administrator_without_a_membership(db):
    actor = actor_for(UserFactory(is_superuser=True))
    assert actor.has_role(Role.ADMIN)


# --- user_list / user_get ---------------------------------------------------------------------------


def test_an_administrator_sees_every_account(admin_user, commune_officer, foreign_commune_officer):
    seen = set(selectors.user_list(actor=actor_for(admin_user)))
    assert {commune_officer, foreign_commune_officer} <= seen


def test_a_province_officer_sees_only_accounts_with_a_role_in_their_province(
    officer, commune_officer, foreign_commune_officer
):
    seen = set(selectors.user_list(actor=actor_for(officer)))
    assert commune_officer in seen
    assert foreign_commune_officer not in seen


def test_an_account_from_another_province_looks_missing(officer, foreign_commune_officer):
    with pytest.raises(NotFound):
        selectors.user_get(actor=actor_for(officer), public_id=foreign_commune_officer.public_id)


def test_an_ended_role_keeps_the_account_visible_to_its_former_province(officer, province):
    user = UserFactory()
    MembershipFactory(
        user=user, role=Role.INSPECTOR, province=province, valid_to=dt.date(2020, 1, 1)
    )
    found = selectors.user_get(actor=actor_for(officer), public_id=user.public_id)
    assert found == user


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.INSPECTOR, Role.PRODUCER])
def test_other_roles_see_no_accounts(commune, role):
    actor = actor_for(user_with_role(role, commune=commune))
    assert not policies.can_view_users(actor)
    assert list(selectors.user_list(actor=actor)) == []


def test_search_ignores_accents_and_case(admin_user):
    wanted = UserFactory(full_name="Nguyễn Thị Hương")
    UserFactory(full_name="Phạm Văn Long")
    found = list(selectors.user_list(actor=actor_for(admin_user), q="NGUYEN thi huong"))
    assert found == [wanted]


def test_role_filter_keeps_holders_of_that_role_in_force(admin_user, commune, province):
    holder = user_with_role(Role.COMMUNE_OFFICER, commune=commune)
    former = UserFactory()
    MembershipFactory(
        user=former,
        role=Role.COMMUNE_OFFICER,
        province=province,
        commune=commune,
        valid_to=dt.date(2020, 1, 1),
    )
    found = set(selectors.user_list(actor=actor_for(admin_user), role=Role.COMMUNE_OFFICER))
    assert holder in found
    assert former not in found


def _queries_to_list(actor) -> int:
    with CaptureQueriesContext(connection) as ctx:
        for user in selectors.user_list(actor=actor):
            for m in user.memberships.all():
                str(m.province), str(m.commune)
    return len(ctx.captured_queries)


def test_the_user_list_costs_the_same_queries_for_2_and_for_20_accounts(officer, commune):
    actor = actor_for(officer)
    for _ in range(1):
        user_with_role(Role.COMMUNE_OFFICER, commune=commune)
    small = _queries_to_list(actor)
    for _ in range(18):
        user_with_role(Role.COMMUNE_OFFICER, commune=commune)
    assert _queries_to_list(actor) == small <= 2


# --- management policy --------------------------------------------------------------------------------


def test_a_province_officer_manages_an_account_whose_roles_all_lie_in_their_province(
    officer, commune_officer
):
    assert policies.can_manage_users(actor_for(officer), commune_officer)


def test_a_province_officer_does_not_manage_someone_also_serving_elsewhere(
    officer, commune_officer, other_province
):
    MembershipFactory(user=commune_officer, role=Role.INSPECTOR, province=other_province)
    actor = actor_for(officer)
    user = selectors.user_get(actor=actor, public_id=commune_officer.public_id)
    assert not policies.can_manage_users(actor, user)


def test_a_province_officer_does_not_manage_an_administrator(officer, province):
    admin = user_with_role(Role.ADMIN)
    MembershipFactory(user=admin, role=Role.INSPECTOR, province=province)
    actor = actor_for(officer)
    user = selectors.user_get(actor=actor, public_id=admin.public_id)
    assert not policies.can_manage_users(actor, user)
