"""Every write on accounts: policy-checked, validated, audited, one transaction each."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.accounts import passwords, policies, tokens
from ocop.accounts.constants import MAX_ACTIVE_API_TOKENS, OFFICIAL_ROLES, Role
from ocop.accounts.errors import (
    CannotDeactivateSelf,
    MembershipAlreadyEnded,
    RoleNotGrantable,
    TokenAlreadyRevoked,
    TooManyTokens,
    UserAlreadyInState,
    invalid,
)
from ocop.accounts.models import ApiToken, Membership, User
from ocop.core import audit, clock
from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.errors import Conflict, ValidationFailed
from ocop.core.text import fold, nfc

PROFILE_FIELDS = ("full_name", "email", "phone", "title", "organisation", "preferred_language")


# --- helpers ---------------------------------------------------------------------------------------


def _normalise_profile(changes: dict) -> dict:
    out = {}
    for key, value in changes.items():
        if key == "email":
            value = BaseUserManager.normalize_email(nfc(value))
        elif key != "preferred_language":
            value = nfc(value)
        out[key] = value
    return out


def _search_text(user: User) -> str:
    return fold(f"{user.full_name} {user.username} {user.email}")[:500]


def _user_errors(user: User, *, password: str | None = None) -> list[dict]:
    """Field checks of a new or edited account, all at once (422 lists every problem)."""
    errors: list[dict] = []
    try:
        user.full_clean(validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors += [{"loc": [field], "code": "invalid", "message": m} for m in messages]
    others = User.objects.exclude(pk=user.pk) if user.pk else User.objects.all()
    if user.username and others.filter(username__iexact=user.username).exists():
        message = _("Tên đăng nhập «%(username)s» đã được sử dụng.") % {"username": user.username}
        errors.append({"loc": ["username"], "code": "username_taken", "message": message})
    if user.email and others.filter(email__iexact=user.email).exists():
        message = _("Địa chỉ thư điện tử này đã gắn với một tài khoản khác.")
        errors.append({"loc": ["email"], "code": "email_taken", "message": message})
    if password is not None:
        errors += [{"loc": ["password"], **p} for p in passwords.problems(password, user)]
    return errors


def _raise_if(errors: list[dict]) -> None:
    if errors:
        code = f"accounts.{errors[0]['code']}" if len(errors) == 1 else None
        raise ValidationFailed(errors=errors, code=code)


# --- users -----------------------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    title: str = "",
    organisation: str = "",
    preferred_language: str = "vi",
    role: str | None = None,
    province=None,
    commune=None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    note: str = "",
) -> User:
    """Create an official or producer account and, when `role` is given, its first membership.

    The kind of account follows from the role (producer or an official role). A province officer
    must name a role they may grant: an account without a role in their province would be
    invisible to them. The password is checked by the configured validators and hashed with the
    first configured hasher (Argon2). Side effects: none.
    """
    require(actor, policies.can_manage_users)
    if role is None and not policies.is_admin(actor):
        raise invalid("role", "role_required", _("Cần chọn vai trò cho tài khoản mới."))
    profile = _normalise_profile(
        {
            "full_name": full_name,
            "email": email,
            "phone": phone,
            "title": title,
            "organisation": organisation,
        }
    )
    user = User(username=nfc(username), preferred_language=preferred_language, **profile)
    user.set_password(password or "")
    _raise_if(_user_errors(user, password=password or ""))
    user.name_search = _search_text(user)
    user.save()
    audit.record(
        actor=actor,
        action="accounts.user.create",
        obj=user,
        province_id=getattr(province, "pk", None),
    )
    if role is not None:
        membership_grant(
            actor=actor,
            user=user,
            role=role,
            province=province,
            commune=commune,
            valid_from=valid_from,
            valid_to=valid_to,
            note=note,
        )
    return user


@transaction.atomic
def user_update(*, actor: Actor, user: User, **changes) -> User:
    """Change profile fields (PROFILE_FIELDS); the username never changes. Side effects: none."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"user_update: not profile fields: {sorted(unknown)}")
    require(actor, policies.can_update_user, user)
    before = audit.snapshot(user)
    for key, value in _normalise_profile(changes).items():
        setattr(user, key, value)
    _raise_if(_user_errors(user))
    user.name_search = _search_text(user)
    user.save(update_fields=[*changes, "name_search"])
    audit.record(actor=actor, action="accounts.user.update", obj=user, before=before)
    return user


@transaction.atomic
def user_deactivate(*, actor: Actor, user: User, reason: str = "") -> User:
    """Lock an account: its sessions and API tokens stop working at once (both check
    `is_active`); memberships are kept for the record. Side effects: none."""
    require(actor, policies.can_manage_users, user)
    if actor.user_id == user.pk:
        raise CannotDeactivateSelf()
    return _set_active(actor=actor, user=user, active=False, reason=reason)


@transaction.atomic
def user_activate(*, actor: Actor, user: User, reason: str = "") -> User:
    """Unlock an account locked by `user_deactivate`. Side effects: none."""
    require(actor, policies.can_manage_users, user)
    return _set_active(actor=actor, user=user, active=True, reason=reason)


def _set_active(*, actor: Actor, user: User, active: bool, reason: str) -> User:
    if user.is_active == active:
        raise UserAlreadyInState()
    before = audit.snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    action = "accounts.user.activate" if active else "accounts.user.deactivate"
    audit.record(actor=actor, action=action, obj=user, before=before, reason=nfc(reason))
    return user


# --- passwords ---------------------------------------------------------------------------------------


@transaction.atomic
def password_change(*, actor: Actor, user: User, old_password: str, new_password: str) -> User:
    """The account holder changes their password, proving the old one.

    Every other session of the user ends: Django checks each session against a hash of the
    password. The calling view keeps its own session with `update_session_auth_hash`.
    Side effects: none.
    """
    require(actor, policies.can_change_password, user)
    if not user.check_password(old_password or ""):
        raise invalid("old_password", "wrong_password", _("Mật khẩu hiện tại không đúng."))
    if new_password == old_password:
        message = _("Mật khẩu mới phải khác mật khẩu hiện tại.")
        raise invalid("new_password", "password_unchanged", message)
    passwords.validate(new_password, user, field="new_password")
    return _store_password(actor=actor, user=user, password=new_password, action="change")


@transaction.atomic
def password_set(*, actor: Actor, user: User, new_password: str, reason: str = "") -> User:
    """Set a password without the old one: the reset-by-e-mail flow (system actor) or an
    administrator. Ends every session of the user. Side effects: none."""
    require(actor, policies.can_set_password, user)
    passwords.validate(new_password, user, field="new_password")
    return _store_password(
        actor=actor, user=user, password=new_password, action="set", reason=reason
    )


def _store_password(*, actor: Actor, user: User, password: str, action: str, reason: str = ""):
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        actor=actor, action=f"accounts.user.password_{action}", obj=user, after=None, reason=reason
    )
    return user


# --- memberships -------------------------------------------------------------------------------------


def _membership_errors(m: Membership) -> list[dict]:
    errors: list[dict] = []

    def add(field: str, code: str, message) -> None:
        errors.append({"loc": [field], "code": code, "message": message})

    if m.role not in Role.values:
        add("role", "invalid_role", _("Vai trò không hợp lệ."))
    elif m.role == Role.ADMIN and (m.province_id or m.commune_id):
        add("province", "admin_has_no_unit", _("Quản trị hệ thống không gắn với đơn vị nào."))
    elif m.role in OFFICIAL_ROLES and m.province_id is None:
        add("province", "province_required", _("Vai trò này cần chọn tỉnh, thành phố."))
    if m.role == Role.COMMUNE_OFFICER and m.commune_id is None:
        add("commune", "commune_required", _("Cán bộ OCOP xã cần chọn xã, phường."))
    if m.role == Role.PROVINCE_OFFICER and m.commune_id is not None:
        add("commune", "commune_not_allowed", _("Vai trò cấp tỉnh không gắn với xã."))
    if m.commune_id is not None and m.commune.province_id != m.province_id:
        add("commune", "commune_outside_province", _("Xã đã chọn không thuộc tỉnh đã chọn."))
    if m.valid_from and m.valid_to and m.valid_to < m.valid_from:
        add("valid_to", "dates_reversed", _("Ngày hết hiệu lực phải sau ngày bắt đầu."))
    return errors


def _overlaps(a: Membership, b: Membership) -> bool:
    lo, hi = dt.date.min, dt.date.max
    return (a.valid_from or lo) <= (b.valid_to or hi) and (b.valid_from or lo) <= (a.valid_to or hi)


@transaction.atomic
def membership_grant(
    *,
    actor: Actor,
    user: User,
    role: str,
    province=None,
    commune=None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    note: str = "",
) -> Membership:
    """Give `user` a role over a unit for a period (empty dates: open-ended).

    A commune must belong to the province (given alone, it implies its province); official
    roles need a province, a commune officer also a commune; an administrator's role has no unit.
    Province officers grant commune officer, inspector and producer roles in their own
    province(s) only; everything else is for administrators. Side effects: none.
    """
    require(actor, policies.can_grant_membership)
    if commune is not None and province is None:
        province = commune.province
    membership = Membership(
        user=user,
        role=role,
        province=province,
        commune=commune,
        valid_from=valid_from,
        valid_to=valid_to,
        note=nfc(note)[:200],
    )
    _raise_if(_membership_errors(membership))
    if not policies.can_grant_membership(actor, membership):
        raise RoleNotGrantable(role=membership.get_role_display())
    same = [
        m
        for m in Membership.objects.filter(
            user=user, role=role, province=province, commune=commune
        ).exclude(valid_to__lt=clock.today())
        if _overlaps(m, membership)
    ]
    if same:
        raise Conflict(
            _("Người dùng đã có vai trò này tại đơn vị này trong khoảng thời gian đã chọn."),
            code="accounts.membership_exists",
        )
    membership.save()
    audit.record(actor=actor, action="accounts.membership.grant", obj=membership)
    return membership


@transaction.atomic
def membership_end(*, actor: Actor, membership: Membership, reason: str = "") -> Membership:
    """End a role now: it was last in force yesterday (the row stays as history).
    Side effects: none."""
    require(actor, policies.can_end_membership, membership)
    today = clock.today()
    if membership.is_ended_on(today):
        raise MembershipAlreadyEnded()
    before = audit.snapshot(membership)
    membership.valid_to = today - dt.timedelta(days=1)
    membership.save(update_fields=["valid_to"])
    audit.record(
        actor=actor,
        action="accounts.membership.end",
        obj=membership,
        before=before,
        reason=nfc(reason),
    )
    return membership


# --- API tokens --------------------------------------------------------------------------------------


def _token_snapshot(token: ApiToken) -> dict:
    data = audit.snapshot(token) or {}
    data.pop("key_hash", None)
    return data


@transaction.atomic
def api_token_create(
    *, actor: Actor, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create an API token for the actor's own account; returns (token, key).

    The key is returned this once and never stored: only its SHA-256 and a short prefix are.
    Side effects: none.
    """
    require(actor, policies.can_create_api_token)
    name = nfc(name)
    now = clock.now()
    if not name:
        raise invalid("name", "required", _("Vui lòng đặt tên cho mã truy cập."))
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise invalid("name", "too_long", _("Tên mã truy cập quá dài (tối đa 100 ký tự)."))
    if expires_at is not None and expires_at <= now:
        raise invalid("expires_at", "in_past", _("Thời điểm hết hạn phải ở tương lai."))
    # Lock the owner so two parallel requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=actor.user_id).exists()
    live = ApiToken.objects.filter(user_id=actor.user_id, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    if live.count() >= MAX_ACTIVE_API_TOKENS:
        raise TooManyTokens(limit=MAX_ACTIVE_API_TOKENS)
    key, prefix, digest = tokens.issue()
    token = ApiToken(
        user_id=actor.user_id,
        name=name,
        prefix=prefix,
        key_hash=digest,
        created_at=now,
        expires_at=expires_at,
    )
    token.save(force_insert=True)
    audit.record(
        actor=actor, action="accounts.api_token.create", obj=token, after=_token_snapshot(token)
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke a token now; requests bearing it get 401 from then on. Side effects: none."""
    require(actor, policies.can_revoke_api_token, token)
    if token.revoked_at is not None:
        raise TokenAlreadyRevoked()
    before = _token_snapshot(token)
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="accounts.api_token.revoke",
        obj=token,
        before=before,
        after=_token_snapshot(token),
    )
    return token
