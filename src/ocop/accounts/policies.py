"""Who may see and manage accounts, roles and tokens. Deny by default.

- Administrators see and manage every account and grant every role.
- A province officer sees the accounts holding (or having held) a role in their province(s), and
  manages an account only when each of its roles still in force is one they may grant
  (commune officer, inspector, producer) in their own province(s): no officer manages a peer, an
  administrator or someone serving in another province.
- Everyone manages their own profile, password and API tokens.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from ocop.accounts.constants import PROVINCE_GRANTABLE_ROLES, Role
from ocop.accounts.models import ApiToken, Membership, User
from ocop.core import clock
from ocop.core.actor import Actor


def is_admin(actor: Actor) -> bool:
    return actor.is_system or actor.is_superuser or actor.has_role(Role.ADMIN)


def managed_province_ids(actor: Actor) -> frozenset[int]:
    return actor.province_ids(Role.PROVINCE_OFFICER)


def _is_self(actor: Actor, user: User) -> bool:
    return actor.user_id is not None and actor.user_id == user.pk


def _visible_to_officer(actor: Actor, user: User) -> bool:
    provinces = managed_province_ids(actor)
    return any(m.province_id in provinces for m in user.memberships.all())


def _only_grantable_roles_in_force(actor: Actor, user: User) -> bool:
    """Every role of `user` not yet ended is one the officer may grant in their province(s)."""
    if user.is_superuser:
        return False
    provinces, today = managed_province_ids(actor), clock.today()
    return all(
        m.role in PROVINCE_GRANTABLE_ROLES and m.province_id in provinces
        for m in user.memberships.all()
        if not m.is_ended_on(today)
    )


# --- users --------------------------------------------------------------------------------------


def can_view_users(actor: Actor, obj: User | None = None) -> bool:
    """The user administration pages; with `obj`, that account's page."""
    if is_admin(actor):
        return True
    if not managed_province_ids(actor):
        return False
    return obj is None or _visible_to_officer(actor, obj)


def can_manage_users(actor: Actor, obj: User | None = None) -> bool:
    """Create accounts; with `obj`, edit, lock or unlock that account."""
    if is_admin(actor):
        return True
    if not managed_province_ids(actor):
        return False
    if obj is None:
        return True
    return (
        not _is_self(actor, obj)
        and _visible_to_officer(actor, obj)
        and _only_grantable_roles_in_force(actor, obj)
    )


def can_update_user(actor: Actor, obj: User) -> bool:
    return _is_self(actor, obj) or can_manage_users(actor, obj)


def can_change_password(actor: Actor, obj: User) -> bool:
    """Only the account holder changes a password knowing the old one."""
    return _is_self(actor, obj)


def can_set_password(actor: Actor, obj: User) -> bool:
    """Setting a password without the old one: the reset flow (system actor) or an admin."""
    return is_admin(actor) and not _is_self(actor, obj)


def scope_users(actor: Actor, qs: QuerySet[User]) -> QuerySet[User]:
    if is_admin(actor):
        return qs
    provinces = managed_province_ids(actor)
    if not provinces:
        return qs.none()
    in_province = Membership.objects.filter(user=OuterRef("pk"), province_id__in=provinces)
    return qs.filter(Exists(in_province))


# --- memberships --------------------------------------------------------------------------------


def grantable_roles(actor: Actor) -> tuple[str, ...]:
    if is_admin(actor):
        return tuple(Role.values)
    if managed_province_ids(actor):
        return tuple(PROVINCE_GRANTABLE_ROLES)
    return ()


def can_grant_membership(actor: Actor, obj: Membership | None = None) -> bool:
    """With `obj` (an unsaved membership): that role, over that unit, to that user."""
    if is_admin(actor):
        return True
    provinces = managed_province_ids(actor)
    if not provinces:
        return False
    if obj is None:
        return True
    return (
        obj.role in PROVINCE_GRANTABLE_ROLES
        and obj.province_id in provinces
        and not _is_self(actor, obj.user)
        and _only_grantable_roles_in_force(actor, obj.user)
    )


def can_grant_membership_to(actor: Actor, obj: User) -> bool:
    """Whether some role may be granted to this account at all (offers the "grant" page)."""
    if is_admin(actor):
        return True
    return (
        bool(managed_province_ids(actor))
        and not _is_self(actor, obj)
        and _only_grantable_roles_in_force(actor, obj)
    )


def can_end_membership(actor: Actor, obj: Membership) -> bool:
    if is_admin(actor):
        return True
    return (
        obj.role in PROVINCE_GRANTABLE_ROLES
        and obj.province_id in managed_province_ids(actor)
        and not _is_self(actor, obj.user)
    )


# --- API tokens ----------------------------------------------------------------------------------


def can_create_api_token(actor: Actor, obj=None) -> bool:
    """Any signed-in person may create tokens for their own account."""
    return actor.user_id is not None


def can_revoke_api_token(actor: Actor, obj: ApiToken) -> bool:
    return (actor.user_id is not None and obj.user_id == actor.user_id) or is_admin(actor)


def scope_api_tokens(actor: Actor, qs: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
    """Lists show one's own tokens only, administrators included."""
    if actor.user_id is None:
        return qs.none()
    return qs.filter(user_id=actor.user_id)


# --- own account ----------------------------------------------------------------------------------


def can_use_account(actor: Actor, obj=None) -> bool:
    """The "my account" pages: any signed-in person."""
    return actor.user_id is not None
