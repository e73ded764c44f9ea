"""Who may see and change producers. Deny by default: a role gets nothing unless named here.

- admin: everything; the system actor: everything (tasks).
- province_officer: producers of their province(s), full edit.
- commune_officer: producers of their commune(s), create and edit there.
- inspector: read-only in their province(s).
- producer: only the producers their account is linked to (ProducerRepresentative); may edit
  their facts, certifications and documents, but not move, retire or re-link them.
- council_member and anyone else: nothing.

Called without an object (view decorators), a policy answers "may this actor do it anywhere";
the selector or service then asks again with the object.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ocop.accounts.constants import Role
from ocop.core.actor import Actor
from ocop.producers.models import Producer, ProducerRepresentative

OFFICERS = (Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER)
READERS = (Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.INSPECTOR)


def _is_central(actor: Actor) -> bool:
    return actor.is_system or actor.has_role(Role.ADMIN)


def _unit_ids(obj: Any) -> tuple[int | None, int | None]:
    """(province_id, commune_id) of a producer, a commune, or anything carrying them."""
    meta = getattr(obj, "_meta", None)
    if meta is not None and meta.label_lower == "geo.commune":
        return obj.province_id, obj.pk
    return getattr(obj, "province_id", None), getattr(obj, "commune_id", None)


def _covers(actor: Actor, roles: tuple[str, ...], obj: Any) -> bool:
    province_id, commune_id = _unit_ids(obj)
    if province_id is None:
        return False
    return actor.covers(*roles, province_id=province_id, commune_id=commune_id)


def is_linked(actor: Actor, producer: Producer) -> bool:
    """True when the actor holds the producer role and its account is linked to `producer`."""
    if actor.user_id is None or producer.pk is None or not actor.has_role(Role.PRODUCER):
        return False
    cache = getattr(producer, "_linked_user_ids", None)
    if cache is not None:
        return actor.user_id in cache
    return ProducerRepresentative.objects.filter(producer=producer, user_id=actor.user_id).exists()


# --- scopes -----------------------------------------------------------------------------------
def scope_producers(actor: Actor, qs: QuerySet[Producer]) -> QuerySet[Producer]:
    """The producers `actor` may see, as one filter on `qs`."""
    if _is_central(actor):
        return qs
    condition = Q(pk__in=[])
    for grant in actor.grants_for(*READERS):
        if grant.province_id is None:
            continue
        if grant.commune_id is None:
            condition |= Q(province_id=grant.province_id)
        else:
            condition |= Q(province_id=grant.province_id, commune_id=grant.commune_id)
    if actor.user_id is not None and actor.has_role(Role.PRODUCER):
        linked = ProducerRepresentative.objects.filter(user_id=actor.user_id).values("producer_id")
        condition |= Q(pk__in=linked)
    return qs.filter(condition)


# --- producer ---------------------------------------------------------------------------------
def can_view_producer(actor: Actor, producer: Producer | None = None) -> bool:
    if _is_central(actor):
        return True
    if producer is None:
        return actor.has_role(*READERS, Role.PRODUCER)
    return _covers(actor, READERS, producer) or is_linked(actor, producer)


def can_create_producer(actor: Actor, location: Any = None) -> bool:
    """`location`: an unsaved Producer or a Commune (anything with province_id/commune_id)."""
    if _is_central(actor):
        return True
    if location is None:
        return actor.has_role(*OFFICERS)
    return _covers(actor, OFFICERS, location)


def can_edit_producer(actor: Actor, producer: Producer | None = None) -> bool:
    """Edit facts, certifications and documents."""
    if _is_central(actor):
        return True
    if producer is None:
        return actor.has_role(*OFFICERS, Role.PRODUCER)
    return _covers(actor, OFFICERS, producer) or is_linked(actor, producer)


def can_manage_producer(actor: Actor, producer: Producer | None = None) -> bool:
    """Change status, location and linked accounts: officials only, not the producer itself."""
    if _is_central(actor):
        return True
    if producer is None:
        return actor.has_role(*OFFICERS)
    return _covers(actor, OFFICERS, producer)
