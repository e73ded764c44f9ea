"""Who may see and act on stamp batches. Deny by default.

- Producer accounts request batches for the certified products of the producers they represent,
  activate lots, return unused stamps and download print files of their own batches.
- Province officers approve or reject the batches of their province, void stamps and download.
- Inspectors read the register of their province.
- Administrators (and the system actor) may do everything; commune officers and council members
  see nothing here.
Batches carry denormalised `province_id`/`commune_id`, so a scope is one indexed filter.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet

from ocop.accounts.constants import Role
from ocop.core.actor import Actor
from ocop.producers import policies as producer_policies
from ocop.producers.models import ProducerRepresentative

VIEW_ROLES = (Role.PROVINCE_OFFICER, Role.INSPECTOR)


def _is_central(actor: Actor) -> bool:
    return actor.is_system or actor.has_role(Role.ADMIN)


def _represents(actor: Actor, producer: Any) -> bool:
    return producer is not None and producer_policies.is_linked(actor, producer)


def _officer_of(actor: Actor, obj: Any) -> bool:
    return actor.covers(Role.PROVINCE_OFFICER, province_id=obj.province_id)


def scope_batches(actor: Actor, qs: QuerySet) -> QuerySet:
    """Batches the actor may see: officers and inspectors of the province, the producer's own."""
    if _is_central(actor):
        return qs
    filters = []
    for grant in actor.grants_for(*VIEW_ROLES):
        if grant.commune_id is not None:
            filters.append(Q(commune_id=grant.commune_id))
        elif grant.province_id is not None:
            filters.append(Q(province_id=grant.province_id))
    if actor.has_role(Role.PRODUCER) and actor.user_id is not None:
        represented = ProducerRepresentative.objects.filter(user_id=actor.user_id)
        filters.append(Q(producer_id__in=represented.values("producer_id")))
    if not filters:
        return qs.none()
    return qs.filter(reduce(or_, filters))


def can_list_batches(actor: Actor) -> bool:
    return _is_central(actor) or actor.has_role(*VIEW_ROLES, Role.PRODUCER)


def can_view_batch(actor: Actor, batch: Any = None) -> bool:
    if batch is None:
        return can_list_batches(actor)
    return (
        _is_central(actor)
        or actor.covers(*VIEW_ROLES, province_id=batch.province_id, commune_id=batch.commune_id)
        or _represents(actor, batch.producer)
    )


def can_request_batch(actor: Actor, product: Any = None) -> bool:
    """Ask for stamps for `product`: its producer's accounts (or an administrator)."""
    if product is None:
        return _is_central(actor) or actor.has_role(Role.PRODUCER)
    return _is_central(actor) or _represents(actor, product.producer)


def can_decide_batch(actor: Actor, batch: Any = None) -> bool:
    """Approve (and so issue) or reject a request: the province officers of the batch's province."""
    if batch is None:
        return _is_central(actor) or actor.has_role(Role.PROVINCE_OFFICER)
    return _is_central(actor) or _officer_of(actor, batch)


def can_activate_batch(actor: Actor, batch: Any = None) -> bool:
    """Bind a range of issued stamps to a production lot: the producer (or an administrator)."""
    if batch is None:
        return _is_central(actor) or actor.has_role(Role.PRODUCER)
    return _is_central(actor) or _represents(actor, batch.producer)


def can_return_stamps(actor: Actor, batch: Any = None) -> bool:
    """Give back unused (issued, not activated) stamps: the producer or the province."""
    if batch is None:
        return _is_central(actor) or actor.has_role(Role.PRODUCER, Role.PROVINCE_OFFICER)
    return _is_central(actor) or _represents(actor, batch.producer) or _officer_of(actor, batch)


def can_void_stamps(actor: Actor, batch: Any = None) -> bool:
    """Void stamps (issued or activated) with a reason: the province officers."""
    return can_decide_batch(actor, batch)


def can_print_batch(actor: Actor, batch: Any = None) -> bool:
    """Download the label sheets and the printing-house CSV of an issued batch."""
    if batch is None:
        return _is_central(actor) or actor.has_role(Role.PRODUCER, Role.PROVINCE_OFFICER)
    return _is_central(actor) or _represents(actor, batch.producer) or _officer_of(actor, batch)
