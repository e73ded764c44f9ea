"""The demo's certificates: issued from the published demo decisions and recorded from printed
ones, with every status a visitor should see (valid, expiring, expired, superseded, revoked)."""

import datetime as dt

import pytest

from ocop.certificates.constants import CertificateStatus as S
from ocop.certificates.models import Certificate, CertificateNotice
from ocop.web.demo.loader import load_demo

DAY = dt.date(2026, 11, 23)


def _status(name: str, number: str) -> str:
    cert = Certificate.objects.get(product__name=name, decision_number=number)
    return cert.status_on(DAY)


def test_the_printed_certificates_show_every_status(demo):
    assert _status("Chè xanh Cẩm Mỹ", "1520/QĐ-UBND (demo)") == S.VALID
    assert _status("Dưa hấu Bình Nam", "1890/QĐ-UBND (demo)") == S.VALID
    assert _status("Nước mắm Bình Triều", "3120/QĐ-UBND (demo)") == S.EXPIRING
    assert _status("Mật ong Bình Quý", "3121/QĐ-UBND (demo)") == S.REVOKED
    assert Certificate.objects.filter(is_demo=False).count() == 0


def test_the_2021_decision_certificates_have_lapsed_or_been_superseded(demo):
    issued = Certificate.objects.filter(decision_number="2150/QĐ-UBND (demo)")
    if not issued.exists():
        pytest.skip("the evaluation demo published no 2021 decision")
    statuses = {c.product_name: c.status_on(DAY) for c in issued}
    assert set(statuses.values()) <= {S.EXPIRED, S.SUPERSEDED}
    assert all(c.valid_until == dt.date(2024, 7, 5) for c in issued)
    if "Dưa hấu Bình Nam" in statuses:
        assert statuses["Dưa hấu Bình Nam"] == S.SUPERSEDED


def test_the_expiry_watch_ran_for_the_near_expiry_certificate(demo):
    cert = Certificate.objects.get(decision_number="3120/QĐ-UBND (demo)")
    assert CertificateNotice.objects.filter(certificate=cert, kind="expiring").count() == 1


def test_loading_twice_adds_no_certificate(demo):
    before = Certificate.objects.count()
    notices = CertificateNotice.objects.count()
    load_demo()
    assert Certificate.objects.count() == before
    assert CertificateNotice.objects.count() == notices
