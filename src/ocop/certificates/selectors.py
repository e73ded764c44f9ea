"""Every read of certificates, scoped by the acting user.

`certificate_status` and `certificate_for_product` are the contract other apps use (stamps, public
verification, inspections): the status is derived from the instance alone, never stored.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ocop.accounts.constants import Role
from ocop.certificates import policies
from ocop.certificates.constants import CertificateStatus
from ocop.certificates.models import Certificate, CertificateEvent
from ocop.core import clock
from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.errors import NotFound, ValidationFailed
from ocop.core.text import fold
from ocop.evaluation.models import Decision


# --- the contract for stamps, verification, inspections -------------------------------------------
def certificate_status(certificate: Certificate, on: dt.date | None = None) -> str:
    """The derived status (a CertificateStatus value) on local day `on` (today when None).

    Reads only the instance's columns: no query."""
    return certificate.status_on(on or clock.today())


def certificate_for_product(product: Any, on: dt.date | None = None) -> Certificate | None:
    """The certificate that speaks for `product` on `on`: the one in force, else the latest one
    issued by then (so a lapsed or revoked product shows why); None when it never had one.
    One query."""
    day = on or clock.today()
    rows = list(
        Certificate.objects.filter(product=product, valid_from__lte=day).order_by(
            "-valid_from", "-id"
        )
    )
    for cert in rows:
        if cert.in_force_on(day):
            return cert
    return rows[0] if rows else None


def status_q(status: str, on: dt.date) -> Q:
    """A filter matching certificates whose derived status on `on` is `status` (mirrors
    Certificate.status_on, so lists and counts agree with the badge)."""
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(0, 0), tzinfo=clock.LOCAL_TZ)
    revoked = Q(revoked_at__lt=end)
    superseded = Q(superseded_at__lt=end) & ~revoked
    suspended = Q(suspended_at__lt=end) & ~Q(revoked_at__lt=end) & ~Q(superseded_at__lt=end)
    live = ~Q(revoked_at__lt=end) & ~Q(superseded_at__lt=end) & ~Q(suspended_at__lt=end)
    started = Q(valid_from__lte=on)
    by_status = {
        CertificateStatus.REVOKED: revoked,
        CertificateStatus.SUPERSEDED: superseded,
        CertificateStatus.SUSPENDED: suspended,
        CertificateStatus.PENDING: live & Q(valid_from__gt=on),
        CertificateStatus.EXPIRED: live & started & Q(valid_until__lt=on),
        CertificateStatus.EXPIRING: live
        & started
        & Q(valid_until__gte=on)
        & Q(expiring_from__lte=on),
        CertificateStatus.VALID: live & started & Q(expiring_from__gt=on),
    }
    if status not in by_status:
        raise ValidationFailed(
            errors=[
                {
                    "loc": ["status"],
                    "code": "invalid_choice",
                    "message": str(_("Giá trị không hợp lệ.")),
                }
            ]
        )
    return by_status[status]


def in_force_q(on: dt.date) -> Q:
    return status_q(CertificateStatus.VALID, on) | status_q(CertificateStatus.EXPIRING, on)


# --- lists and look-ups ------------------------------------------------------------------------------
def _base() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("province", "commune", "product", "producer")


def certificate_list(
    *,
    actor: Actor,
    q: str | None = None,
    status: str | None = None,
    stars: int | str | None = None,
    commune: Any = None,
    year: int | str | None = None,
    product: Any = None,
    on: dt.date | None = None,
) -> QuerySet[Certificate]:
    """Certificates in the actor's scope, filtered; `status` is the derived status on `on`."""
    require(actor, policies.can_list_certificates)
    qs = policies.scope_certificates(actor, _base())
    if q:
        text = q.strip()
        folded = fold(text)
        qs = qs.filter(
            Q(number__icontains=text)
            | Q(product_code__icontains=text)
            | Q(product__name_search__contains=folded)
            | Q(producer__name_search__contains=folded)
        )
    if status:
        qs = qs.filter(status_q(status, on or clock.today()))
    if stars not in (None, ""):
        qs = qs.filter(stars=_int(stars, "stars"))
    if year not in (None, ""):
        qs = qs.filter(year=_int(year, "year"))
    if commune:
        qs = (
            qs.filter(commune_id=commune.pk)
            if hasattr(commune, "_meta")
            else qs.filter(commune__code=commune)
        )
    if product is not None:
        qs = qs.filter(product=product)
    return qs.order_by("-decision_date", "-id")


def _int(value: Any, loc: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            errors=[{"loc": [loc], "code": "invalid", "message": str(_("Giá trị không hợp lệ."))}]
        ) from exc


def certificate_get(*, actor: Actor, public_id: Any) -> Certificate:
    """One certificate in the actor's scope; NotFound otherwise (forbidden looks like missing)."""
    try:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound() from exc
    cert = (
        policies.scope_certificates(actor, _base())
        .select_related("decision", "application", "superseded_by", "ruleset")
        .filter(public_id=key)
        .first()
    )
    if cert is None:
        raise NotFound()
    return cert


def certificate_public_lookup(*, number: str) -> Certificate:
    """The public look-up by printed number (no log-in): one query, NotFound when unknown."""
    text = (number or "").strip()
    # NUL never appears in a number, and PostgreSQL refuses it in a query (a 500, not a 404).
    if not text or len(text) > 60 or "\x00" in text:
        raise NotFound()
    cert = Certificate.objects.select_related("superseded_by").filter(number=text).first()
    if cert is None:
        raise NotFound()
    return cert


def certificate_events(*, actor: Actor, certificate: Certificate) -> QuerySet[CertificateEvent]:
    require(actor, policies.can_view_certificate, certificate)
    return certificate.events.select_related("actor_user").order_by("at", "id")


def certificate_commune_choices(*, actor: Actor) -> list[tuple[str, str]]:
    rows = (
        policies.scope_certificates(actor, Certificate.objects.all())
        .order_by("commune__name", "commune__code")
        .values_list("commune__code", "commune__name")
        .distinct()
    )
    return list(rows)


def certificate_year_choices(*, actor: Actor) -> list[int]:
    rows = (
        policies.scope_certificates(actor, Certificate.objects.all())
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return list(rows)


def certificate_status_counts(
    *, actor: Actor, qs: QuerySet[Certificate] | None = None, on: dt.date | None = None
) -> dict[str, int]:
    """How many certificates of the (scoped) queryset are in each derived status: one query."""
    day = on or clock.today()
    base = qs if qs is not None else policies.scope_certificates(actor, Certificate.objects.all())
    aggregates = {
        str(status): Count("id", filter=status_q(status, day)) for status in CertificateStatus
    }
    return base.order_by().aggregate(**aggregates)


# --- province figures ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProvinceCounts:
    """Products recognised to date (cumulative) vs products holding a certificate in force now."""

    recognised: int
    valid: int
    certificates: int

    @property
    def not_valid(self) -> int:
        return self.recognised - self.valid


def province_certificate_counts(
    *, actor: Actor, province: Any, on: dt.date | None = None
) -> ProvinceCounts:
    """Cumulative recognised products vs products currently holding a valid certificate, from
    the certificates themselves (distinct products, so a re-recognised product counts once)."""
    require(actor, policies.can_view_province_counts, province)
    day = on or clock.today()
    qs = Certificate.objects.filter(province_id=province.pk, valid_from__lte=day).order_by()
    row = qs.aggregate(
        recognised=Count("product_id", distinct=True),
        valid=Count("product_id", distinct=True, filter=in_force_q(day)),
        certificates=Count("id"),
    )
    return ProvinceCounts(
        recognised=row["recognised"], valid=row["valid"], certificates=row["certificates"]
    )


def certificates_due_notice(*, on: dt.date) -> QuerySet[Certificate]:
    """Certificates in the notice window or lapsed on `on` (for the expiry watch; system use)."""
    live = status_q(CertificateStatus.EXPIRING, on) | status_q(CertificateStatus.EXPIRED, on)
    return Certificate.objects.filter(live).select_related("producer", "province")


# --- decisions to issue from -------------------------------------------------------------------------
def _scope_decisions(actor: Actor, qs: QuerySet[Decision]) -> QuerySet[Decision]:
    if actor.is_system or actor.has_role(Role.ADMIN):
        return qs
    return qs.filter(round__province_id__in=actor.province_ids(Role.PROVINCE_OFFICER))


def decision_list_for_issue(*, actor: Actor) -> QuerySet[Decision]:
    """Published recognition decisions of the actor's provinces, newest first, with how many of
    their applications already hold a certificate (`certified`) and how many are listed (`listed`)."""
    require(actor, policies.can_issue_certificate)
    return (
        _scope_decisions(actor, Decision.objects.filter(published_at__isnull=False))
        .select_related("round__province")
        .annotate(
            listed=Count("applications", distinct=True),
            certified=Count("applications__certificates", distinct=True),
        )
        .order_by("-signed_on", "-id")
    )


def decision_get_for_issue(*, actor: Actor, public_id: Any) -> Decision:
    require(actor, policies.can_issue_certificate)
    try:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound() from exc
    decision = (
        _scope_decisions(actor, Decision.objects.all())
        .select_related("round__province")
        .filter(public_id=key)
        .first()
    )
    if decision is None:
        raise NotFound()
    return decision


def decision_applications(*, actor: Actor, decision: Decision) -> list[Any]:
    """The applications listed in `decision`, each with `certificate` (or None)."""
    require(actor, policies.can_issue_certificate, decision.round)
    apps = list(
        decision.applications.select_related("product", "producer", "commune", "ruleset").order_by(
            "product__name", "id"
        )
    )
    by_app = {
        c.application_id: c
        for c in Certificate.objects.filter(application__in=[a.pk for a in apps])
    }
    for app in apps:
        app.certificate = by_app.get(app.pk)
    return apps


def province_counts_for_actor(*, actor: Actor) -> list[tuple[Any, ProvinceCounts]]:
    """Cumulative vs valid for each province where the actor is an officer or inspector."""
    from ocop.geo.models import Province

    ids = actor.province_ids(Role.PROVINCE_OFFICER, Role.INSPECTOR)
    return [
        (province, province_certificate_counts(actor=actor, province=province))
        for province in Province.objects.filter(pk__in=ids).order_by("code")
    ]


def application_get_for_issue(*, actor: Actor, public_id: Any) -> Any:
    """An application of the actor's provinces (for issuing its certificate); NotFound otherwise."""
    from ocop.evaluation.models import Application

    require(actor, policies.can_issue_certificate)
    try:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound() from exc
    qs = Application.objects.filter(public_id=key)
    if not (actor.is_system or actor.has_role(Role.ADMIN)):
        qs = qs.filter(province_id__in=actor.province_ids(Role.PROVINCE_OFFICER))
    app = qs.first()
    if app is None:
        raise NotFound()
    return app
