"""Every read of accounts, scoped by the acting user (out of scope looks like missing)."""

from __future__ import annotations

import uuid

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ocop.accounts import policies
from ocop.accounts.errors import invalid
from ocop.accounts.models import ApiToken, Membership, User
from ocop.core import audit, clock
from ocop.core.actor import Actor
from ocop.core.errors import NotFound
from ocop.core.models import AuditEvent
from ocop.core.text import fold
from ocop.geo.models import Commune, Province

HISTORY_LIMIT = 50


def _memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("province", "commune").order_by(
            "-valid_from", "-id"
        ),
    )


def _as_uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound() from exc


# --- users --------------------------------------------------------------------------------------


def user_list(
    *,
    actor: Actor,
    q: str = "",
    role: str | None = None,
    province: Province | int | None = None,
    active: bool | None = None,
) -> QuerySet[User]:
    """Accounts the actor may see, newest first, memberships (with units) prefetched.

    `q` matches name, username or e-mail without accents; `role` / `province` keep accounts
    holding a role (in force or scheduled, not ended) of that kind / in that province.
    """
    qs = policies.scope_users(actor, User.objects.all())
    if q:
        folded = fold(q)
        qs = qs.filter(
            Q(name_search__contains=folded) | Q(username__icontains=q) | Q(email__icontains=q)
        )
    if role or province:
        held = Membership.objects.filter(user=OuterRef("pk")).exclude(valid_to__lt=clock.today())
        if role:
            held = held.filter(role=role)
        if province:
            held = held.filter(province=province)
        qs = qs.filter(Exists(held))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.prefetch_related(_memberships()).order_by("-date_joined", "-id")


def user_get(*, actor: Actor, public_id) -> User:
    """One account the actor may see (its memberships prefetched), else NotFound."""
    qs = policies.scope_users(actor, User.objects.all()).prefetch_related(_memberships())
    user = qs.filter(public_id=_as_uuid(public_id)).first()
    if user is None:
        raise NotFound()
    return user


def user_history(*, actor: Actor, user: User) -> QuerySet[AuditEvent]:
    """Audit events of the account and of its memberships, newest first (bounded)."""
    if not policies.can_view_users(actor, user):
        raise NotFound()
    events = audit.history(user)
    for membership in user.memberships.all():
        events = events | audit.history(membership)
    return events.select_related("actor_user").order_by("-id")[:HISTORY_LIMIT]


def account_get(*, actor: Actor) -> User:
    """The actor's own account, with memberships and units."""
    if actor.user_id is None:
        raise NotFound()
    user = User.objects.prefetch_related(_memberships()).filter(pk=actor.user_id).first()
    if user is None:
        raise NotFound()
    return user


# --- memberships --------------------------------------------------------------------------------


def membership_get(*, actor: Actor, user: User, public_id) -> Membership:
    """A membership of an account already fetched through `user_get`."""
    for membership in user.memberships.all():
        if membership.public_id == _as_uuid(public_id):
            return membership
    raise NotFound()


def province_choices(*, actor: Actor) -> QuerySet[Province]:
    """Provinces the actor may grant roles in."""
    qs = Province.objects.order_by("name")
    if policies.is_admin(actor):
        return qs
    return qs.filter(pk__in=policies.managed_province_ids(actor))


def commune_choices(*, province_id) -> QuerySet[Commune]:
    if not province_id:
        return Commune.objects.none()
    return Commune.objects.filter(province_id=province_id).order_by("name")


def units_from_codes(
    *, actor: Actor, province_code: str | None, commune_code: str | None
) -> tuple[Province | None, Commune | None]:
    """Resolve official unit codes (API input); unknown codes are a 422 on that field."""
    province = commune = None
    if province_code:
        province = Province.objects.filter(code=province_code).first()
        if province is None:
            raise invalid(
                "province", "unknown_province", _("Không có tỉnh, thành phố mang mã này.")
            )
    if commune_code:
        commune = Commune.objects.filter(code=commune_code).select_related("province").first()
        if commune is None:
            raise invalid("commune", "unknown_commune", _("Không có xã, phường mang mã này."))
        province = province or commune.province
    return province, commune


# --- API tokens ----------------------------------------------------------------------------------


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own tokens, newest first (revoked ones included, marked)."""
    return policies.scope_api_tokens(actor, ApiToken.objects.all()).order_by("-created_at", "-id")


def api_token_get(*, actor: Actor, public_id) -> ApiToken:
    token = api_token_list(actor=actor).filter(public_id=_as_uuid(public_id)).first()
    if token is None:
        raise NotFound()
    return token
