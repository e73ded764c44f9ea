"""Audit: every service records one AuditEvent inside its own transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from typing import Any

from django.db import models, transaction

from ocop.core import clock
from ocop.core.actor import Actor
from ocop.core.middleware import current_request_id
from ocop.core.models import AuditEvent

GENESIS = "0" * 64
_SKIP_FIELDS = {"updated_at", "password", "name_search", "search_text"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or None
    return value


def snapshot(obj: models.Model | None) -> dict[str, Any] | None:
    """Concrete field values of a model instance, as JSON-safe data (FKs as ids)."""
    if obj is None:
        return None
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in _SKIP_FIELDS:
            continue
        data[f.attname] = _jsonable(getattr(obj, f.attname))
    return data


def diff(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Keep only changed keys (both sides) when both snapshots exist."""
    if before is None or after is None:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _digest(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(raw).hexdigest()


def chain_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _digest(payload)).encode()).hexdigest()


def payload_of(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
    }


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    before: dict | None = None,
    after: dict | None | bool = True,
    reason: str = "",
    province_id: int | None = None,
) -> AuditEvent:
    """Append an audit entry. `after=True` snapshots `obj` now; pass a dict or None to override."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction")
    after_data = snapshot(obj) if after is True else after
    before_data, after_data = diff(before, after_data)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        province_id = province_id if province_id is not None else getattr(obj, "province_id", None)
    # Serialise chain appends: lock the current head row (SQLite already serialises writers).
    head = (
        AuditEvent.objects.select_for_update()
        .order_by("-id")
        .values_list("hash", flat=True)
        .first()
    )
    event = AuditEvent(
        at=clock.now(),
        actor_user_id=actor.user_id,
        actor_label=actor.username[:150],
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        object_repr=str(obj)[:300] if obj is not None else "",
        province_id=province_id,
        before=before_data,
        after=after_data,
        reason=reason,
        request_id=current_request_id.get(),
        prev_hash=head or GENESIS,
    )
    event.hash = chain_hash(event.prev_hash, payload_of(event))
    event.save(force_insert=True)
    return event


def verify_chain() -> AuditEvent | None:
    """Return the first entry whose hash or link is broken, or None when the chain is intact."""
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev or event.hash != chain_hash(prev, payload_of(event)):
            return event
        prev = event.hash
    return None


def history(obj: models.Model):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("-id")
