import datetime as dt
import hashlib

import pytest

from ocop.accounts import services
from ocop.accounts.constants import MAX_ACTIVE_API_TOKENS, Role
from ocop.accounts.errors import (
    CannotDeactivateSelf,
    MembershipAlreadyEnded,
    RoleNotGrantable,
    TokenAlreadyRevoked,
    TooManyTokens,
)
from ocop.accounts.models import ApiToken, Membership, User
from ocop.accounts.tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    UserFactory,
    actor_for,
    api_token_for,
)
from ocop.core import clock
from ocop.core.actor import Actor
from ocop.core.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from ocop.core.models import AuditEvent
from ocop.geo.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Nuoc-mam-Phu-Quoc-2026"


def _create(actor, **kwargs):
    data = {"username": "canbo.xa", "password": GOOD_PASSWORD, "full_name": "Trần Thị Bình"}
    return services.user_create(actor=actor, **{**data, **kwargs})


def _actions(obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).values_list("action", flat=True)
    )


# --- user_create -----------------------------------------------------------------------------------


def test_a_created_users_password_is_hashed_with_argon2id(admin_user):
    user = _create(actor_for(admin_user))
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(GOOD_PASSWORD)


def test_a_password_shorter_than_twelve_characters_is_refused_and_nothing_is_saved(admin_user):
    before = User.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _create(actor_for(admin_user), password="Ng4n-qua!")
    assert {"loc": ["password"], "code": "password_too_short"} in [
        {"loc": e["loc"], "code": e["code"]} for e in exc.value.errors
    ]
    assert "12" in exc.value.errors[0]["message"]
    assert User.objects.count() == before


def test_a_common_password_is_refused_with_a_vietnamese_message(admin_user):
    with pytest.raises(ValidationFailed) as exc:
        _create(actor_for(admin_user), password="Q1w2e3r4t5y6")
    codes = {e["code"] for e in exc.value.errors}
    assert "password_too_common" in codes
    assert any("phổ biến" in e["message"] for e in exc.value.errors)


def test_a_username_differing_only_in_case_is_taken(admin_user):
    UserFactory(username="canbo.xa")
    with pytest.raises(ValidationFailed) as exc:
        _create(actor_for(admin_user), username="CanBo.Xa")
    assert exc.value.code == "accounts.username_taken"


def test_an_email_already_used_is_refused(admin_user):
    UserFactory(email="chung@example.test")
    with pytest.raises(ValidationFailed) as exc:
        _create(actor_for(admin_user), email="Chung@Example.test")
    assert exc.value.errors[0]["loc"] == ["email"]


def test_a_province_officer_must_give_the_new_account_a_role(officer):
    with pytest.raises(ValidationFailed) as exc:
        _create(actor_for(officer))
    assert exc.value.code == "accounts.role_required"


def test_a_province_officer_creates_a_commune_officer_in_their_province(officer, commune):
    user = _create(actor_for(officer), role=Role.COMMUNE_OFFICER, commune=commune)
    membership = user.memberships.get()
    assert (membership.role, membership.province_id, membership.commune_id) == (
        Role.COMMUNE_OFFICER,
        commune.province_id,
        commune.pk,
    )
    assert _actions(user) == ["accounts.user.create"]
    assert _actions(membership) == ["accounts.membership.grant"]


def test_a_failed_first_grant_leaves_no_account_behind(officer, other_commune):
    before = User.objects.count()
    with pytest.raises(RoleNotGrantable):
        _create(actor_for(officer), role=Role.COMMUNE_OFFICER, commune=other_commune)
    assert User.objects.count() == before


def test_a_commune_officer_cannot_create_accounts(commune_officer):
    with pytest.raises(PermissionDenied):
        _create(actor_for(commune_officer), role=Role.PRODUCER)


def test_an_anonymous_actor_is_asked_to_log_in(db):
    with pytest.raises(NotAuthenticated):
        _create(Actor.anonymous())


# --- membership_grant ------------------------------------------------------------------------------


def test_a_commune_must_belong_to_the_chosen_province(admin_user, province, other_commune):
    user = UserFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.membership_grant(
            actor=actor_for(admin_user),
            user=user,
            role=Role.COMMUNE_OFFICER,
            province=province,
            commune=other_commune,
        )
    assert exc.value.code == "accounts.commune_outside_province"
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("role", "with_province", "with_commune", "code"),
    [
        (Role.PROVINCE_OFFICER, False, False, "accounts.province_required"),
        (Role.INSPECTOR, False, False, "accounts.province_required"),
        (Role.COMMUNE_OFFICER, True, False, "accounts.commune_required"),
        (Role.PROVINCE_OFFICER, True, True, "accounts.commune_not_allowed"),
        (Role.ADMIN, True, False, "accounts.admin_has_no_unit"),
    ],
)
def test_unit_rules_of_each_role(admin_user, commune, role, with_province, with_commune, code):
    with pytest.raises(ValidationFailed) as exc:
        services.membership_grant(
            actor=actor_for(admin_user),
            user=UserFactory(),
            role=role,
            province=commune.province if with_province else None,
            commune=commune if with_commune else None,
        )
    assert exc.value.code == code


def test_a_period_ending_before_it_starts_is_refused(admin_user, province):
    with pytest.raises(ValidationFailed) as exc:
        services.membership_grant(
            actor=actor_for(admin_user),
            user=UserFactory(),
            role=Role.INSPECTOR,
            province=province,
            valid_from=dt.date(2026, 3, 1),
            valid_to=dt.date(2026, 2, 1),
        )
    assert exc.value.code == "accounts.dates_reversed"


def test_a_commune_alone_implies_its_province(officer, commune):
    membership = services.membership_grant(
        actor=actor_for(officer), user=UserFactory(), role=Role.INSPECTOR, commune=commune
    )
    assert membership.province_id == commune.province_id


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PROVINCE_OFFICER, Role.COUNCIL_MEMBER])
def test_a_province_officer_cannot_grant_roles_reserved_to_administrators(officer, province, role):
    with pytest.raises(RoleNotGrantable) as exc:
        services.membership_grant(
            actor=actor_for(officer),
            user=UserFactory(),
            role=role,
            province=None if role == Role.ADMIN else province,
        )
    assert exc.value.status == 403


def test_a_province_officer_cannot_grant_in_another_province(officer, other_province):
    with pytest.raises(RoleNotGrantable):
        services.membership_grant(
            actor=actor_for(officer),
            user=UserFactory(),
            role=Role.INSPECTOR,
            province=other_province,
        )


def test_a_province_officer_cannot_add_roles_to_someone_serving_elsewhere(
    officer, province, foreign_commune_officer
):
    with pytest.raises(RoleNotGrantable):
        services.membership_grant(
            actor=actor_for(officer),
            user=foreign_commune_officer,
            role=Role.INSPECTOR,
            province=province,
        )


def test_an_administrator_grants_a_province_officer_role(admin_user, province):
    user = UserFactory()
    membership = services.membership_grant(
        actor=actor_for(admin_user), user=user, role=Role.PROVINCE_OFFICER, province=province
    )
    assert actor_for(user).covers(Role.PROVINCE_OFFICER, province_id=province.pk)
    assert _actions(membership) == ["accounts.membership.grant"]


def test_the_same_role_over_the_same_unit_twice_in_overlapping_periods_is_refused(
    admin_user, province
):
    user = UserFactory()
    kwargs = {"user": user, "role": Role.INSPECTOR, "province": province}
    services.membership_grant(actor=actor_for(admin_user), **kwargs)
    with pytest.raises(Conflict) as exc:
        services.membership_grant(actor=actor_for(admin_user), **kwargs)
    assert exc.value.code == "accounts.membership_exists"


# --- membership_end ----------------------------------------------------------------------------------


def test_ending_a_membership_makes_yesterday_its_last_day_and_audits(officer, commune):
    target = UserFactory()
    membership = MembershipFactory(
        user=target, role=Role.COMMUNE_OFFICER, province=commune.province, commune=commune
    )
    with clock.freeze(dt.date(2026, 5, 20)):
        services.membership_end(actor=actor_for(officer), membership=membership, reason="Nghỉ hưu")
        assert not actor_for(target).has_role(Role.COMMUNE_OFFICER)
    membership.refresh_from_db()
    assert membership.valid_to == dt.date(2026, 5, 19)
    event = AuditEvent.objects.get(action="accounts.membership.end")
    assert (event.reason, event.after) == ("Nghỉ hưu", {"valid_to": "2026-05-19"})


def test_a_membership_cannot_be_ended_twice(admin_user, province):
    membership = MembershipFactory(role=Role.INSPECTOR, province=province)
    services.membership_end(actor=actor_for(admin_user), membership=membership)
    with pytest.raises(MembershipAlreadyEnded):
        services.membership_end(actor=actor_for(admin_user), membership=membership)


def test_a_province_officer_cannot_end_a_role_in_another_province(officer, other_province):
    membership = MembershipFactory(role=Role.INSPECTOR, province=other_province)
    with pytest.raises(PermissionDenied):
        services.membership_end(actor=actor_for(officer), membership=membership)


# --- user_update, user_deactivate, user_activate ---------------------------------------------------


def test_updating_a_profile_records_only_the_changed_fields(commune_officer):
    services.user_update(
        actor=actor_for(commune_officer),
        user=commune_officer,
        full_name="Lê Văn Cường",
        phone="0912345678",
    )
    commune_officer.refresh_from_db()
    assert commune_officer.name_search.startswith("le van cuong")
    event = AuditEvent.objects.get(action="accounts.user.update")
    assert event.after == {"full_name": "Lê Văn Cường", "phone": "0912345678"}


def test_a_province_officer_cannot_edit_another_province_officer(officer, province):
    peer = MembershipFactory(role=Role.PROVINCE_OFFICER, province=province).user
    with pytest.raises(PermissionDenied):
        services.user_update(actor=actor_for(officer), user=peer, full_name="X")


def test_deactivating_an_account_locks_it_and_audits(officer, commune_officer):
    services.user_deactivate(
        actor=actor_for(officer), user=commune_officer, reason="Chuyển công tác"
    )
    commune_officer.refresh_from_db()
    assert commune_officer.is_active is False
    assert _actions(commune_officer)[-1] == "accounts.user.deactivate"
    services.user_activate(actor=actor_for(officer), user=commune_officer)
    commune_officer.refresh_from_db()
    assert commune_officer.is_active is True
    assert _actions(commune_officer)[-1] == "accounts.user.activate"


def test_nobody_locks_their_own_account(admin_user):
    with pytest.raises(CannotDeactivateSelf):
        services.user_deactivate(actor=actor_for(admin_user), user=admin_user)


def test_a_province_officer_cannot_lock_a_user_of_another_province(
    officer, foreign_commune_officer
):
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=actor_for(officer), user=foreign_commune_officer)


# --- passwords ---------------------------------------------------------------------------------------


def test_changing_a_password_needs_the_current_one(commune_officer):
    with pytest.raises(ValidationFailed) as exc:
        services.password_change(
            actor=actor_for(commune_officer),
            user=commune_officer,
            old_password="sai-mat-khau",
            new_password=GOOD_PASSWORD,
        )
    assert exc.value.code == "accounts.wrong_password"
    assert exc.value.errors[0]["loc"] == ["old_password"]


def test_changing_a_password_stores_the_new_one_and_audits_without_it(commune_officer):
    services.password_change(
        actor=actor_for(commune_officer),
        user=commune_officer,
        old_password=TEST_PASSWORD,
        new_password=GOOD_PASSWORD,
    )
    commune_officer.refresh_from_db()
    assert commune_officer.check_password(GOOD_PASSWORD)
    event = AuditEvent.objects.get(action="accounts.user.password_change")
    assert GOOD_PASSWORD not in str(event.after) + str(event.before)


def test_nobody_changes_another_persons_password_with_password_change(admin_user, commune_officer):
    with pytest.raises(PermissionDenied):
        services.password_change(
            actor=actor_for(admin_user),
            user=commune_officer,
            old_password=TEST_PASSWORD,
            new_password=GOOD_PASSWORD,
        )


def test_a_new_password_too_short_is_refused(commune_officer):
    with pytest.raises(ValidationFailed) as exc:
        services.password_change(
            actor=actor_for(commune_officer),
            user=commune_officer,
            old_password=TEST_PASSWORD,
            new_password="ngan",
        )
    assert exc.value.errors[0]["loc"] == ["new_password"]


# --- API tokens --------------------------------------------------------------------------------------


def test_a_token_is_stored_as_its_sha256_only(commune_officer):
    token, key = services.api_token_create(
        actor=actor_for(commune_officer), name="Phần mềm kế toán"
    )
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix)
    assert len(token.prefix) < len(key) // 2
    event = AuditEvent.objects.get(action="accounts.api_token.create")
    assert "key_hash" not in event.after
    assert key not in str(event.after)


def test_a_token_expiring_in_the_past_is_refused(commune_officer):
    with pytest.raises(ValidationFailed) as exc:
        services.api_token_create(
            actor=actor_for(commune_officer),
            name="Cũ",
            expires_at=clock.now() - dt.timedelta(minutes=1),
        )
    assert exc.value.code == "accounts.in_past"


def test_an_account_holds_a_bounded_number_of_live_tokens(commune_officer):
    for _ in range(MAX_ACTIVE_API_TOKENS):
        api_token_for(commune_officer)
    api_token_for(commune_officer, revoked_at=clock.now())
    with pytest.raises(TooManyTokens):
        services.api_token_create(actor=actor_for(commune_officer), name="Một mã nữa")


def test_only_the_owner_or_an_administrator_revokes_a_token(commune_officer, officer, admin_user):
    token, _ = api_token_for(commune_officer)
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=actor_for(officer), token=token)
    services.api_token_revoke(actor=actor_for(admin_user), token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    with pytest.raises(TokenAlreadyRevoked):
        services.api_token_revoke(actor=actor_for(commune_officer), token=token)


# --- every service audits ------------------------------------------------------------------------------


def test_every_service_writes_an_audit_entry(admin_user, province):
    admin = actor_for(admin_user)
    commune = CommuneFactory(province=province)
    user = _create(admin, role=Role.INSPECTOR, province=province)
    services.user_update(actor=admin, user=user, title="Thanh tra viên")
    membership = services.membership_grant(
        actor=admin, user=user, role=Role.COMMUNE_OFFICER, commune=commune
    )
    services.membership_end(actor=admin, membership=membership)
    services.user_deactivate(actor=admin, user=user)
    services.user_activate(actor=admin, user=user)
    services.password_change(
        actor=actor_for(user),
        user=user,
        old_password=GOOD_PASSWORD,
        new_password=GOOD_PASSWORD + "!",
    )
    services.password_set(
        actor=Actor.system("password_reset"), user=user, new_password=GOOD_PASSWORD + "?"
    )
    token, _ = services.api_token_create(actor=actor_for(user), name="Kết nối")
    services.api_token_revoke(actor=actor_for(user), token=token)
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "accounts.user.create",
        "accounts.membership.grant",
        "accounts.user.update",
        "accounts.membership.grant",
        "accounts.membership.end",
        "accounts.user.deactivate",
        "accounts.user.activate",
        "accounts.user.password_change",
        "accounts.user.password_set",
        "accounts.api_token.create",
        "accounts.api_token.revoke",
    ]
