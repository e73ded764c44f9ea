"""Reads of scan alerts, scoped to the actor's province(s)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from ocop.core.actor import Actor
from ocop.core.errors import NotFound
from ocop.stamps import policies_alerts
from ocop.stamps.models_scan import Alert, AlertStatus


def alert_list(
    *, actor: Actor, status: str = "", kind: str = "", include_closed: bool = False
) -> QuerySet[Alert]:
    qs = policies_alerts.scope_alerts(actor, Alert.objects.select_related("province"))
    if status:
        qs = qs.filter(status=status)
    elif not include_closed:
        qs = qs.exclude(status=AlertStatus.CLOSED)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-last_seen_at", "-id")


def alert_get(*, actor: Actor, public_id) -> Alert:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound() from None
    qs = policies_alerts.scope_alerts(
        actor, Alert.objects.select_related("province", "acknowledged_by", "closed_by")
    )
    alert = qs.filter(public_id=key).first()
    if alert is None:
        raise NotFound()
    return alert


def alert_reports(*, actor: Actor, alert: Alert) -> list:
    return list(alert.reports.order_by("-created_at")[:50])
