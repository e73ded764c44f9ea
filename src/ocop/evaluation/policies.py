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

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from ocop.accounts.constants import Role
from ocop.core import clock
from ocop.core.actor import Actor
from ocop.evaluation.models import ConflictDeclaration, CouncilMember
from ocop.producers import policies as producer_policies
from ocop.producers.models import ProducerRepresentative


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


def can_edit_dossier(actor: Actor, application: Any) -> bool:
    """Upload or remove dossier documents: the producer's own account, the commune officer
    covering it, a province officer of its province (the state check is the service's)."""
    return (
        _is_central(actor)
        or _represents(actor, application)
        or _covers(actor, Role.COMMUNE_OFFICER, application)
        or _province_officer(actor, application)
    )


def council_member_sees(actor: Actor, application: Any) -> bool:
    """A seat valid today on the council of the application's round, without a declared
    conflict of interest on it (a recused member does not see the application)."""
    if actor.user_id is None:
        return False
    today = clock.today()
    seat = CouncilMember.objects.filter(
        council__round_id=application.round_id,
        user_id=actor.user_id,
        valid_from__lte=today,
        valid_to__gte=today,
    ).first()
    if seat is None:
        return False
    return not ConflictDeclaration.objects.filter(
        member=seat, application_id=application.pk, has_conflict=True
    ).exists()


# --- reads ---------------------------------------------------------------------------------------
VIEW_ROLES = (Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.INSPECTOR)


def scope_applications(actor: Actor, qs: QuerySet) -> QuerySet:
    """Applications the actor may see: officers and inspectors of the unit, the producer's own
    accounts. Council members see nothing yet (their council's applications come with councils)."""
    if _is_central(actor):
        return qs
    filters = []
    for grant in actor.grants_for(*VIEW_ROLES):
        if grant.commune_id is not None:
            filters.append(Q(commune_id=grant.commune_id))
        elif grant.province_id is not None:
            filters.append(Q(province_id=grant.province_id))
    if actor.has_role(Role.PRODUCER) and actor.user_id is not None:
        # A subquery, not a join: a join over representatives would repeat rows.
        represented = ProducerRepresentative.objects.filter(user_id=actor.user_id)
        filters.append(Q(producer_id__in=represented.values("producer_id")))
    if not filters:
        return qs.none()
    return qs.filter(reduce(or_, filters))


def scope_rounds(actor: Actor, qs: QuerySet) -> QuerySet:
    """Rounds of the provinces where the actor holds any role (producers: every round of the
    provinces of the producers they represent; council members: the rounds where they hold a
    seat valid today — an Exists subquery, so a round is listed once)."""
    if _is_central(actor):
        return qs
    filters = [Q(province_id__in=actor.province_ids(*VIEW_ROLES))]
    if actor.has_role(Role.PRODUCER) and actor.user_id is not None:
        represented = ProducerRepresentative.objects.filter(user_id=actor.user_id)
        filters.append(Q(province_id__in=represented.values("producer__province_id")))
    if actor.user_id is not None:
        today = clock.today()
        seated = CouncilMember.objects.filter(
            council__round_id=OuterRef("pk"),
            user_id=actor.user_id,
            valid_from__lte=today,
            valid_to__gte=today,
        )
        filters.append(Q(Exists(seated)))
    return qs.filter(reduce(or_, filters))
