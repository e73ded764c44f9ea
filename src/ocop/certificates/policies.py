"""Who may see and act on which certificates. Deny by default.

- admin and the system actor: everything.
- province_officer: issue, suspend, reinstate, revoke and import certificates of its province(s);
  see them all. (The recognising level revokes: 5★ ones are recorded from the ministry's
  decision by the province, which also records a ministry's revocation.)
- commune_officer, inspector: read the certificates of their unit(s).
- producer: read its own certificates and ask for a re-evaluation of them.
- anyone, without log-in: the public look-up by number (partial data, current status).

Certificates carry denormalised `province_id`/`commune_id`, so a scope is one indexed filter.
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

VIEW_ROLES = (Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.INSPECTOR)


def _is_central(actor: Actor) -> bool:
    return actor.is_system or actor.has_role(Role.ADMIN)


def _province_officer(actor: Actor, obj: Any) -> bool:
    province_id = getattr(obj, "province_id", None)
    if province_id is None and obj is not None and hasattr(obj, "code"):
        province_id = obj.pk  # a geo.Province
    return actor.covers(Role.PROVINCE_OFFICER, province_id=province_id)


def scope_certificates(actor: Actor, qs: QuerySet) -> QuerySet:
    """Certificates the actor may see (officers and inspectors of the unit, the producer's own)."""
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


def can_list_certificates(actor: Actor) -> bool:
    return _is_central(actor) or actor.has_role(*VIEW_ROLES, Role.PRODUCER)


def can_view_certificate(actor: Actor, certificate: Any = None) -> bool:
    if certificate is None:
        return can_list_certificates(actor)
    return (
        _is_central(actor)
        or actor.covers(
            *VIEW_ROLES, province_id=certificate.province_id, commune_id=certificate.commune_id
        )
        or producer_policies.is_linked(actor, certificate.producer)
    )


def can_issue_certificate(actor: Actor, obj: Any = None) -> bool:
    """Issue from a decision or an application (obj: anything with province_id, or a Province)."""
    if obj is None:
        return _is_central(actor) or actor.has_role(Role.PROVINCE_OFFICER)
    return _is_central(actor) or _province_officer(actor, obj)


def can_import_certificate(actor: Actor, obj: Any = None) -> bool:
    """Record a historic certificate issued before the system (province officers)."""
    return can_issue_certificate(actor, obj)


def can_manage_certificate(actor: Actor, certificate: Any = None) -> bool:
    """Suspend, reinstate, revoke, supersede: the province that holds the certificate."""
    if certificate is None:
        return _is_central(actor) or actor.has_role(Role.PROVINCE_OFFICER)
    return _is_central(actor) or _province_officer(actor, certificate)


can_suspend_certificate = can_manage_certificate
can_reinstate_certificate = can_manage_certificate
can_revoke_certificate = can_manage_certificate


def can_request_reevaluation(actor: Actor, certificate: Any = None) -> bool:
    """Start a re-evaluation application from a certificate: its producer or the province."""
    if certificate is None:
        return _is_central(actor) or actor.has_role(Role.PRODUCER, Role.PROVINCE_OFFICER)
    return (
        _is_central(actor)
        or _province_officer(actor, certificate)
        or producer_policies.is_linked(actor, certificate.producer)
    )


def can_view_province_counts(actor: Actor, province: Any = None) -> bool:
    if province is None:
        return _is_central(actor) or actor.has_role(*VIEW_ROLES)
    province_id = getattr(province, "province_id", None) or province.pk
    return _is_central(actor) or actor.covers(*VIEW_ROLES, province_id=province_id)
