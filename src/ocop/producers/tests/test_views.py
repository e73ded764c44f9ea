import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.core.models import AuditEvent
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers.models import Certification, Producer, ProducerDocument
from ocop.producers.tests.factories import (
    CertificationFactory,
    ProducerDocumentFactory,
    ProducerFactory,
    ProducerRepresentativeFactory,
    valid_tax_code,
)
from ocop.producers.tests.test_services import PDF_BYTES


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer(province):
    return client_for(user_with_role(Role.PROVINCE_OFFICER, province=province))


@pytest.fixture
def commune_client(commune):
    return client_for(user_with_role(Role.COMMUNE_OFFICER, commune=commune))


def url(name, *args):
    return reverse(f"producers:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


# --- list -----------------------------------------------------------------------------------------
def test_the_list_shows_the_producers_in_scope_with_filters(officer, commune, other_commune):
    ProducerFactory(commune=commune, name="Hợp tác xã Chè Đồng Tâm")
    ProducerFactory(commune=other_commune, name="Hợp tác xã Tỉnh Khác")
    response = officer.get(url("list"))
    assert response.status_code == 200
    assert "Hợp tác xã Chè Đồng Tâm" in text(response)
    assert "Hợp tác xã Tỉnh Khác" not in text(response)
    assert 'name="q"' in text(response) and 'name="status"' in text(response)
    assert reverse("geo:commune_options") in text(response)


def test_searching_without_accents_finds_the_producer(officer, commune):
    ProducerFactory(commune=commune, name="Hợp tác xã Chè Đồng Tâm")
    ProducerFactory(commune=commune, name="Cơ sở Mật ong")
    body = text(officer.get(url("list"), {"q": "dong tam"}))
    assert "Hợp tác xã Chè Đồng Tâm" in body and "Cơ sở Mật ong" not in body


def test_an_htmx_request_gets_only_the_table_fragment(officer, commune):
    ProducerFactory(commune=commune, name="Hợp tác xã Chè Đồng Tâm")
    response = officer.get(url("list"), {"q": "che"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="producer-table"')
    assert "<html" not in body and "Hợp tác xã Chè Đồng Tâm" in body


def test_anonymous_users_are_sent_to_log_in_and_council_members_refused(province):
    assert Client().get(url("list")).status_code == 302
    council = client_for(user_with_role(Role.COUNCIL_MEMBER, province=province))
    assert council.get(url("list")).status_code == 403


def test_the_list_page_query_count_is_the_same_for_2_and_20_rows(officer, commune):
    ProducerFactory.create_batch(2, commune=commune)
    officer.get(url("list"))
    with CaptureQueriesContext(connection) as two:
        assert text(officer.get(url("list"))).count('scope="row"') == 2
    ProducerFactory.create_batch(18, commune=CommuneFactory(province=commune.province))
    with CaptureQueriesContext(connection) as twenty:
        assert text(officer.get(url("list"))).count('scope="row"') == 20
    assert len(two) == len(twenty)
    assert len(twenty) <= 10  # session, user, memberships, filter selects, count, rows


# --- detail and history -----------------------------------------------------------------------------
def test_the_detail_shows_facts_certifications_documents_and_history(officer, commune):
    producer = ProducerFactory(commune=commune, tax_code="0100233488", legacy_address="xã Cũ")
    CertificationFactory(producer=producer, number="VG-777")
    document = ProducerDocumentFactory(producer=producer, title="Giấy ĐKKD")
    officer.post(
        url("edit", producer.public_id),
        {
            "kind": "htx",
            "name": producer.name,
            "representative": "Người Mới",
            "tax_code": "0100233488",
            "province": commune.province_id,
            "commune": commune.pk,
        },
    )
    response = officer.get(url("detail", producer.public_id))
    body = text(response)
    assert response.status_code == 200
    for expected in ("0100233488", "xã Cũ", "VG-777", "Giấy ĐKKD", "Người Mới", "Cập nhật"):
        assert expected in body
    assert url("document", producer.public_id, document.public_id) in body
    assert "Chủ thể chưa có sản phẩm nào." in body


def test_the_detail_outside_scope_is_404(commune_client, other_commune):
    elsewhere = ProducerFactory(commune=other_commune)
    assert commune_client.get(url("detail", elsewhere.public_id)).status_code == 404
    assert commune_client.get(url("history", elsewhere.public_id)).status_code == 404


def test_the_history_page_lists_the_events(officer, commune):
    officer.post(
        url("create"),
        {
            "kind": "hkd",
            "name": "Hộ Ông Ba",
            "representative": "Ông Ba",
            "province": commune.province_id,
            "commune": commune.pk,
        },
    )
    producer = Producer.objects.get()
    response = officer.get(url("history", producer.public_id))
    assert response.status_code == 200
    assert "Tạo mới" in text(response)


# --- create and edit ------------------------------------------------------------------------------
def test_the_create_form_renders_with_the_unit_picker(commune_client, commune):
    response = commune_client.get(url("create"))
    body = text(response)
    assert response.status_code == 200
    assert 'name="legacy_address"' in body
    assert f'hx-get="{reverse("geo:commune_options")}"' in body
    assert f'<option value="{commune.pk}" selected>' in body


def test_creating_a_producer_redirects_to_its_page(commune_client, commune):
    response = commune_client.post(
        url("create"),
        {
            "kind": "htx",
            "name": "Hợp tác xã Rau Sạch",
            "representative": "Bà Hoa",
            "tax_code": valid_tax_code(9),
            "province": commune.province_id,
            "commune": commune.pk,
            "phone": "0987 654 321",
        },
    )
    producer = Producer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", producer.public_id)
    assert producer.phone == "0987654321"


def test_the_form_shows_service_errors_in_vietnamese_and_saves_nothing(commune_client, commune):
    response = commune_client.post(
        url("create"),
        {
            "kind": "htx",
            "name": "Hợp tác xã Rau Sạch",
            "representative": "Bà Hoa",
            "tax_code": "0100233480",
            "province": commune.province_id,
            "commune": commune.pk,
            "founded_year": "1850",
        },
    )
    body = text(response)
    assert response.status_code == 422
    assert "Mã số thuế không hợp lệ (sai chữ số kiểm tra)" in body
    assert "Năm thành lập phải là một năm từ 1900" in body
    assert not Producer.objects.exists()


def test_a_commune_outside_the_officers_unit_is_refused_with_403(commune_client, province):
    neighbour = CommuneFactory(province=province)
    response = commune_client.post(
        url("create"),
        {
            "kind": "hkd",
            "name": "Hộ A",
            "representative": "A",
            "province": province.pk,
            "commune": neighbour.pk,
        },
    )
    assert response.status_code == 403
    assert "Bạn không có quyền" in text(response)
    assert not Producer.objects.exists()


def test_edit_saves_only_what_changed(officer, commune):
    producer = ProducerFactory(commune=commune, phone="09 (anh Ba)")
    page = officer.get(url("edit", producer.public_id))
    assert page.status_code == 200
    response = officer.post(
        url("edit", producer.public_id),
        {
            "kind": producer.kind,
            "name": "Tên Mới",
            "representative": producer.representative,
            "address_detail": producer.address_detail,
            "phone": producer.phone,
            "province": commune.province_id,
            "commune": commune.pk,
        },
    )
    assert response.status_code == 302
    producer.refresh_from_db()
    assert producer.name == "Tên Mới"
    event = AuditEvent.objects.get(action="producers.producer.update")
    assert set(event.after) == {"name"}


def test_a_linked_producer_may_edit_and_an_inspector_may_not(commune, province):
    producer = ProducerFactory(commune=commune)
    user = user_with_role(Role.PRODUCER)
    ProducerRepresentativeFactory(producer=producer, user=user)
    assert client_for(user).get(url("edit", producer.public_id)).status_code == 200
    inspector = client_for(user_with_role(Role.INSPECTOR, province=province))
    assert inspector.get(url("detail", producer.public_id)).status_code == 200
    assert inspector.get(url("edit", producer.public_id)).status_code == 403


def test_status_changes_from_the_detail_page(officer, commune):
    producer = ProducerFactory(commune=commune)
    response = officer.post(
        url("status", producer.public_id), {"status": "suspended", "reason": "Nghỉ"}
    )
    assert response.status_code == 302
    producer.refresh_from_db()
    assert producer.status == "suspended"


# --- certifications and documents -----------------------------------------------------------------
def test_adding_a_certification_with_dates_out_of_order_shows_the_error(officer, commune):
    producer = ProducerFactory(commune=commune)
    data = {
        "kind": "vietgap",
        "number": "VG-1",
        "issuer": "Trung tâm A",
        "valid_from": "01/06/2025",
    }
    bad = officer.post(
        url("certification_add", producer.public_id), {**data, "valid_to": "2025-01-01"}
    )
    assert bad.status_code == 422
    assert "Ngày hết hiệu lực phải bằng hoặc sau ngày bắt đầu hiệu lực." in text(bad)
    ok = officer.post(
        url("certification_add", producer.public_id), {**data, "valid_to": "2028-05-31"}
    )
    assert ok.status_code == 302
    assert Certification.objects.get().valid_from.isoformat() == "2025-06-01"


def test_a_certification_is_edited_and_removed(officer, commune):
    producer = ProducerFactory(commune=commune)
    cert = CertificationFactory(producer=producer)
    edit_url = url("certification_edit", producer.public_id, cert.public_id)
    assert officer.get(edit_url).status_code == 200
    data = {
        "kind": cert.kind,
        "number": "MỚI-1",
        "issuer": cert.issuer,
        "scope": cert.scope,
        "valid_from": cert.valid_from.isoformat(),
        "valid_to": cert.valid_to.isoformat(),
    }
    assert officer.post(edit_url, data).status_code == 302
    cert.refresh_from_db()
    assert cert.number == "MỚI-1"
    response = officer.post(url("certification_remove", producer.public_id, cert.public_id))
    assert response.status_code == 302
    assert not Certification.objects.exists()


def test_uploading_a_fake_pdf_shows_the_error_and_stores_nothing(officer, commune):
    producer = ProducerFactory(commune=commune)
    response = officer.post(
        url("document_upload", producer.public_id),
        {"kind": "other", "file": SimpleUploadedFile("gia.pdf", b"van ban thuong")},
    )
    assert response.status_code == 422
    assert "Định dạng tệp không được chấp nhận" in text(response)
    assert not ProducerDocument.objects.exists()


def test_an_uploaded_document_downloads_only_for_those_in_scope(officer, commune, other_province):
    producer = ProducerFactory(commune=commune)
    upload_page = officer.get(url("document_upload", producer.public_id))
    assert upload_page.status_code == 200
    response = officer.post(
        url("document_upload", producer.public_id),
        {
            "kind": "food_safety",
            "title": "Giấy ATTP",
            "file": SimpleUploadedFile("attp.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    document = ProducerDocument.objects.get()
    download = officer.get(url("document", producer.public_id, document.public_id))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF_BYTES
    stranger = client_for(user_with_role(Role.PROVINCE_OFFICER, province=other_province))
    assert stranger.get(url("document", producer.public_id, document.public_id)).status_code == 404


def test_a_new_version_replaces_the_chosen_document(officer, commune):
    producer = ProducerFactory(commune=commune)
    first = ProducerDocumentFactory(producer=producer, kind="food_safety")
    response = officer.post(
        url("document_upload", producer.public_id),
        {
            "kind": "food_safety",
            "replaces": str(first.public_id),
            "file": SimpleUploadedFile("attp-2.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    newest = ProducerDocument.objects.exclude(pk=first.pk).get()
    assert (newest.version, newest.replaces_id) == (2, first.pk)
