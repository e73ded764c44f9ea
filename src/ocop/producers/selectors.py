"""Every read of the producer registry, scoped to the acting user (outside scope = NotFound).

Selectors own their joins: a list page renders with a fixed number of queries whatever its size.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.errors import NotFound
from ocop.core.models import AuditEvent
from ocop.core.text import fold
from ocop.producers import policies
from ocop.producers.models import (
    Certification,
    Producer,
    ProducerDocument,
    ProducerRepresentative,
)
from ocop.producers.validators import normalise_code


def _as_uuid(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise NotFound() from None


def _clean(value: Any) -> str:
    """Filter text as a string without NUL characters (PostgreSQL refuses them)."""
    return str(value or "").replace("\x00", "").strip()


def _code(value: Any) -> str:
    return _clean(getattr(value, "code", value))


def _ensure_visible(actor: Actor, producer: Producer) -> None:
    if not policies.can_view_producer(actor, producer):
        raise NotFound()


def producer_list(
    *,
    actor: Actor,
    q: str | None = None,
    kind: str | None = None,
    province: Any = None,
    commune: Any = None,
    status: str | None = None,
) -> QuerySet[Producer]:
    """Producers the actor may see, filtered; `q` matches the name without accents or the tax
    code; `province`/`commune` are units or their codes. Province and commune are joined.
    Roles that never see producers are refused (403) rather than shown an empty list."""
    require(actor, policies.can_view_producer)
    qs = policies.scope_producers(actor, Producer.objects.select_related("province", "commune"))
    text = _clean(q)
    if text:
        condition = Q(name_search__contains=fold(text))
        code = normalise_code(text)
        if code:
            condition |= Q(tax_code__startswith=code)
        qs = qs.filter(condition)
    if kind:
        qs = qs.filter(kind=_clean(kind))
    if status:
        qs = qs.filter(status=_clean(status))
    if _code(province):
        qs = qs.filter(province__code=_code(province))
    if _code(commune):
        qs = qs.filter(commune__code=_code(commune))
    return qs.order_by("name", "id")


def producer_get(*, actor: Actor, public_id: Any) -> Producer:
    """One producer by public id, with its units joined; NotFound outside the actor's scope."""
    producer = (
        policies.scope_producers(
            actor,
            Producer.objects.select_related(
                "province", "commune", "legacy_commune", "commune__province"
            ),
        )
        .filter(public_id=_as_uuid(public_id))
        .first()
    )
    if producer is None:
        raise NotFound()
    return producer


CHILD_TYPES = (
    Certification._meta.label_lower,
    ProducerDocument._meta.label_lower,
    ProducerRepresentative._meta.label_lower,
)


def producer_history(*, actor: Actor, producer: Producer) -> QuerySet[AuditEvent]:
    """Audit events of the producer and of its certifications, documents and linked accounts,
    newest first. A child is recognised by its creation event, which records its producer_id
    (services audit every child from its creation, deleted ones included)."""
    _ensure_visible(actor, producer)
    condition = Q(object_type=producer._meta.label_lower, object_id=str(producer.pk))
    for object_type in CHILD_TYPES:
        created = AuditEvent.objects.filter(
            object_type=object_type, after__producer_id=producer.pk
        ).values("object_id")
        condition |= Q(object_type=object_type, object_id__in=created)
    return AuditEvent.objects.filter(condition).select_related("actor_user").order_by("-id")


def producer_product_list(*, actor: Actor, producer: Producer) -> QuerySet:
    """The producer's products (registered by the products app), by name."""
    _ensure_visible(actor, producer)
    return producer.products.only("id", "public_id", "name", "code", "status").order_by(
        "name", "id"
    )


def certification_list(*, actor: Actor, producer: Producer) -> QuerySet[Certification]:
    _ensure_visible(actor, producer)
    return Certification.objects.filter(producer=producer).order_by("-valid_from", "id")


def certification_get(*, actor: Actor, producer: Producer, public_id: Any) -> Certification:
    _ensure_visible(actor, producer)
    found = Certification.objects.filter(producer=producer, public_id=_as_uuid(public_id)).first()
    if found is None:
        raise NotFound()
    found.producer = producer
    return found


def producer_document_list(*, actor: Actor, producer: Producer) -> QuerySet[ProducerDocument]:
    """All versions, newest first; `is_current` is False once a later version replaced one."""
    _ensure_visible(actor, producer)
    replaced = ProducerDocument.objects.filter(replaces=OuterRef("pk"))
    return (
        ProducerDocument.objects.filter(producer=producer)
        .select_related("uploaded_by", "replaces")
        .annotate(is_current=~Exists(replaced))
        .order_by("kind", "-version", "-id")
    )


def producer_document_get(*, actor: Actor, producer: Producer, public_id: Any) -> ProducerDocument:
    _ensure_visible(actor, producer)
    found = ProducerDocument.objects.filter(
        producer=producer, public_id=_as_uuid(public_id)
    ).first()
    if found is None:
        raise NotFound()
    found.producer = producer
    return found


def representative_list(*, actor: Actor, producer: Producer) -> QuerySet[ProducerRepresentative]:
    """Accounts linked to the producer (officials of its unit see them; the producer too)."""
    _ensure_visible(actor, producer)
    return producer.representatives.select_related("user").order_by("user__username")
