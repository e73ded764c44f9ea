"""Who may see and handle scan alerts and consumer reports. Deny by default.

Administrators see every alert (also those with no province: forged-code bursts from an unknown
place). Inspectors and province officers see and handle the alerts of their province(s).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ocop.accounts.constants import Role
from ocop.core.actor import Actor

HANDLER_ROLES = (Role.INSPECTOR, Role.PROVINCE_OFFICER)


def _is_central(actor: Actor) -> bool:
    return actor.is_system or actor.is_superuser or actor.has_role(Role.ADMIN)


def can_view_alerts(actor: Actor, obj: Any = None) -> bool:
    return _is_central(actor) or bool(actor.province_ids(*HANDLER_ROLES))


def can_handle_alert(actor: Actor, alert: Any) -> bool:
    if _is_central(actor):
        return True
    return alert.province_id is not None and alert.province_id in actor.province_ids(*HANDLER_ROLES)


def scope_alerts(actor: Actor, qs: QuerySet) -> QuerySet:
    if _is_central(actor):
        return qs
    provinces = actor.province_ids(*HANDLER_ROLES)
    if not provinces:
        return qs.none()
    return qs.filter(province_id__in=provinces)


def can_report_problem(actor: Actor, obj: Any = None) -> bool:
    """Anyone, signed in or not, may report a problem with a code."""
    return True
