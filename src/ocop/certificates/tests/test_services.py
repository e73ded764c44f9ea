"""Issuing, numbering, supersession, suspension, reinstatement, revocation; audit and notices."""

import datetime as dt

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.certificates import selectors, services
from ocop.certificates.constants import CertificateLevel, EventKind
from ocop.certificates.constants import CertificateStatus as S
from ocop.certificates.errors import (
    AlreadyIssued,
    CertificateInvalid,
    CertificateStateInvalid,
    DecisionNotPublished,
    NotCertifiable,
)
from ocop.certificates.models import Certificate
from ocop.certificates.tests.factories import (
    CertificateFactory,
    DecisionFactory,
    recognised_application,
)
from ocop.core import clock
from ocop.core.errors import PermissionDenied
from ocop.core.models import AuditEvent, Notification, OutboxEmail
from ocop.evaluation.constants import ApplicationKind, Outcome
from ocop.evaluation.tests.factories import RoundFactory, two_tier_ruleset
from ocop.producers.tests.factories import ProducerRepresentativeFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 12, 1)


@pytest.fixture(autouse=True)
def _frozen():
    with clock.freeze(TODAY):
        yield


@pytest.fixture
def decision(province):
    return DecisionFactory(round=RoundFactory(province=province))


def test_a_published_decision_issues_one_numbered_certificate_per_recognised_product(
    decision, officer_actor
):
    apps = [recognised_application(decision=decision, stars=s) for s in (3, 4, 4)]
    certs = services.certificate_issue_from_decision(actor=officer_actor, decision=decision)
    assert [c.application_id for c in certs] == [a.pk for a in apps]
    code = decision.round.province.code
    assert [c.number for c in certs] == [
        f"{code}-2025-0001",
        f"{code}-2025-0002",
        f"{code}-2025-0003",
    ]
    first = certs[0]
    assert first.stars == 3
    assert first.level == CertificateLevel.PROVINCE
    assert (first.decision_id, first.decision_number) == (decision.pk, decision.number)
    assert first.decision_date == decision.signed_on == first.valid_from
    assert first.valid_until == dt.date(2028, 11, 20)  # the rule set's 36 months
    assert first.expiring_from == dt.date(2028, 10, 21)
    assert first.status == S.VALID
    assert first.product_code.startswith(f"{code}-{apps[0].commune.code}-")
    assert first.product_code.endswith("-2025")
    assert AuditEvent.objects.filter(action="certificates.certificate.issued").count() == 3
    assert first.events.get().kind == EventKind.ISSUED


def test_issuing_again_skips_certified_applications_and_refuses_a_direct_repeat(
    decision, officer_actor
):
    app = recognised_application(decision=decision)
    services.certificate_issue_from_decision(actor=officer_actor, decision=decision)
    assert services.certificate_issue_from_decision(actor=officer_actor, decision=decision) == []
    with pytest.raises(AlreadyIssued):
        services.certificate_issue(actor=officer_actor, application=app)


def test_validity_and_notice_lead_come_from_the_rule_set(decision, officer_actor):
    ruleset = two_tier_ruleset(
        id="TEST.certificates.24-months",
        recognition={
            "certifiable_min_stars": 3,
            "certificate_validity_months": 24,
            "expiry_notice_days_before": 45,
        },
    )
    app = recognised_application(decision=decision, ruleset=ruleset)
    cert = services.certificate_issue(actor=officer_actor, application=app)
    assert cert.valid_until == dt.date(2027, 11, 20)
    assert cert.expiry_notice_days == 45
    assert cert.expiring_from == dt.date(2027, 10, 6)


def test_an_unpublished_decision_issues_nothing(province, officer_actor):
    decision = DecisionFactory(round=RoundFactory(province=province), published_at=None)
    recognised_application(decision=decision)
    with pytest.raises(DecisionNotPublished):
        services.certificate_issue_from_decision(actor=officer_actor, decision=decision)
    assert not Certificate.objects.exists()


def test_five_stars_wait_for_the_national_result_then_certify_at_central_level(
    decision, officer_actor
):
    app = recognised_application(decision=decision, stars=4, outcome=Outcome.PROPOSED_NATIONAL)
    assert services.certificate_issue_from_decision(actor=officer_actor, decision=decision) == []
    with pytest.raises(NotCertifiable):
        services.certificate_issue(actor=officer_actor, application=app)
    app.national_stars = 5
    app.national_decision = "123/QĐ-BNNMT"
    app.national_decided_on = dt.date(2025, 11, 28)
    app.save()
    [cert] = services.certificate_issue_from_decision(actor=officer_actor, decision=decision)
    assert (cert.stars, cert.level) == (5, CertificateLevel.CENTRAL)
    assert (cert.decision_number, cert.decision_date) == ("123/QĐ-BNNMT", dt.date(2025, 11, 28))
    assert cert.valid_until == dt.date(2028, 11, 28)


def test_a_not_recognised_application_gets_no_certificate(decision, officer_actor):
    app = recognised_application(decision=decision, outcome=Outcome.NOT_RECOGNISED)
    with pytest.raises(NotCertifiable):
        services.certificate_issue(actor=officer_actor, application=app)


def test_an_officer_of_another_province_may_not_issue(decision, other_province):
    recognised_application(decision=decision)
    stranger = actor_for(user_with_role(Role.PROVINCE_OFFICER, province=other_province))
    with pytest.raises(PermissionDenied):
        services.certificate_issue_from_decision(actor=stranger, decision=decision)


def test_an_upgrade_supersedes_the_certificate_in_force_and_keeps_the_product_code(
    decision, officer_actor
):
    old = CertificateFactory(
        decision_date=dt.date(2024, 5, 1),
        product__producer__commune__province=decision.round.province,
    )
    app = recognised_application(
        decision=decision, product=old.product, kind=ApplicationKind.UPGRADE
    )
    new = services.certificate_issue(actor=officer_actor, application=app)
    old.refresh_from_db()
    assert old.status == S.SUPERSEDED
    assert old.superseded_by == new
    assert new.product_code == old.product_code
    assert selectors.certificate_for_product(old.product) == new
    assert AuditEvent.objects.filter(action="certificates.certificate.supersede").count() == 1


def test_suspend_reinstate_revoke_with_legal_grounds_audit_and_notices(officer_actor, province):
    cert = CertificateFactory(product__producer__commune__province=province)
    rep = ProducerRepresentativeFactory(producer=cert.producer)
    rep.user.email = "producer@example.org"
    rep.user.save()
    cert = services.certificate_suspend(
        actor=officer_actor,
        certificate=cert,
        legal_ground="pending_inspection",
        public_reason="Tạm dừng chờ kiểm tra mẫu mã bao bì.",
        internal_note="Phản ánh của người tiêu dùng.",
    )
    assert cert.status == S.SUSPENDED
    assert Notification.objects.filter(user=rep.user, kind="certificates.status").count() == 1
    assert OutboxEmail.objects.filter(to="producer@example.org").exists()
    with pytest.raises(CertificateStateInvalid):
        services.certificate_suspend(
            actor=officer_actor,
            certificate=cert,
            legal_ground="pending_inspection",
            public_reason="Lần hai",
        )
    cert = services.certificate_reinstate(
        actor=officer_actor, certificate=cert, public_reason="Kiểm tra đạt yêu cầu."
    )
    assert cert.status == S.VALID
    cert = services.certificate_revoke(
        actor=officer_actor,
        certificate=cert,
        legal_ground="quality_or_design_differs",
        public_reason="Mẫu mã khác với mẫu đã đăng ký.",
    )
    assert cert.status == S.REVOKED
    assert list(cert.events.values_list("kind", flat=True)) == [
        EventKind.SUSPENDED,
        EventKind.REINSTATED,
        EventKind.REVOKED,
    ]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "certificates.certificate.suspend",
        "certificates.certificate.reinstate",
        "certificates.certificate.revoke",
    } <= actions
    with pytest.raises(CertificateStateInvalid):
        services.certificate_revoke(
            actor=officer_actor,
            certificate=cert,
            legal_ground="facility_closed",
            public_reason="Lần hai",
        )


@pytest.mark.parametrize(
    ("ground", "reason"),
    [
        ("", "Lý do"),
        ("made_up", "Lý do"),
        ("no_reevaluation", "Lý do"),
        ("pending_inspection", " "),
    ],
)
def test_suspension_needs_a_suspension_ground_and_a_public_reason(
    officer_actor, province, ground, reason
):
    cert = CertificateFactory(product__producer__commune__province=province)
    with pytest.raises(CertificateInvalid):
        services.certificate_suspend(
            actor=officer_actor, certificate=cert, legal_ground=ground, public_reason=reason
        )
    cert.refresh_from_db()
    assert cert.suspended_at is None


def test_an_expired_certificate_cannot_be_suspended(officer_actor, province):
    cert = CertificateFactory(
        product__producer__commune__province=province, decision_date=dt.date(2020, 1, 1)
    )
    with pytest.raises(CertificateStateInvalid):
        services.certificate_suspend(
            actor=officer_actor,
            certificate=cert,
            legal_ground="pending_inspection",
            public_reason="x",
        )


def test_a_producer_may_not_revoke(province):
    cert = CertificateFactory(product__producer__commune__province=province)
    rep = ProducerRepresentativeFactory(producer=cert.producer)
    producer_actor = actor_for(
        user_with_role(Role.PRODUCER, province=province, username=rep.user.username + "x")
    )
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(
            actor=producer_actor,
            certificate=cert,
            legal_ground="facility_closed",
            public_reason="x",
        )


def test_a_historic_certificate_is_imported_with_its_printed_number_or_the_next_one(
    officer_actor, province
):
    from ocop.products.tests.factories import ProductFactory

    product = ProductFactory(producer__commune__province=province)
    cert = services.certificate_import(
        actor=officer_actor,
        product=product,
        stars=3,
        decision_number="45/QĐ-UBND",
        decision_date=dt.date(2022, 3, 10),
        valid_until=dt.date(2025, 3, 10),
        number="GCN-2022-07",
    )
    assert cert.number == "GCN-2022-07" and cert.sequence is None and cert.imported
    assert cert.status == S.EXPIRED
    other = services.certificate_import(
        actor=officer_actor,
        product=ProductFactory(producer__commune__province=province),
        stars=4,
        decision_number="46/QĐ-UBND",
        decision_date=dt.date(2024, 3, 10),
        valid_until=dt.date(2027, 3, 10),
    )
    assert other.number == f"{province.code}-2024-0001"
    with pytest.raises(CertificateInvalid):
        services.certificate_import(
            actor=officer_actor,
            product=product,
            stars=3,
            decision_number="",
            decision_date=dt.date(2022, 3, 10),
            valid_until=dt.date(2025, 3, 10),
        )


def test_after_commit_the_pdf_digest_is_stored(
    decision, officer_actor, django_capture_on_commit_callbacks
):
    import hashlib

    from ocop.certificates.pdf import certificate_pdf

    app = recognised_application(decision=decision)
    with django_capture_on_commit_callbacks(execute=True):
        cert = services.certificate_issue(actor=officer_actor, application=app)
    cert.refresh_from_db()
    assert cert.pdf_sha256 == hashlib.sha256(certificate_pdf(cert)).hexdigest()
