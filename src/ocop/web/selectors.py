"""Reads the UI shell needs that belong to no single app: where the actor works, recent changes."""

from __future__ import annotations

from ocop.accounts.constants import Role
from ocop.core.actor import Actor
from ocop.core.models import AuditEvent
from ocop.geo.models import Commune, Province

MAX_UNITS_SHOWN = 3


def unit_label(actor: Actor) -> str:
    """The units of the actor's grants, e.g. "Xã A, Tỉnh B" ("" when none). At most two queries."""
    commune_ids = actor.commune_ids()
    province_only = {g.province_id for g in actor.grants if g.province_id and not g.commune_id}
    names: list[str] = []
    if province_only:
        names += [p.name for p in Province.objects.filter(pk__in=province_only).order_by("name")]
    if commune_ids:
        communes = Commune.objects.filter(pk__in=commune_ids).select_related("province")
        names += sorted(
            f"{c.name}, {c.province.name}" for c in communes if c.province_id not in province_only
        )
    if len(names) > MAX_UNITS_SHOWN:
        return "; ".join(names[:MAX_UNITS_SHOWN]) + f" (+{len(names) - MAX_UNITS_SHOWN})"
    return "; ".join(names)


def recent_changes(*, actor: Actor, limit: int = 8) -> list[AuditEvent]:
    """Latest audit entries the actor may oversee: all for admins, own provinces for officers."""
    qs = AuditEvent.objects.select_related("actor_user").order_by("-id")
    if actor.is_superuser or actor.has_role(Role.ADMIN):
        return list(qs[:limit])
    provinces = actor.province_ids(Role.PROVINCE_OFFICER)
    if not provinces:
        return []
    return list(qs.filter(province_id__in=provinces)[:limit])
