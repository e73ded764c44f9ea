"""Writes of scan alerts and consumer reports.

`alert_raise` is called by the anomaly rules as the system; it opens an alert or refreshes the open
one with the same key, and notifies the province's inspectors only when an alert opens.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from ocop.accounts.constants import Role
from ocop.accounts.models import Membership
from ocop.core import audit, clock
from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.errors import InvalidTransition, ValidationFailed
from ocop.core.notify import notify
from ocop.geo.models import Province
from ocop.stamps import policies_alerts
from ocop.stamps.models_scan import Alert, AlertKind, AlertStatus, ProblemReport

EVIDENCE_KEEP = 50
REPORT_MAX_CHARS = 2000


def inspectors_of(province_id: int | None) -> list[Any]:
    """Active users holding an inspector role over the province today."""
    if province_id is None:
        return []
    today = clock.today()
    memberships = (
        Membership.objects.filter(role=Role.INSPECTOR, province_id=province_id)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("user")
    )
    return [m.user for m in memberships if m.user.is_active]


def _link(alert: Alert) -> str:
    try:
        return reverse("stamps:alert_detail", kwargs={"public_id": alert.public_id})
    except NoReverseMatch:
        return ""


def _province_id(finding: Any) -> int | None:
    if finding.province_id is not None:
        return finding.province_id
    if finding.province_code:
        return (
            Province.objects.filter(code=finding.province_code).values_list("id", flat=True).first()
        )
    return None


def _refresh(alert: Alert, finding: Any, now) -> Alert:
    alert.last_seen_at = now
    alert.occurrences += 1
    alert.summary = finding.summary[:300]
    alert.evidence = (list(alert.evidence) + list(finding.evidence))[-EVIDENCE_KEEP:]
    alert.save(update_fields=["last_seen_at", "occurrences", "summary", "evidence", "updated_at"])
    return alert


@transaction.atomic
def alert_raise(*, finding: Any) -> Alert:
    """Open an alert for a finding, or refresh the open one with the same key.

    Side effects: on opening, an in-app notice and an e-mail (outbox) to the inspectors of the
    alert's province.
    """
    now = clock.now()
    open_alert = (
        Alert.objects.select_for_update()
        .filter(dedup_key=finding.key)
        .exclude(status=AlertStatus.CLOSED)
        .first()
    )
    if open_alert is not None:
        return _refresh(open_alert, finding, now)
    alert = Alert(
        kind=finding.kind,
        province_id=_province_id(finding),
        stamp_serial=finding.serial,
        client_hash=finding.client_hash,
        dedup_key=finding.key[:120],
        summary=finding.summary[:300],
        first_seen_at=now,
        last_seen_at=now,
        evidence=list(finding.evidence)[-EVIDENCE_KEEP:],
    )
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:  # opened concurrently by another worker's flush
        existing = Alert.objects.select_for_update().get(
            dedup_key=finding.key, status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]
        )
        return _refresh(existing, finding, now)
    audit.record(actor=Actor.system("anomaly-rules"), action="stamps.alert.raise", obj=alert)
    notify(
        inspectors_of(alert.province_id),
        kind="stamps.alert",
        title=_("Cảnh báo tem: %(kind)s") % {"kind": AlertKind(alert.kind).label},
        body=alert.summary,
        link=_link(alert),
    )
    return alert


@transaction.atomic
def alert_acknowledge(*, actor: Actor, alert: Alert, note: str = "") -> Alert:
    """An inspector takes the alert on. No side effects besides the audit entry."""
    require(actor, policies_alerts.can_handle_alert, alert)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != AlertStatus.OPEN:
        raise InvalidTransition(verb=_("tiếp nhận"), state=AlertStatus(alert.status).label)
    before = audit.snapshot(alert)
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at = clock.now()
    alert.acknowledged_by_id = actor.user_id
    if note.strip():
        alert.note = note.strip()[:REPORT_MAX_CHARS]
    alert.save()
    audit.record(actor=actor, action="stamps.alert.acknowledge", obj=alert, before=before)
    return alert


@transaction.atomic
def alert_close(*, actor: Actor, alert: Alert, note: str = "") -> Alert:
    """Close an open or acknowledged alert; a later finding with the same key opens a new one."""
    require(actor, policies_alerts.can_handle_alert, alert)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == AlertStatus.CLOSED:
        raise InvalidTransition(verb=_("đóng"), state=AlertStatus(alert.status).label)
    before = audit.snapshot(alert)
    alert.status = AlertStatus.CLOSED
    alert.closed_at = clock.now()
    alert.closed_by_id = actor.user_id
    if note.strip():
        alert.note = note.strip()[:REPORT_MAX_CHARS]
    alert.save()
    audit.record(actor=actor, action="stamps.alert.close", obj=alert, before=before)
    return alert


@transaction.atomic
def problem_report_create(
    *,
    actor: Actor,
    token: str,
    message: str,
    contact: str = "",
    client_hash: str,
    serial: int | None = None,
    province_id: int | None = None,
) -> ProblemReport:
    """Record a consumer's report about a code and raise (or refresh) a report alert.

    Side effects: the alert notifies the inspectors of the product's province when it opens.
    """
    require(actor, policies_alerts.can_report_problem)
    message = (message or "").strip()
    if not message:
        raise ValidationFailed.from_dict({"message": [_("Vui lòng mô tả vấn đề bạn gặp.")]})
    if len(message) > REPORT_MAX_CHARS:
        raise ValidationFailed.from_dict(
            {"message": [_("Nội dung quá dài (tối đa %(n)s ký tự).") % {"n": REPORT_MAX_CHARS}]}
        )
    from ocop.stamps.anomalies import Finding

    now = clock.now()
    finding = Finding(
        kind=AlertKind.REPORT,
        key=f"{AlertKind.REPORT}:{serial if serial is not None else token[:40]}",
        summary=_("Người tiêu dùng phản ánh về mã %(token)s: %(text)s")
        % {"token": token[:32], "text": message[:160]},
        province_id=province_id,
        serial=serial,
        client_hash=client_hash,
        evidence=[{"at": now.isoformat(), "report": message[:500], "token": token[:32]}],
    )
    alert = alert_raise(finding=finding)
    report = ProblemReport.objects.create(
        created_at=now,
        token=token[:64],
        stamp_serial=serial,
        province_id=alert.province_id,
        message=message,
        contact=(contact or "").strip()[:200],
        client_hash=client_hash,
        alert=alert,
    )
    audit.record(
        actor=actor if actor.is_authenticated else Actor.system("public-report"),
        action="stamps.report.create",
        obj=report,
        province_id=alert.province_id,
    )
    return report
