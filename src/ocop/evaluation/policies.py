"""Who may make which move on rounds and applications. Deny by default.

- admin and the system actor: everything.
- producer: create, submit, resubmit and withdraw applications of producers its account represents.
- commune_officer: the same for products of its commune(s); return and pre-assess them (the
  commune receives the dossier under QĐ 1489).
- province_officer: rounds of its province(s); create applications there; return; every move from
  forwarding to decision (the province runs the council; legacy district steps are recorded by it,
  as district offices no longer exist).
- inspector, council_member, anyone else: no moves.

Policies always receive the object; the product or application carries province_id/commune_id.
"""

from __future__ import annotations

from typing import Any

from ocop.accounts.constants import Role
from ocop.core.actor import Actor
from ocop.producers import policies as producer_policies


def _is_central(actor: Actor) -> bool:
    return actor.is_system or actor.has_role(Role.ADMIN)


def _covers(actor: Actor, role: str, obj: Any) -> bool:
    return actor.covers(
        role, province_id=getattr(obj, "province_id", None), commune_id=obj.commune_id
    )


def _province_officer(actor: Actor, obj: Any) -> bool:
    return actor.covers(Role.PROVINCE_OFFICER, province_id=getattr(obj, "province_id", None))


def _represents(actor: Actor, obj: Any) -> bool:
    return producer_policies.is_linked(actor, obj.producer)


# --- rounds --------------------------------------------------------------------------------------
def can_create_round(actor: Actor, province: Any = None) -> bool:
    """`province` is a geo.Province (or anything with `province_id`)."""
    if _is_central(actor):
        return True
    if province is None:
        return actor.has_role(Role.PROVINCE_OFFICER)
    province_id = getattr(province, "province_id", None) or province.pk
    return actor.covers(Role.PROVINCE_OFFICER, province_id=province_id)


# --- applications --------------------------------------------------------------------------------
def can_create_application(actor: Actor, product: Any) -> bool:
    return (
        _is_central(actor)
        or _represents(actor, product)
        or _covers(actor, Role.COMMUNE_OFFICER, product)
        or _province_officer(actor, product)
    )


def can_submit_application(actor: Actor, application: Any) -> bool:
    """Submit, resubmit and withdraw: the producer's own account or the commune officer."""
    return (
        _is_central(actor)
        or _represents(actor, application)
        or _covers(actor, Role.COMMUNE_OFFICER, application)
    )


can_withdraw_application = can_submit_application


def can_return_application(actor: Actor, application: Any) -> bool:
    return (
        _is_central(actor)
        or _covers(actor, Role.COMMUNE_OFFICER, application)
        or _province_officer(actor, application)
    )


def can_pre_assess_application(actor: Actor, application: Any) -> bool:
    return _is_central(actor) or _covers(actor, Role.COMMUNE_OFFICER, application)


def can_manage_application(actor: Actor, application: Any) -> bool:
    """Province-level moves: lower-tier record, forward, schedule, score, recognise, decide."""
    return _is_central(actor) or _province_officer(actor, application)
