"""Who may see and change which products. Deny by default.

Mirrors the producers' rules: administrators see everything; province officers and inspectors their
province(s); commune officers their commune(s); producer accounts only the products of producers
they represent (producers.ProducerRepresentative). Inspectors read only; council members see
nothing in the registry (evaluation grants come later). Products carry denormalised
`province_id`/`commune_id`, so a scope is one indexed filter.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet

from ocop.accounts.constants import Role
from ocop.core.actor import Actor
from ocop.producers import policies as producer_policies

VIEW_ROLES = (Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.INSPECTOR)
EDIT_ROLES = (Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER)


def _is_central(actor: Actor) -> bool:
    return actor.is_system or actor.has_role(Role.ADMIN)


def _unit_filters(actor: Actor, roles: tuple[str, ...]) -> list[Q]:
    """One filter per grant: a commune-bound grant covers its commune, a province grant all of it."""
    filters = []
    for grant in actor.grants_for(*roles):
        if grant.commune_id is not None:
            filters.append(Q(commune_id=grant.commune_id))
        elif grant.province_id is not None:
            filters.append(Q(province_id=grant.province_id))
    return filters


def _represents(actor: Actor, producer: Any) -> bool:
    return producer_policies.is_linked(actor, producer)


def _covers(actor: Actor, roles: tuple[str, ...], obj: Any) -> bool:
    return actor.covers(*roles, province_id=obj.province_id, commune_id=obj.commune_id)


# --- producers, as seen from products ------------------------------------------------------------
def can_view_producer_products(actor: Actor, producer: Any) -> bool:
    """The producer is visible to the actor (the producers app decides)."""
    return producer_policies.can_view_producer(actor, producer)


def scope_producers_for_products(actor: Actor, qs: QuerySet) -> QuerySet:
    """Producers the actor may register products for (edit rights over the producer)."""
    if _is_central(actor):
        return qs
    filters = _unit_filters(actor, EDIT_ROLES)
    if actor.has_role(Role.PRODUCER) and actor.user_id is not None:
        represented = qs.model.objects.filter(representatives__user_id=actor.user_id)
        filters.append(Q(pk__in=represented.values("pk")))
    if not filters:
        return qs.none()
    return qs.filter(reduce(or_, filters))


# --- products ---------------------------------------------------------------------------------------
def scope_products(actor: Actor, qs: QuerySet) -> QuerySet:
    """Restrict a Product queryset to the actor's jurisdiction; nothing for other roles."""
    if _is_central(actor):
        return qs
    filters = _unit_filters(actor, VIEW_ROLES)
    if actor.has_role(Role.PRODUCER) and actor.user_id is not None:
        # A subquery, not a join: a join over representatives would repeat rows.
        represented = qs.model.objects.filter(
            producer__representatives__user_id=actor.user_id
        ).values("producer_id")
        filters.append(Q(producer_id__in=represented))
    if not filters:
        return qs.none()
    return qs.filter(reduce(or_, filters))


def can_list_products(actor: Actor) -> bool:
    return _is_central(actor) or actor.has_role(*VIEW_ROLES, Role.PRODUCER)


def can_view_product(actor: Actor, product: Any = None) -> bool:
    if product is None:
        return can_list_products(actor)
    return (
        _is_central(actor)
        or _covers(actor, VIEW_ROLES, product)
        or _represents(actor, product.producer)
    )


def can_create_product(actor: Actor, producer: Any = None) -> bool:
    """Register a product for `producer`: whoever may edit the producer (officers of its unit,
    its linked accounts)."""
    if producer is None:
        return _is_central(actor) or actor.has_role(*EDIT_ROLES, Role.PRODUCER)
    return producer_policies.can_edit_producer(actor, producer)


def can_edit_product(actor: Actor, product: Any = None) -> bool:
    """Change facts, images and documents of a product."""
    if product is None:
        return _is_central(actor) or actor.has_role(*EDIT_ROLES, Role.PRODUCER)
    return (
        _is_central(actor)
        or _covers(actor, EDIT_ROLES, product)
        or _represents(actor, product.producer)
    )


def can_set_cycle_step_product(actor: Actor, product: Any = None) -> bool:
    """Record where a product stands in the OCOP cycle: the programme's officers, not producers."""
    if product is None:
        return _is_central(actor) or actor.has_role(*EDIT_ROLES)
    return _is_central(actor) or _covers(actor, EDIT_ROLES, product)


def can_retire_product(actor: Actor, product: Any = None) -> bool:
    """Mark a product as no longer produced (the registry row is kept)."""
    return can_set_cycle_step_product(actor, product)
