"""Build the request's Actor from a user's active memberships (one query)."""

from ocop.accounts.constants import Role
from ocop.core import clock
from ocop.core.actor import Actor, Grant


def actor_for_user(user) -> Actor:
    """Grants come only from memberships in force today; a superuser also counts as admin."""
    today = clock.today()
    grants = [
        Grant(role=m.role, province_id=m.province_id, commune_id=m.commune_id)
        for m in user.memberships.all()
        if m.is_active_on(today)
    ]
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
