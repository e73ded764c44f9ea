"""Build the request's Actor from a user's active memberships (one query)."""

from ocop.accounts.constants import Role
from ocop.core import clock
from ocop.core.actor import Actor, Grant


def actor_for_user(user) -> Actor:
    today = clock.today()
    grants = []
    for m in user.memberships.all():
        if m.valid_from and m.valid_from > today:
            continue
        if m.valid_to and m.valid_to < today:
            continue
        grants.append(Grant(role=m.role, province_id=m.province_id, commune_id=m.commune_id))
    if user.is_superuser and not any(g.role == Role.ADMIN for g in grants):
        grants.append(Grant(role=Role.ADMIN))
    return Actor(
        user_id=user.pk,
        username=user.username,
        grants=tuple(grants),
        is_superuser=user.is_superuser,
        language=getattr(user, "preferred_language", "vi") or "vi",
        user=user,
    )
