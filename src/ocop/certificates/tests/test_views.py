"""Pages: list with counts and filters, detail with its forms, PDF, Excel, issuing from a
decision, and the public look-up (no log-in, ≤2 queries, rate-limited)."""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.certificates.constants import CertificateStatus as S
from ocop.certificates.models import Certificate
from ocop.certificates.tests.factories import (
    CertificateFactory,
    DecisionFactory,
    recognised_application,
)
from ocop.core import clock
from ocop.evaluation.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _frozen():
    cache.clear()
    with clock.freeze(TODAY):
        yield
    cache.clear()


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def cert_in(province, **fields):
    return CertificateFactory(product__producer__commune__province=province, **fields)


def test_the_list_shows_derived_statuses_and_filters_by_them(signed_in, province):
    valid = cert_in(province)
    revoked = cert_in(province, revoked_at=clock.now())
    response = signed_in.get(reverse("certificates:certificate_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert valid.number in body and revoked.number in body
    assert "Đã thu hồi" in body
    response = signed_in.get(reverse("certificates:certificate_list"), {"status": S.REVOKED})
    body = response.content.decode()
    assert revoked.number in body and valid.number not in body


def test_the_list_costs_the_same_queries_for_2_and_20_rows(signed_in, province):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert signed_in.get(reverse("certificates:certificate_list")).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        cert_in(province)
    few = count()
    for _ in range(18):
        cert_in(province)
    assert count() == few


def test_the_excel_export_holds_the_filtered_rows(signed_in, province):
    from openpyxl import load_workbook

    cert = cert_in(province, stars=5)
    cert_in(province, stars=3)
    response = signed_in.get(reverse("certificates:certificate_export"), {"stars": "5"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == cert.number
    assert rows[1][-1] == "Còn hiệu lực"


def test_the_pdf_is_a_vietnamese_pdf_with_the_number(signed_in, province):
    cert = cert_in(province)
    response = signed_in.get(reverse("certificates:certificate_pdf", args=[cert.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"DejaVuSans" in response.content


def test_the_pdf_is_the_same_bytes_each_time(province):
    from ocop.certificates.pdf import certificate_pdf

    cert = cert_in(province)
    assert certificate_pdf(cert, url="https://x/1/") == certificate_pdf(cert, url="https://x/1/")


def test_an_officer_revokes_through_the_form_and_the_public_page_says_so(
    signed_in, client, province
):
    cert = cert_in(province)
    url = reverse("certificates:certificate_revoke", args=[cert.public_id])
    response = signed_in.post(
        url,
        {"revoke-legal_ground": "facility_closed", "revoke-public_reason": "Cơ sở đã giải thể."},
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.status == S.REVOKED
    client.logout()
    page = client.get(reverse("certificates:public_lookup", args=[cert.number]))
    body = page.content.decode()
    assert "Đã thu hồi" in body and "Cơ sở đã giải thể." in body


def test_a_revocation_without_a_ground_is_refused_with_a_message(signed_in, province):
    cert = cert_in(province)
    response = signed_in.post(
        reverse("certificates:certificate_revoke", args=[cert.public_id]),
        {"revoke-legal_ground": "", "revoke-public_reason": "x"},
    )
    assert response.status_code == 422
    cert.refresh_from_db()
    assert cert.revoked_at is None


def test_the_issue_page_issues_the_decision_certificates(signed_in, province):
    decision = DecisionFactory(round=RoundFactory(province=province))
    app = recognised_application(decision=decision)
    url = reverse("certificates:certificate_issue_from_decision", args=[decision.public_id])
    page = signed_in.get(url)
    assert page.status_code == 200 and app.product.name in page.content.decode()
    assert signed_in.post(url, {"confirm": "on"}).status_code == 302
    assert Certificate.objects.get(application=app).status == S.VALID


# --- public look-up ---------------------------------------------------------------------------
def test_anyone_looks_up_a_certificate_by_number_in_at_most_two_queries(client, province):
    cert = cert_in(province, suspended_at=clock.now(), suspension_public_reason="Chờ kiểm tra.")
    url = reverse("certificates:public_lookup", args=[cert.number])
    assert url == f"/certificates/{cert.number}/"
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert len(ctx.captured_queries) <= 2
    body = response.content.decode()
    assert cert.product_name in body and cert.producer_name in body
    assert "Tạm đình chỉ" in body and "Chờ kiểm tra." in body


def test_an_unknown_number_is_a_clear_404(client):
    response = client.get("/certificates/KHONG-CO-0001/")
    assert response.status_code == 404
    assert "Không tìm thấy giấy chứng nhận" in response.content.decode()


def test_the_public_lookup_is_rate_limited_per_client_address(client, province, settings):
    settings.OCOP_CERTIFICATE_LOOKUP_LIMIT = 3
    cert = cert_in(province)
    url = reverse("certificates:public_lookup", args=[cert.number])
    codes = [client.get(url, REMOTE_ADDR="203.0.113.5").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get(url, REMOTE_ADDR="203.0.113.5")["Retry-After"]
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_the_public_api_answers_the_same_without_log_in(client, province):
    cert = cert_in(province, revoked_at=clock.now(), revocation_public_reason="Vi phạm.")
    response = client.get(f"/api/v1/certificates/public/{cert.number}")
    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["in_force"], data["reason"]) == ("revoked", False, "Vi phạm.")
    assert client.get("/api/v1/certificates/public/KHONG-CO").status_code == 404


def test_a_producer_sees_only_its_own_certificates(client, province):
    from ocop.producers.tests.factories import ProducerRepresentativeFactory

    mine = cert_in(province)
    theirs = cert_in(province)
    rep = ProducerRepresentativeFactory(producer=mine.producer)
    user = user_with_role(Role.PRODUCER, province=province, username=f"{rep.user.username}-p")
    ProducerRepresentativeFactory(producer=mine.producer, user=user)
    client.force_login(user)
    body = client.get(reverse("certificates:certificate_list")).content.decode()
    assert mine.number in body and theirs.number not in body
    detail = client.get(reverse("certificates:certificate_detail", args=[theirs.public_id]))
    assert detail.status_code == 404
