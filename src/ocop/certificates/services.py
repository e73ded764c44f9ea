"""Every write of certificates: issue (from a published decision, one application, or a historic
record), suspend, reinstate, revoke, supersede, expiry notices, re-evaluation requests.

Each service is keyword-only with `actor` first, runs in one transaction, checks its policy,
writes a CertificateEvent and an AuditEvent, and defers side effects (PDF digest, notices) to
commit. Numbers come from `ocop.core.codes.next_value` (a locked counter row per province and
year), so concurrent issuers get distinct consecutive numbers and a rolled-back issue frees none.
Validity and the notice lead come from the application's rule set, never from code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from ocop.accounts.constants import Role
from ocop.accounts.models import User
from ocop.certificates import grounds, policies
from ocop.certificates.constants import (
    DEFAULT_EXPIRY_NOTICE_DAYS,
    CertificateLevel,
    CertificateStatus,
    EventKind,
    GroundAction,
    NoticeKind,
)
from ocop.certificates.errors import (
    AlreadyIssued,
    CertificateInvalid,
    CertificateStateInvalid,
    DecisionNotPublished,
    NotCertifiable,
    NumberTaken,
    ReevaluationUnavailable,
)
from ocop.certificates.models import Certificate, CertificateEvent, CertificateNotice
from ocop.core import audit, clock
from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.codes import next_value
from ocop.core.errors import DomainError
from ocop.core.notify import notify
from ocop.core.text import nfc
from ocop.evaluation import services as evaluation_services
from ocop.evaluation.constants import ApplicationKind, Level, Outcome, RoundStatus
from ocop.evaluation.models import Application, Decision, Round

CERTIFIED_OUTCOMES = (Outcome.RECOGNISED, Outcome.PROPOSED_NATIONAL)


# --- numbering -----------------------------------------------------------------------------------
def certificate_number(province: Any, year: int, sequence: int) -> str:
    """`<province code>-<year>-<sequence, 4 digits>`: unique per province and year, URL-safe."""
    return f"{province.code}-{year}-{sequence:04d}"


def _product_code(product: Any, year: int) -> str:
    """The product's code, kept for life: its earlier certificate's or registry code, else a new
    `province-commune-sequence-year` (QĐ 26 pattern, current units; guide §8)."""
    earlier = (
        Certificate.objects.filter(product=product)
        .exclude(product_code="")
        .order_by("valid_from", "id")
        .values_list("product_code", flat=True)
        .first()
    )
    if earlier:
        return earlier
    if product.code:
        return product.code
    seq = next_value(f"certificates.product_code:{product.province_id}:{year}")
    return f"{product.province.code}-{product.commune.code}-{seq}-{year}"


# --- recipients ------------------------------------------------------------------------------------
def producer_users(certificate: Certificate) -> list[Any]:
    return list(
        User.objects.filter(producer_links__producer_id=certificate.producer_id, is_active=True)
    )


def province_officers(certificate: Certificate, on: dt.date | None = None) -> list[Any]:
    """Active users holding the province-officer role of the certificate's province on `on`."""
    day = on or clock.today()
    qs = (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.PROVINCE_OFFICER,
            memberships__province_id=certificate.province_id,
        )
        .distinct()
        .prefetch_related("memberships")
    )
    return [u for u in qs if _membership_live(u, certificate.province_id, day)]


def _membership_live(user: Any, province_id: int, day: dt.date) -> bool:
    return any(
        m.role == Role.PROVINCE_OFFICER
        and m.province_id == province_id
        and (m.valid_from is None or m.valid_from <= day)
        and (m.valid_to is None or m.valid_to >= day)
        for m in user.memberships.all()
    )


def _link(certificate: Certificate) -> str:
    from django.conf import settings
    from django.urls import reverse

    path = reverse("certificates:certificate_detail", args=[certificate.public_id])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


# --- issuing ---------------------------------------------------------------------------------------
@dataclass
class IssueFacts:
    """What a certificate states, gathered from an application or a historic record."""

    product: Any
    stars: int
    level: str
    decision_number: str
    decision_date: dt.date
    valid_until: dt.date
    notice_days: int
    application: Application | None = None
    decision: Decision | None = None
    ruleset: Any = None
    score: Any = None
    issuer: str = ""
    signer: str = ""
    number: str = ""
    is_demo: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _facts_from_application(application: Application) -> IssueFacts:
    """The certificate an application earns: the province's decision for 3★/4★, the ministry's
    recorded result for 5★. NotCertifiable when there is nothing to certify."""
    ruleset = application.ruleset
    decision = application.decision
    refusal = NotCertifiable(id=application.public_id)
    if ruleset is None or decision is None or application.outcome not in CERTIFIED_OUTCOMES:
        raise refusal
    if decision.published_at is None:
        raise DecisionNotPublished(number=decision.number)
    if application.outcome == Outcome.PROPOSED_NATIONAL:
        if not (application.national_stars and application.national_decided_on):
            raise refusal
        stars, level = application.national_stars, CertificateLevel.CENTRAL
        number, day = application.national_decision, application.national_decided_on
        issuer, signer, source = "", "", None
    else:
        stars = application.stars
        level = (
            CertificateLevel.CENTRAL
            if decision.level == Level.CENTRAL
            else CertificateLevel.PROVINCE
        )
        number, day = decision.number, decision.signed_on
        issuer, signer, source = decision.issuer, decision.signer, decision
    if not stars or not ruleset.is_certifiable(stars):
        raise refusal
    return IssueFacts(
        product=application.product,
        stars=stars,
        level=level,
        decision_number=number,
        decision_date=day,
        valid_until=clock.add_months(day, ruleset.validity_months),
        notice_days=ruleset.expiry_notice_days or DEFAULT_EXPIRY_NOTICE_DAYS,
        application=application,
        decision=source,
        ruleset=ruleset,
        score=application.score,
        issuer=issuer,
        signer=signer,
        is_demo=application.is_demo,
    )


def _address(producer: Any) -> str:
    parts = [producer.address_detail, producer.commune.name, producer.province.name]
    return ", ".join(p for p in parts if p)


def _write(*, actor: Actor, facts: IssueFacts, imported: bool) -> Certificate:
    """Create the certificate row (numbered), its event, its audit entry; supersede the earlier
    certificate of the product that is still in force."""
    product = facts.product
    producer = product.producer
    year = facts.decision_date.year
    sequence = None
    number = facts.number
    if not number:
        sequence = next_value(f"certificates.number:{product.province_id}:{year}")
        number = certificate_number(product.province, year, sequence)
    now = clock.now()
    cert = Certificate(
        province_id=product.province_id,
        commune_id=product.commune_id,
        year=year,
        sequence=sequence,
        number=number,
        product=product,
        producer=producer,
        application=facts.application,
        ruleset=facts.ruleset,
        stars=facts.stars,
        score=facts.score,
        level=facts.level,
        decision=facts.decision,
        decision_number=facts.decision_number,
        decision_date=facts.decision_date,
        decision_issuer=facts.issuer,
        decision_signer=facts.signer,
        product_code=_product_code(product, year),
        product_name=product.name,
        product_set_name=product.product_set.name_vi if product.product_set_id else "",
        producer_name=producer.name,
        address=_address(producer),
        commune_name=product.commune.name,
        province_name=product.province.name,
        valid_from=facts.decision_date,
        valid_until=facts.valid_until,
        expiry_notice_days=facts.notice_days,
        expiring_from=Certificate.notice_window_start(facts.valid_until, facts.notice_days),
        issued_at=now,
        issued_by_id=actor.user_id,
        imported=imported,
        is_demo=facts.is_demo,
    )
    try:
        with transaction.atomic():
            cert.save(force_insert=True)
    except IntegrityError as exc:
        raise NumberTaken(number=number) from exc
    kind = EventKind.IMPORTED if imported else EventKind.ISSUED
    _event(actor, cert, kind, at=now)
    audit.record(actor=actor, action=f"certificates.certificate.{kind}", obj=cert, before=None)
    _supersede_earlier(actor=actor, certificate=cert)
    transaction.on_commit(lambda: _after_issue(cert.pk))
    return cert


def _after_issue(certificate_id: int) -> None:
    from ocop.certificates import tasks

    tasks.certificate_pdf_digest.enqueue(certificate_id=certificate_id)


def _event(
    actor: Actor,
    cert: Certificate,
    kind: str,
    *,
    at: dt.datetime | None = None,
    ground: str = "",
    public_reason: str = "",
    note: str = "",
) -> CertificateEvent:
    return CertificateEvent.objects.create(
        certificate=cert,
        kind=kind,
        at=at or clock.now(),
        actor_user_id=actor.user_id,
        actor_label=actor.username[:150],
        legal_ground=ground,
        public_reason=public_reason,
        internal_note=note,
    )


def _supersede_earlier(*, actor: Actor, certificate: Certificate) -> None:
    """An upgrade or re-evaluation replaces the product's earlier certificate still in force."""
    day = certificate.valid_from
    earlier = (
        Certificate.objects.select_for_update()
        .filter(product_id=certificate.product_id, valid_from__lte=day)
        .exclude(pk=certificate.pk)
        .filter(superseded_at__isnull=True, revoked_at__isnull=True)
    )
    kind = certificate.application.kind if certificate.application else ""
    reason = str(ApplicationKind(kind).label) if kind else str(_("Công nhận lại"))
    for old in earlier:
        if old.valid_from > certificate.valid_from or old.status_on(day) not in (
            CertificateStatus.VALID,
            CertificateStatus.EXPIRING,
            CertificateStatus.SUSPENDED,
        ):
            continue
        before = audit.snapshot(old)
        old.superseded_at = clock.now()
        old.superseded_by = certificate
        old.supersession_reason = reason[:200]
        old.save(
            update_fields=["superseded_at", "superseded_by", "supersession_reason", "updated_at"]
        )
        _event(actor, old, EventKind.SUPERSEDED, public_reason=reason)
        audit.record(
            actor=actor, action="certificates.certificate.supersede", obj=old, before=before
        )


@transaction.atomic
def certificate_issue(*, actor: Actor, application: Application) -> Certificate:
    """Issue the certificate of one recognised application of a published decision.

    Side effects after commit: the PDF digest is computed (task)."""
    require(actor, policies.can_issue_certificate, application)
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("decision", "ruleset", "product__producer__commune", "product__province")
        .get(pk=application.pk)
    )
    existing = Certificate.objects.filter(application=locked).first()
    if existing is not None:
        raise AlreadyIssued(number=existing.number)
    facts = _facts_from_application(locked)
    return _write(actor=actor, facts=facts, imported=False)


@transaction.atomic
def certificate_issue_from_decision(*, actor: Actor, decision: Decision) -> list[Certificate]:
    """Issue one certificate per certifiable application of a published decision (5★ ones once
    the ministry's result is recorded). Applications already holding one are skipped, so the
    call can be repeated after the national result arrives. Returns the new certificates."""
    require(actor, policies.can_issue_certificate, decision.round)
    if decision.published_at is None:
        raise DecisionNotPublished(number=decision.number)
    issued: list[Certificate] = []
    apps = (
        Application.objects.select_for_update(of=("self",))
        .filter(decision=decision)
        .select_related("decision", "ruleset", "product__producer__commune", "product__province")
        .order_by("id")
    )
    for app in apps:
        if Certificate.objects.filter(application=app).exists():
            continue
        try:
            facts = _facts_from_application(app)
        except NotCertifiable:
            continue
        issued.append(_write(actor=actor, facts=facts, imported=False))
    return issued


def issuable_applications(decision: Decision) -> list[Application]:
    """Applications of `decision` that `certificate_issue_from_decision` would certify now."""
    out = []
    for app in decision.applications.select_related("ruleset", "decision", "product").order_by(
        "id"
    ):
        if Certificate.objects.filter(application=app).exists():
            continue
        try:
            _facts_from_application(app)
        except DomainError:
            continue
        out.append(app)
    return out


@transaction.atomic
def certificate_import(
    *,
    actor: Actor,
    product: Any,
    stars: int,
    decision_number: str,
    decision_date: dt.date,
    level: str = CertificateLevel.PROVINCE,
    valid_until: dt.date | None = None,
    number: str = "",
    ruleset: Any = None,
    issuer: str = "",
    is_demo: bool = False,
) -> Certificate:
    """Record a certificate issued before this system (no application). The validity is the
    printed expiry when given, else the rule set in force on the decision date decides it.
    `number` keeps a printed number; empty: the next number of the province and year."""
    require(actor, policies.can_import_certificate, product)
    errors: dict[str, list[str]] = {}
    decision_number = nfc((decision_number or "").strip())
    if not decision_number:
        errors.setdefault("decision_number", []).append(str(_("Nhập số quyết định.")))
    if not isinstance(decision_date, dt.date):
        errors.setdefault("decision_date", []).append(str(_("Nhập ngày quyết định.")))
    if level not in CertificateLevel.values:
        errors.setdefault("level", []).append(str(_("Cấp công nhận không hợp lệ.")))
    if errors:
        raise CertificateInvalid.from_dict(errors)
    ruleset = ruleset or _ruleset_on(product, decision_date)
    if ruleset is not None and not ruleset.is_certifiable(stars):
        errors.setdefault("stars", []).append(
            str(_("Hạng sao này không được cấp giấy chứng nhận."))
        )
    if valid_until is None:
        if ruleset is None:
            errors.setdefault("valid_until", []).append(
                str(_("Không có bộ tiêu chí để tính thời hạn; nhập ngày hết hiệu lực."))
            )
        else:
            valid_until = clock.add_months(decision_date, ruleset.validity_months)
    if valid_until is not None and valid_until < decision_date:
        errors.setdefault("valid_until", []).append(
            str(_("Ngày hết hiệu lực trước ngày quyết định."))
        )
    if errors:
        raise CertificateInvalid.from_dict(errors)
    notice = (ruleset.expiry_notice_days if ruleset else None) or DEFAULT_EXPIRY_NOTICE_DAYS
    facts = IssueFacts(
        product=product,
        stars=stars,
        level=level,
        decision_number=decision_number,
        decision_date=decision_date,
        valid_until=valid_until,  # type: ignore[arg-type]
        notice_days=notice,
        ruleset=ruleset,
        issuer=issuer,
        number=(number or "").strip(),
        is_demo=is_demo,
    )
    return _write(actor=actor, facts=facts, imported=True)


def _ruleset_on(product: Any, day: dt.date) -> Any:
    from ocop.criteria import selectors as criteria_selectors
    from ocop.criteria.errors import NoRuleSet

    try:
        return criteria_selectors.ruleset_for(
            product_set=product.product_set, on=day, scorable_only=False
        )
    except NoRuleSet:
        return None


# --- lifecycle -------------------------------------------------------------------------------------
def _check_ground(action: str, code: str, public_reason: str) -> None:
    errors: dict[str, list[str]] = {}
    found = grounds.ground(code or "")
    if found is None or action not in found.actions:
        errors.setdefault("legal_ground", []).append(str(_("Chọn căn cứ pháp lý hợp lệ.")))
    if not (public_reason or "").strip():
        errors.setdefault("public_reason", []).append(str(_("Nhập lý do công khai.")))
    if errors:
        raise CertificateInvalid.from_dict(errors)


def _locked(certificate: Certificate) -> Certificate:
    return Certificate.objects.select_for_update().get(pk=certificate.pk)


def _refuse(verb: Any, cert: Certificate) -> CertificateStateInvalid:
    return CertificateStateInvalid(verb=str(verb), state=cert.status_label)


def _notify_change(cert: Certificate, title: Any, body: str) -> None:
    users = producer_users(cert) + province_officers(cert)
    notify(users, kind="certificates.status", title=str(title), body=body, link=_link(cert))


@transaction.atomic
def certificate_suspend(
    *,
    actor: Actor,
    certificate: Certificate,
    legal_ground: str,
    public_reason: str,
    internal_note: str = "",
) -> Certificate:
    """Suspend a certificate in force: at once, stamps and public verification show «suspended».
    Side effects: in-app notice and e-mail to the producer's accounts and the province officers."""
    require(actor, policies.can_suspend_certificate, certificate)
    _check_ground(GroundAction.SUSPEND, legal_ground, public_reason)
    cert = _locked(certificate)
    if not cert.in_force:
        raise _refuse(_("tạm đình chỉ"), cert)
    before = audit.snapshot(cert)
    cert.suspended_at = clock.now()
    cert.suspension_ground = legal_ground
    cert.suspension_public_reason = nfc(public_reason.strip())
    cert.suspension_note = nfc((internal_note or "").strip())
    cert.save(
        update_fields=[
            "suspended_at",
            "suspension_ground",
            "suspension_public_reason",
            "suspension_note",
            "updated_at",
        ]
    )
    _event(
        actor,
        cert,
        EventKind.SUSPENDED,
        at=cert.suspended_at,
        ground=legal_ground,
        public_reason=cert.suspension_public_reason,
        note=cert.suspension_note,
    )
    audit.record(
        actor=actor,
        action="certificates.certificate.suspend",
        obj=cert,
        before=before,
        reason=cert.suspension_public_reason,
    )
    title = _("Giấy chứng nhận %(number)s bị tạm đình chỉ") % {"number": cert.number}
    _notify_change(cert, title, cert.suspension_public_reason)
    return cert


@transaction.atomic
def certificate_reinstate(
    *,
    actor: Actor,
    certificate: Certificate,
    legal_ground: str = "",
    public_reason: str = "",
    internal_note: str = "",
) -> Certificate:
    """Lift a suspension (the suspension stays in the history)."""
    require(actor, policies.can_reinstate_certificate, certificate)
    cert = _locked(certificate)
    if cert.status != CertificateStatus.SUSPENDED:
        raise _refuse(_("khôi phục hiệu lực"), cert)
    if not (public_reason or "").strip():
        raise CertificateInvalid.from_dict({"public_reason": [str(_("Nhập lý do công khai."))]})
    before = audit.snapshot(cert)
    cert.suspended_at = None
    cert.suspension_ground = ""
    cert.suspension_public_reason = ""
    cert.suspension_note = ""
    cert.save(
        update_fields=[
            "suspended_at",
            "suspension_ground",
            "suspension_public_reason",
            "suspension_note",
            "updated_at",
        ]
    )
    _event(
        actor,
        cert,
        EventKind.REINSTATED,
        ground=legal_ground,
        public_reason=nfc(public_reason.strip()),
        note=nfc((internal_note or "").strip()),
    )
    audit.record(
        actor=actor,
        action="certificates.certificate.reinstate",
        obj=cert,
        before=before,
        reason=public_reason.strip(),
    )
    title = _("Giấy chứng nhận %(number)s được khôi phục hiệu lực") % {"number": cert.number}
    _notify_change(cert, title, public_reason.strip())
    return cert


@transaction.atomic
def certificate_revoke(
    *,
    actor: Actor,
    certificate: Certificate,
    legal_ground: str,
    public_reason: str,
    internal_note: str = "",
    revocation_decision: str = "",
) -> Certificate:
    """Revoke a certificate (thu hồi), for good. Refused when already revoked or superseded.
    Side effects: notices to the producer's accounts and the province officers."""
    require(actor, policies.can_revoke_certificate, certificate)
    _check_ground(GroundAction.REVOKE, legal_ground, public_reason)
    cert = _locked(certificate)
    if cert.status in (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED):
        raise _refuse(_("thu hồi"), cert)
    before = audit.snapshot(cert)
    cert.revoked_at = clock.now()
    cert.revocation_ground = legal_ground
    cert.revocation_public_reason = nfc(public_reason.strip())
    cert.revocation_note = nfc((internal_note or "").strip())
    cert.revocation_decision = nfc((revocation_decision or "").strip())[:100]
    cert.save(
        update_fields=[
            "revoked_at",
            "revocation_ground",
            "revocation_public_reason",
            "revocation_note",
            "revocation_decision",
            "updated_at",
        ]
    )
    _event(
        actor,
        cert,
        EventKind.REVOKED,
        at=cert.revoked_at,
        ground=legal_ground,
        public_reason=cert.revocation_public_reason,
        note=cert.revocation_note,
    )
    audit.record(
        actor=actor,
        action="certificates.certificate.revoke",
        obj=cert,
        before=before,
        reason=cert.revocation_public_reason,
    )
    title = _("Giấy chứng nhận %(number)s bị thu hồi") % {"number": cert.number}
    _notify_change(cert, title, cert.revocation_public_reason)
    return cert


# --- expiry notices ------------------------------------------------------------------------------
@transaction.atomic
def certificate_send_notice(*, actor: Actor, certificate: Certificate, kind: str) -> bool:
    """Send the `kind` expiry notice of a certificate once (a second call does nothing): in-app
    notice and e-mail to the producer's accounts and the province officers. True when sent."""
    require(actor, policies.can_manage_certificate, certificate)
    if CertificateNotice.objects.filter(certificate=certificate, kind=kind).exists():
        return False
    try:
        with transaction.atomic():
            notice = CertificateNotice.objects.create(
                certificate=certificate, kind=kind, sent_at=clock.now()
            )
    except IntegrityError:  # a concurrent run sent it
        return False
    params = {
        "number": certificate.number,
        "product": certificate.product_name,
        "date": certificate.valid_until.strftime("%d/%m/%Y"),
    }
    if kind == NoticeKind.EXPIRING:
        title = _("Giấy chứng nhận OCOP %(number)s sắp hết hiệu lực") % params
        body = (
            _(
                "Giấy chứng nhận OCOP số %(number)s của sản phẩm «%(product)s» hết hiệu lực ngày "
                "%(date)s. Chủ thể cần đề nghị đánh giá lại trước khi hết hạn."
            )
            % params
        )
    else:
        title = _("Giấy chứng nhận OCOP %(number)s đã hết hiệu lực") % params
        body = (
            _(
                "Giấy chứng nhận OCOP số %(number)s của sản phẩm «%(product)s» đã hết hiệu lực từ sau "
                "ngày %(date)s. Ngừng sử dụng biểu trưng, tem OCOP cho sản phẩm này cho đến khi được "
                "công nhận lại."
            )
            % params
        )
    users = producer_users(certificate) + province_officers(certificate)
    sent = notify(
        users,
        kind=f"certificates.{kind}",
        title=str(title),
        body=str(body),
        link=_link(certificate),
    )
    notice.recipients = len(sent)
    notice.save(update_fields=["recipients"])
    _event(actor, certificate, EventKind.NOTICE, public_reason=str(title))
    audit.record(
        actor=actor,
        action=f"certificates.certificate.notice_{kind}",
        obj=certificate,
        before=None,
        after={"notice": kind, "recipients": len(sent)},
    )
    return True


# --- re-evaluation ----------------------------------------------------------------------------------
@transaction.atomic
def certificate_request_reevaluation(
    *,
    actor: Actor,
    certificate: Certificate,
    round: Round | None = None,  # noqa: A002
) -> Application:
    """Start a re-evaluation application for the certified product in the province's open round,
    prefilled from the previous dossier (its registration form; evaluation carries documents).
    """
    require(actor, policies.can_request_reevaluation, certificate)
    previous = certificate.application
    if previous is None:
        raise ReevaluationUnavailable(
            reason=str(_("giấy chứng nhận này không gắn với hồ sơ đánh giá trong hệ thống."))
        )
    if round is None:
        round = (  # noqa: A001
            Round.objects.filter(province_id=certificate.province_id, status=RoundStatus.OPEN)
            .order_by("-registration_opens", "-id")
            .first()
        )
    if round is None:
        raise ReevaluationUnavailable(reason=str(_("tỉnh chưa mở đợt đánh giá nào.")))
    registration = dict(previous.registration or {})
    registration["previous_certificate"] = certificate.number
    app = evaluation_services.application_create(
        actor=actor,
        round=round,
        product=certificate.product,
        kind=ApplicationKind.REEVALUATION,
        previous=previous,
        registration=registration,
    )
    _event(actor, certificate, EventKind.REEVALUATION, public_reason=str(round))
    audit.record(
        actor=actor,
        action="certificates.certificate.request_reevaluation",
        obj=certificate,
        before=None,
        after={"application": str(app.public_id)},
    )
    return app
