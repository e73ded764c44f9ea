"""Stamp pages: list (scoped, constant queries), request, decide, activate, print downloads."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.certificates.tests.factories import CertificateFactory
from ocop.producers.tests.factories import ProducerRepresentativeFactory
from ocop.stamps.constants import BatchStatus, StampState
from ocop.stamps.models_register import Lot, Stamp, StampBatch
from ocop.stamps.tests.conftest import TODAY
from ocop.stamps.tests.factories import StampBatchFactory, issued_batch

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, product):
    client.force_login(user_with_role(Role.PROVINCE_OFFICER, province=product.province))
    return client


@pytest.fixture
def producer_client(client, product):
    user = user_with_role(Role.PRODUCER, commune=product.commune)
    ProducerRepresentativeFactory(producer=product.producer, user=user)
    client.force_login(user)
    return client


def _detail(batch):
    return reverse("stamps:batch_detail", args=[batch.public_id])


def test_the_list_is_scoped_to_the_province(officer_client, certificate, other_province):
    mine = StampBatchFactory(certificate_obj=certificate)
    from ocop.geo.tests.factories import CommuneFactory
    from ocop.producers.tests.factories import ProducerFactory
    from ocop.products.tests.factories import ProductFactory

    far = ProductFactory(producer=ProducerFactory(commune=CommuneFactory(province=other_province)))
    theirs = StampBatchFactory(certificate_obj=CertificateFactory(product=far))
    html = officer_client.get(reverse("stamps:batch_list")).content.decode()
    assert mine.code in html and theirs.code not in html


def test_the_list_query_count_does_not_grow_with_rows(officer_client, certificate):
    def count_for(rows: int) -> int:
        StampBatch.objects.all().delete()
        StampBatchFactory.create_batch(rows, certificate_obj=certificate)
        with CaptureQueriesContext(connection) as ctx:
            assert officer_client.get(reverse("stamps:batch_list")).status_code == 200
        return len(ctx.captured_queries)

    assert count_for(2) == count_for(20) <= 10


def test_commune_officers_and_anonymous_visitors_are_kept_out(client, product):
    response = client.get(reverse("stamps:batch_list"))
    assert response.status_code == 302 and "next=" in response["Location"]
    client.force_login(user_with_role(Role.COMMUNE_OFFICER, commune=product.commune))
    assert client.get(reverse("stamps:batch_list")).status_code == 403


def test_a_producer_requests_a_batch_through_the_form(producer_client, product):
    page = producer_client.get(reverse("stamps:batch_request"))
    assert product.name in page.content.decode()
    response = producer_client.post(
        reverse("stamps:batch_request"),
        {"product": str(product.public_id), "quantity": 12, "note": "Đợt Tết"},
    )
    batch = StampBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(batch)
    assert batch.quantity == 12 and batch.status == BatchStatus.REQUESTED


def test_a_bad_quantity_shows_the_form_again_and_saves_nothing(producer_client, product):
    response = producer_client.post(
        reverse("stamps:batch_request"), {"product": str(product.public_id), "quantity": 0}
    )
    assert response.status_code == 422
    assert not StampBatch.objects.exists()


def test_the_officer_approves_and_sees_the_issued_counts(officer_client, certificate):
    batch = StampBatchFactory(certificate_obj=certificate, quantity=7)
    response = officer_client.post(reverse("stamps:batch_approve", args=[batch.public_id]), {})
    assert response.status_code == 302
    html = officer_client.get(_detail(batch)).content.decode()
    assert "Đã duyệt và phát hành 7 mã tem." in html
    assert Stamp.objects.filter(batch=batch).count() == 7


def test_approval_of_a_revoked_product_shows_the_reason(officer_client, certificate):
    batch = StampBatchFactory(certificate_obj=certificate)
    certificate.revoked_at = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    certificate.save()
    response = officer_client.post(
        reverse("stamps:batch_approve", args=[batch.public_id]), {}, follow=True
    )
    assert "không có giấy chứng nhận OCOP còn hiệu lực" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REQUESTED


def test_the_producer_activates_a_lot_from_the_detail_page(producer_client, certificate):
    batch = issued_batch(certificate_obj=certificate, quantity=10)
    data = {
        "first_number": 1,
        "last_number": 4,
        "lot_number": "L01",
        "production_date": (TODAY - dt.timedelta(days=1)).isoformat(),
        "best_before": (TODAY + dt.timedelta(days=90)).isoformat(),
        "quantity": 4,
    }
    response = producer_client.post(reverse("stamps:lot_activate", args=[batch.public_id]), data)
    assert response.status_code == 302
    assert Lot.objects.get().stamp_count == 4
    bad = producer_client.post(
        reverse("stamps:lot_activate", args=[batch.public_id]),
        {**data, "lot_number": "L02", "best_before": "2020-01-01"},
    )
    assert bad.status_code == 422
    assert "Hạn sử dụng phải sau ngày sản xuất." in bad.content.decode()


def test_the_producer_returns_unused_stamps(producer_client, certificate):
    batch = issued_batch(certificate_obj=certificate, quantity=10)
    response = producer_client.post(
        reverse("stamps:stamps_return", args=[batch.public_id]),
        {"return-first_number": 6, "return-last_number": 10, "return-reason": "Thừa"},
    )
    assert response.status_code == 302
    assert Stamp.objects.filter(batch=batch, state=StampState.VOIDED).count() == 5


def test_the_label_sheet_and_csv_stream(producer_client, certificate):
    batch = issued_batch(certificate_obj=certificate, quantity=3)
    pdf = producer_client.get(reverse("stamps:batch_labels_pdf", args=[batch.public_id]))
    assert pdf.status_code == 200 and pdf.streaming
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-1.4")
    rows = producer_client.get(reverse("stamps:batch_codes_csv", args=[batch.public_id]))
    assert rows.streaming
    assert len(b"".join(rows.streaming_content).decode().splitlines()) == 4


def test_a_requested_batch_has_nothing_to_print(producer_client, certificate):
    batch = StampBatchFactory(certificate_obj=certificate)
    response = producer_client.get(reverse("stamps:batch_codes_csv", args=[batch.public_id]))
    assert response.status_code == 409


def test_a_request_without_a_product_is_a_form_error(producer_client, product):
    response = producer_client.post(reverse("stamps:batch_request"), {"quantity": 5})
    assert response.status_code == 422
    assert not StampBatch.objects.exists()
