"""Anomaly rules over the scan log, evaluated on every flushed batch (stamps.scanlog).

Each rule looks at the batch (and, where it needs history, at one indexed query) and returns
`Finding`s; `evaluate()` turns them into deduplicated alerts for the inspectors of the product's
province (`services_alerts.alert_raise`). Thresholds are settings read with defaults:

    OCOP_SCAN_ALERT_MAX_SCANS        = 50   one code scanned more than N times (all time)
    OCOP_SCAN_ALERT_PLACES_HOURS     = 24   one code scanned in two or more provinces within T hours
    OCOP_SCAN_ALERT_FORGED_COUNT     = 20   forged/malformed tokens from one client address …
    OCOP_SCAN_ALERT_FORGED_MINUTES   = 10   … within this window

No province centroid data ships with the geography, so "far apart" means "in different provinces
within T hours" — a stamp cannot honestly travel between provinces as often as a copied one does.
Scans of codes never activated, voided, or whose certificate is revoked, suspended, superseded or
expired alert on every batch they appear in (deduplicated per code while the alert is open).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core import clock
from ocop.stamps import codes
from ocop.stamps.models_scan import AlertKind, RejectedScan, ScanEvent, ScanOutcome, ScanTally
from ocop.stamps.scanlog import Scan

EVIDENCE_PER_FINDING = 20


@dataclass
class Finding:
    kind: str
    key: str  # deduplication key (kind + code or client)
    summary: str
    province_id: int | None = None
    serial: int | None = None
    client_hash: str = ""
    evidence: list[dict[str, Any]] = field(default_factory=list)
    province_code: str = ""  # used when province_id is unknown (forged codes)


def threshold(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def evidence_of(scan: Scan) -> dict[str, Any]:
    return {
        "at": scan.at.isoformat(),
        "outcome": scan.outcome,
        "certificate_status": scan.certificate_status,
        "place": scan.place_name or scan.place_code,
        "channel": scan.channel,
        "client": scan.client_hash[:8],
        "user_agent": scan.user_agent[:120],
        "token": scan.token[:32],
    }


def human(serial: int) -> str:
    try:
        return codes.human_serial(serial)
    except ValueError:
        return str(serial)


def _by_serial(scans: list[Scan]) -> dict[int, list[Scan]]:
    grouped: dict[int, list[Scan]] = defaultdict(list)
    for scan in scans:
        if scan.serial is not None:
            grouped[scan.serial].append(scan)
    return grouped


def _first_province(scans: list[Scan]) -> int | None:
    return next((s.province_id for s in scans if s.province_id is not None), None)


# --- rules on the batch alone --------------------------------------------------------------------
STATE_RULES = {
    ScanOutcome.INACTIVE: (
        AlertKind.NOT_ACTIVATED,
        gettext_lazy("Mã %(serial)s chưa được kích hoạt nhưng đã bị quét."),
    ),
    ScanOutcome.VOIDED: (
        AlertKind.VOIDED,
        gettext_lazy("Mã %(serial)s đã bị hủy nhưng vẫn bị quét."),
    ),
    ScanOutcome.NOT_IN_FORCE: (
        AlertKind.NOT_IN_FORCE,
        gettext_lazy("Mã %(serial)s bị quét khi giấy chứng nhận không còn hiệu lực (%(status)s)."),
    ),
}


def rule_code_state(scans: list[Scan]) -> list[Finding]:
    """Codes never activated, voided, or under a revoked/suspended/expired certificate."""
    found = []
    out_of_circulation = [s for s in scans if s.outcome in STATE_RULES]
    for serial, group in _by_serial(out_of_circulation).items():
        for outcome, (kind, text) in STATE_RULES.items():
            hits = [s for s in group if s.outcome == outcome]
            if not hits:
                continue
            found.append(
                Finding(
                    kind=kind,
                    key=f"{kind}:{serial}",
                    summary=str(text)
                    % {"serial": human(serial), "status": hits[-1].certificate_status},
                    province_id=_first_province(hits),
                    serial=serial,
                    evidence=[evidence_of(s) for s in hits[-EVIDENCE_PER_FINDING:]],
                )
            )
    return found


# --- rules that need history (one query each) ----------------------------------------------------
def rule_many_scans(scans: list[Scan], counts: dict[int, int] | None = None) -> list[Finding]:
    """A code scanned more than OCOP_SCAN_ALERT_MAX_SCANS times in all (counters are flushed).

    `counts` (serial -> count after the batch) comes from the flush's counter upsert; without it
    the counters are read (one query)."""
    limit = threshold("OCOP_SCAN_ALERT_MAX_SCANS", 50)
    grouped = _by_serial(scans)
    if not grouped:
        return []
    if counts is None:
        over: Any = ScanTally.objects.filter(
            serial__in=list(grouped), scan_count__gt=limit
        ).values_list("serial", "scan_count")
    else:
        over = [(s, counts[s]) for s in grouped if counts.get(s, 0) > limit]
    return [
        Finding(
            kind=AlertKind.MANY_SCANS,
            key=f"{AlertKind.MANY_SCANS}:{serial}",
            summary=_("Mã %(serial)s đã bị quét %(count)s lần (ngưỡng %(limit)s).")
            % {"serial": human(serial), "count": count, "limit": limit},
            province_id=_first_province(grouped[serial]),
            serial=serial,
            evidence=[evidence_of(s) for s in grouped[serial][-EVIDENCE_PER_FINDING:]],
        )
        for serial, count in over
    ]


def rule_distant_places(scans: list[Scan]) -> list[Finding]:
    """One code scanned from two or more provinces within OCOP_SCAN_ALERT_PLACES_HOURS."""
    hours = threshold("OCOP_SCAN_ALERT_PLACES_HOURS", 24)
    placed = {serial: g for serial, g in _by_serial(scans).items() if any(s.place_code for s in g)}
    if not placed:
        return []
    since = clock.now() - dt.timedelta(hours=hours)
    places: dict[int, set[str]] = defaultdict(set)
    rows = (
        ScanEvent.objects.filter(stamp_serial__in=list(placed), scanned_at__gte=since)
        .exclude(place_code="")
        .values_list("stamp_serial", "place_code")
        .distinct()
    )
    for serial, place in rows:
        places[serial].add(place)
    for serial, group in placed.items():  # the batch was written already; add it anyway
        places[serial].update(s.place_code for s in group if s.place_code and s.at >= since)
    return [
        Finding(
            kind=AlertKind.DISTANT_PLACES,
            key=f"{AlertKind.DISTANT_PLACES}:{serial}",
            summary=_(
                "Mã %(serial)s được quét ở %(count)s tỉnh khác nhau trong %(hours)s giờ: %(codes)s."
            )
            % {
                "serial": human(serial),
                "count": len(seen),
                "hours": hours,
                "codes": ", ".join(sorted(seen)),
            },
            province_id=_first_province(placed[serial]),
            serial=serial,
            evidence=[evidence_of(s) for s in placed[serial][-EVIDENCE_PER_FINDING:]],
        )
        for serial, seen in places.items()
        if len(seen) >= 2
    ]


def rule_forged_burst(scans: list[Scan]) -> list[Finding]:
    """More than OCOP_SCAN_ALERT_FORGED_COUNT forged/malformed tokens from one client in the window."""
    limit = threshold("OCOP_SCAN_ALERT_FORGED_COUNT", 20)
    minutes = threshold("OCOP_SCAN_ALERT_FORGED_MINUTES", 10)
    rejected: dict[str, list[Scan]] = defaultdict(list)
    for scan in scans:
        if scan.serial is None:
            rejected[scan.client_hash].append(scan)
    if not rejected:
        return []
    since = clock.now() - dt.timedelta(minutes=minutes)
    counts = recent_rejections(list(rejected), since, cap=limit + 1)
    found = []
    for client, group in rejected.items():
        if counts.get(client, 0) <= limit:
            continue
        found.append(
            Finding(
                kind=AlertKind.FORGED_BURST,
                key=f"{AlertKind.FORGED_BURST}:{client}",
                summary=_(
                    "Hơn %(limit)s mã giả mạo hoặc sai định dạng từ cùng một địa chỉ trong "
                    "%(minutes)s phút."
                )
                % {"limit": limit, "minutes": minutes},
                client_hash=client,
                province_code=next((s.place_code for s in group if s.place_code), ""),
                evidence=[evidence_of(s) for s in group[-EVIDENCE_PER_FINDING:]],
            )
        )
    return found


def recent_rejections(clients: list[str], since: dt.datetime, *, cap: int) -> dict[str, int]:
    """Rejected (forged or malformed) scans of each client since `since`, each counted up to
    `cap`: one query per batch, reading at most `cap` index entries a client, however large the
    burst. (Counting every rejected scan of the window made each flush under an attack read the
    whole attack so far: hundreds of thousands of rows a second, just when it matters.)"""
    from django.db import connection

    table = connection.ops.quote_name(RejectedScan._meta.db_table)
    moment = connection.ops.adapt_datetimefield_value(since)
    size = max(1, min(500, (connection.features.max_query_params or 999) - 2))
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(clients), size):
            chunk = clients[start : start + size]
            listed = " UNION ALL ".join(["SELECT %s AS h"] * len(chunk))
            cursor.execute(
                f"SELECT c.h, (SELECT COUNT(*) FROM (SELECT 1 FROM {table} r "  # noqa: S608
                f"WHERE r.client_hash = c.h AND r.scanned_at >= %s LIMIT %s) AS x) "
                f"FROM ({listed}) AS c",
                [moment, cap, *chunk],
            )
            counts.update(cursor.fetchall())
    return counts


RULES = (rule_code_state, rule_many_scans, rule_distant_places, rule_forged_burst)


def findings(scans: list[Scan], *, counts: dict[int, int] | None = None) -> list[Finding]:
    """Every rule over the batch: set-based, at most one query per rule (none for the counts
    when the flush passes them), never one per scan."""
    out: list[Finding] = []
    for rule in RULES:
        out += rule(scans, counts) if rule is rule_many_scans else rule(scans)
    return out


def evaluate(scans: list[Scan], *, counts: dict[int, int] | None = None) -> list[Any]:
    """Run every rule over a flushed batch and raise (or refresh) the alerts; returns them."""
    from ocop.stamps import services_alerts

    return [services_alerts.alert_raise(finding=f) for f in findings(scans, counts=counts)]
