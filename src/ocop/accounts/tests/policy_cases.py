"""Who may reach the accounts pages and API (see ocop.core.testing for the format).

Log-in, log-out and password reset are public; "my account" is for any signed-in person;
user administration is for administrators everywhere and province officers over accounts of
their province (here: the commune officer of each area).
"""

from tests.api.factories import ApiTokenFactory

from ocop.accounts.tests.factories import UserFactory
from ocop.core.testing import ADMIN, EVERYONE, NOBODY, PROVINCE_OFFICER, SIGNED_IN, api, html

USER_ADMINS = {ADMIN, PROVINCE_OFFICER}
PASSWORD = "Mat-khau-rat-manh-cho-thu-nghiem-2026"


def _my_token(c):
    """A token of the acting user (of another user when anonymous)."""
    return ApiTokenFactory(user=c.me or UserFactory())


def _someone_elses_token(c):
    return ApiTokenFactory(user=c.user)


def _deactivated(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def _account(c) -> dict:
    return {"user_id": c.user.public_id}


def _new_account(c) -> dict:
    return {
        "username": f"matrix-user-{c.seq}",
        "password": PASSWORD,
        "full_name": "Cán bộ Thử Nghiệm",
        "membership": {
            "role": "commune_officer",
            "province": c.province.code,
            "commune": c.commune.code,
        },
    }


CASES = [
    # --- public: log-in, log-out, password reset
    html("accounts:login", allow=EVERYONE),
    html("accounts:logout", method="POST", allow=EVERYONE),
    html("accounts:password_reset", allow=EVERYONE),
    html("accounts:password_reset_done", allow=EVERYONE),
    html(
        "accounts:password_reset_confirm",
        kwargs=lambda c: {"uidb64": "AA", "token": "invalid-token"},
        allow=EVERYONE,
        note="an invalid link shows its explanation page",
    ),
    html("accounts:password_reset_complete", allow=EVERYONE),
    # --- my account
    html("accounts:account", allow=SIGNED_IN),
    html("accounts:account_edit", allow=SIGNED_IN),
    html("accounts:password_change", allow=SIGNED_IN),
    html("accounts:token_create", method="POST", data=lambda c: {"name": "x"}, allow=SIGNED_IN),
    html(
        "accounts:token_revoke",
        method="POST",
        kwargs=lambda c: {"token_id": _my_token(c).public_id},
        allow=SIGNED_IN,
    ),
    html(
        "accounts:token_revoke",
        method="POST",
        kwargs=lambda c: {"token_id": _someone_elses_token(c).public_id},
        allow=NOBODY,
        note="someone else's token",
    ),
    api("account_get", allow=SIGNED_IN),
    api("api_token_list", allow=SIGNED_IN),
    api("api_token_create", json=lambda c: {"name": f"matrix-{c.seq}"}, allow=SIGNED_IN),
    api(
        "api_token_revoke",
        params=lambda c: {"token_id": _my_token(c).public_id},
        allow=SIGNED_IN,
    ),
    api(
        "api_token_revoke",
        params=lambda c: {"token_id": _someone_elses_token(c).public_id},
        allow=NOBODY,
        note="someone else's token",
    ),
    # --- user administration
    html("accounts:user_list", allow=USER_ADMINS),
    html("accounts:user_create", allow=USER_ADMINS),
    html("accounts:user_detail", kwargs=_account, own=USER_ADMINS, other={ADMIN}),
    html("accounts:user_update", kwargs=_account, own=USER_ADMINS, other={ADMIN}),
    html(
        "accounts:user_deactivate",
        method="POST",
        kwargs=_account,
        own=USER_ADMINS,
        other={ADMIN},
    ),
    html(
        "accounts:user_activate",
        method="POST",
        kwargs=lambda c: {"user_id": _deactivated(c.user).public_id},
        own=USER_ADMINS,
        other={ADMIN},
    ),
    html("accounts:membership_grant", kwargs=_account, own=USER_ADMINS, other={ADMIN}),
    html(
        "accounts:membership_end",
        method="POST",
        kwargs=lambda c: {"user_id": c.user.public_id, "membership_id": c.membership.public_id},
        own=USER_ADMINS,
        other={ADMIN},
    ),
    api("user_list", allow=USER_ADMINS),
    api("user_get", params=_account, own=USER_ADMINS, other={ADMIN}),
    api("user_create", json=_new_account, own=USER_ADMINS, other={ADMIN}),
    api(
        "membership_grant",
        params=_account,
        json=lambda c: {"role": "inspector", "province": c.province.code},
        own=USER_ADMINS,
        other={ADMIN},
    ),
    api(
        "membership_end",
        params=lambda c: {"user_id": c.user.public_id, "membership_id": c.membership.public_id},
        json=lambda c: {"reason": "Thử nghiệm"},
        own=USER_ADMINS,
        other={ADMIN},
    ),
]
