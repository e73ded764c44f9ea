"""Pages of rounds and applications: rendering, scoping, forms, workflow moves, dossier, feedback."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.core import notify, testing
from ocop.core.models import Notification
from ocop.evaluation.constants import ApplicationKind, ApplicationStatus, Level, Outcome
from ocop.evaluation.models import Application, DossierDocument, PreAssessment, Round
from ocop.evaluation.tests import factories as f
from ocop.evaluation.tests.test_results import (
    SHEETS,
    CouncilFactory,
    CouncilMemberFactory,
    ScoreSheetFactory,
    answer_sheet,
)
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def officer(client, province, today):
    client.force_login(user_with_role(Role.PROVINCE_OFFICER, province=province))
    return client


@pytest.fixture
def commune_officer(client, commune, today):
    client.force_login(user_with_role(Role.COMMUNE_OFFICER, commune=commune))
    return client


@pytest.fixture
def producer_client(client, producer_user, today):
    client.force_login(producer_user)
    return client


def _app(product, rnd, **kw):
    return f.ApplicationFactory(product=product, round=rnd, **kw)


def _detail(app):
    return reverse("evaluation:application_detail", args=[app.public_id])


def _pdf(name="tai-lieu.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- rounds --------------------------------------------------------------------------------------
def test_round_list_shows_rounds_of_the_province_only(officer, province, other_province):
    mine = f.RoundFactory(province=province, name="Đợt 1/2025 tỉnh nhà")
    f.RoundFactory(province=other_province, name="Đợt tỉnh khác")
    response = officer.get(reverse("evaluation:round_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert mine.name in html and "Đợt tỉnh khác" not in html
    assert reverse("evaluation:round_create") in html


def test_round_list_filters_by_status_and_ignores_bad_values(officer, province):
    f.RoundFactory(province=province, name="Đợt đang nhận", status="open")
    f.RoundFactory(province=province, name="Đợt đã quyết định", status="decided")
    html = officer.get(reverse("evaluation:round_list"), {"status": "decided"}).content.decode()
    assert "Đợt đã quyết định" in html and "Đợt đang nhận" not in html
    response = officer.get(reverse("evaluation:round_list"), {"year": "x", "level": "??"})
    assert response.status_code == 200 and "Đợt đang nhận" in response.content.decode()


def test_producers_see_rounds_but_no_create_button(producer_client, two_tier_round):
    html = producer_client.get(reverse("evaluation:round_list")).content.decode()
    assert two_tier_round.name in html
    assert reverse("evaluation:round_create") not in html


def _round_post(province, **over):
    data = {
        "province": province.code,
        "name": "Đợt 2/2025",
        "year": "2025",
        "number": "2",
        "process_variant": f.TWO_TIER,
        "level": "province",
        "registration_opens": "2025-09-01",
        "registration_cutoff": "2025-10-31",
        "divergence_threshold": "10",
    }
    data.update(over)
    return data


def test_creating_a_round_redirects_to_its_page(officer, province):
    f.variant(f.TWO_TIER)
    response = officer.post(reverse("evaluation:round_create"), _round_post(province))
    rnd = Round.objects.get(name="Đợt 2/2025")
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:round_detail", args=[rnd.public_id])
    assert rnd.province == province and rnd.process_variant.code == f.TWO_TIER


def test_a_round_refused_by_the_service_shows_the_error_and_saves_nothing(officer, province):
    f.variant(f.TWO_TIER)
    data = _round_post(province, registration_cutoff="2025-08-01")
    response = officer.post(reverse("evaluation:round_create"), data)
    assert response.status_code == 422
    assert "Hạn nộp hồ sơ phải sau ngày bắt đầu nhận hồ sơ." in response.content.decode()
    assert not Round.objects.exists()


def test_a_variant_not_in_force_on_the_opening_date_is_refused(officer, province):
    f.variant(f.TWO_TIER)
    data = _round_post(province, registration_opens="2024-01-01")
    response = officer.post(reverse("evaluation:round_create"), data)
    assert response.status_code == 422
    assert "Quy trình không có hiệu lực" in response.content.decode()
    assert not Round.objects.exists()


def test_round_detail_counts_filters_and_links(officer, product, two_tier_round, commune):
    other = ProductFactory(producer=ProducerFactory(commune=commune), name="Mật ong rừng")
    _app(product, two_tier_round, status=S.SUBMITTED)
    _app(other, two_tier_round)
    url = reverse("evaluation:round_detail", args=[two_tier_round.public_id])
    html = officer.get(url).content.decode()
    assert product.name in html and "Mật ong rừng" in html
    assert "Đã nộp" in html and "Đang soạn" in html
    assert reverse("evaluation:round_export", args=[two_tier_round.public_id]) in html
    html = officer.get(url, {"status": "draft"}).content.decode()
    assert "Mật ong rừng" in html and product.name not in html
    html = officer.get(url, {"q": "mật ong"}).content.decode()
    assert "Mật ong rừng" in html and product.name not in html


def test_round_detail_htmx_filter_returns_only_the_table(officer, product, two_tier_round):
    _app(product, two_tier_round)
    url = reverse("evaluation:round_detail", args=[two_tier_round.public_id])
    html = officer.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="application-table"' in html and "<html" not in html


def test_a_round_of_another_province_is_404(officer, other_province):
    rnd = f.RoundFactory(province=other_province)
    assert officer.get(reverse("evaluation:round_detail", args=[rnd.public_id])).status_code == 404
    assert officer.get(reverse("evaluation:round_export", args=[rnd.public_id])).status_code == 404


def test_export_is_an_excel_file_of_the_filtered_list(officer, product, two_tier_round, commune):
    other = ProductFactory(producer=ProducerFactory(commune=commune), name="Mật ong rừng")
    _app(product, two_tier_round, status=S.SUBMITTED)
    _app(other, two_tier_round)
    url = reverse("evaluation:round_export", args=[two_tier_round.public_id])
    response = officer.get(url, {"status": "submitted"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]][:2] == ["Mã hồ sơ", "Sản phẩm"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [product.name]
    assert rows[0][6] == "Đã nộp"


def test_the_list_export_keeps_the_round_filter(officer, product, two_tier_round, province):
    other_round = f.RoundFactory(province=province, name="Đợt khác")
    _app(product, two_tier_round)
    _app(ProductFactory(producer=ProducerFactory(commune=product.commune)), other_round)
    query = {"round": str(two_tier_round.public_id)}
    html = officer.get(reverse("evaluation:application_list"), query).content.decode()
    assert product.name in html and "Đợt khác" in html  # the round filter offers it
    response = officer.get(reverse("evaluation:application_export"), query)
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [(r[4], r[1]) for r in rows] == [(two_tier_round.name, product.name)]


# --- application list ----------------------------------------------------------------------------
def test_the_producer_sees_only_its_own_applications(producer_client, product, two_tier_round):
    mine = _app(product, two_tier_round)
    _app(
        ProductFactory(producer=ProducerFactory(commune=product.commune), name="Của người khác"),
        two_tier_round,
    )
    html = producer_client.get(reverse("evaluation:application_list")).content.decode()
    assert _detail(mine) in html and "Của người khác" not in html


def test_a_commune_officer_sees_only_its_commune(client, product, two_tier_round, province, today):
    neighbour = CommuneFactory(province=province)
    _app(product, two_tier_round)
    _app(ProductFactory(producer=ProducerFactory(commune=neighbour), name="Xã bên"), two_tier_round)
    client.force_login(user_with_role(Role.COMMUNE_OFFICER, commune=product.commune))
    html = client.get(reverse("evaluation:application_list")).content.decode()
    assert product.name in html and "Xã bên" not in html


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_list_pages_run_the_same_queries_for_2_and_20_rows(officer, commune, two_tier_round):
    def add(n):
        for _ in range(n):
            _app(ProductFactory(producer=ProducerFactory(commune=commune)), two_tier_round)

    urls = [
        reverse("evaluation:application_list"),
        reverse("evaluation:round_detail", args=[two_tier_round.public_id]),
        reverse("evaluation:round_list"),
    ]
    add(2)
    few = [_list_queries(officer, u) for u in urls]
    add(18)
    for _ in range(18):
        f.RoundFactory(province=two_tier_round.province)
    many = [_list_queries(officer, u) for u in urls]
    assert few == many


# --- create --------------------------------------------------------------------------------------
def test_the_create_form_offers_own_products_and_open_rounds(
    producer_client, product, two_tier_round, province
):
    ProductFactory(producer=ProducerFactory(commune=product.commune), name="Không phải của tôi")
    f.RoundFactory(province=province, name="Đợt đã đóng", status="decided")
    f.RoundFactory(
        province=province,
        name="Đợt quá hạn",
        registration_opens=dt.date(2025, 3, 1),
        registration_cutoff=dt.date(2025, 6, 30),
    )
    html = producer_client.get(reverse("evaluation:application_create")).content.decode()
    assert product.name in html and "Không phải của tôi" not in html
    assert two_tier_round.name in html and "Đợt đã đóng" not in html
    assert "Đợt quá hạn" not in html


def test_creating_an_application_makes_a_draft(producer_client, product, two_tier_round):
    data = {
        "round": str(two_tier_round.public_id),
        "product": str(product.public_id),
        "kind": "first",
        "contact_name": "Nguyễn Thị Hoa",
        "expected_stars": "3",
    }
    response = producer_client.post(reverse("evaluation:application_create"), data)
    app = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(app)
    assert app.status == S.DRAFT
    assert app.registration == {"contact_name": "Nguyễn Thị Hoa", "expected_stars": 3}


def test_a_commune_officer_registers_on_behalf_of_a_producer(
    commune_officer, product, two_tier_round
):
    data = {
        "round": str(two_tier_round.public_id),
        "product": str(product.public_id),
        "kind": "first",
    }
    response = commune_officer.post(reverse("evaluation:application_create"), data)
    app = Application.objects.get()
    assert response.status_code == 302
    assert app.producer == product.producer and app.commune == product.commune


def test_an_upgrade_marks_new_documents_against_the_previous_dossier(
    producer_client, product, two_tier_round, province
):
    previous = _app(product, f.RoundFactory(province=province), status=S.DECIDED, stars=3)
    f.complete_dossier(previous)
    app = _app(product, two_tier_round, kind=ApplicationKind.UPGRADE, previous=previous)
    url = reverse("evaluation:application_document_upload", args=[app.public_id])
    assert (
        producer_client.post(url, {"item": "label", "file": _pdf("nhan-moi.pdf")}).status_code
        == 302
    )
    html = producer_client.get(_detail(app)).content.decode()
    assert "nhan-moi.pdf" in html and "Mới: thay bản trước" in html


def test_an_upgrade_without_previous_application_is_refused(
    producer_client, product, two_tier_round
):
    data = {
        "round": str(two_tier_round.public_id),
        "product": str(product.public_id),
        "kind": ApplicationKind.UPGRADE,
    }
    response = producer_client.post(reverse("evaluation:application_create"), data)
    assert response.status_code == 422
    assert "cần chọn hồ sơ trước" in response.content.decode()
    assert not Application.objects.exists()


def test_a_second_application_in_the_round_is_refused(producer_client, product, two_tier_round):
    _app(product, two_tier_round)
    data = {
        "round": str(two_tier_round.public_id),
        "product": str(product.public_id),
        "kind": "first",
    }
    response = producer_client.post(reverse("evaluation:application_create"), data)
    assert response.status_code == 422
    assert "đã có hồ sơ trong đợt" in response.content.decode()
    assert Application.objects.count() == 1


def test_an_upgrade_carries_over_the_previous_dossier(
    producer_client, product, two_tier_round, province
):
    old_round = f.RoundFactory(province=province, status="decided")
    previous = _app(product, old_round, status=S.DECIDED, stars=3)
    f.complete_dossier(previous)
    data = {
        "round": str(two_tier_round.public_id),
        "product": str(product.public_id),
        "kind": ApplicationKind.UPGRADE,
        "previous": str(previous.public_id),
    }
    response = producer_client.post(reverse("evaluation:application_create"), data)
    assert response.status_code == 302
    app = Application.objects.get(round=two_tier_round)
    html = producer_client.get(_detail(app)).content.decode()
    assert "Dùng lại từ hồ sơ trước" in html
    assert DossierDocument.objects.filter(application=app, carried_over_from__isnull=False).exists()


# --- detail, dossier and submission ----------------------------------------------------------
def test_the_detail_shows_checklist_timeline_and_submit(producer_client, product, two_tier_round):
    app = _app(product, two_tier_round)
    html = producer_client.get(_detail(app)).content.decode()
    assert "Phiếu đăng ký sản phẩm tham gia đánh giá, phân hạng" in html
    assert "Còn thiếu" in html
    assert reverse("evaluation:application_submit", args=[app.public_id]) in html
    assert reverse("evaluation:application_document_upload", args=[app.public_id]) in html


def test_council_links_are_for_province_officers_only(
    client, producer_user, product, two_tier_round, province
):
    app = _app(product, two_tier_round, status=S.SCHEDULED)
    council = reverse("evaluation:council_detail", args=[two_tier_round.public_id])
    round_url = reverse("evaluation:round_detail", args=[two_tier_round.public_id])
    client.force_login(producer_user)
    assert council not in client.get(round_url).content.decode()
    client.force_login(user_with_role(Role.PROVINCE_OFFICER, province=province))
    assert council in client.get(round_url).content.decode()
    assert reverse("evaluation:council_application", args=[app.public_id]) in (
        client.get(_detail(app)).content.decode()
    )


def test_an_application_of_another_province_is_404(officer, other_province):
    far = CommuneFactory(province=other_province)
    app = f.ApplicationFactory(product=ProductFactory(producer=ProducerFactory(commune=far)))
    assert officer.get(_detail(app)).status_code == 404
    url = reverse("evaluation:application_return", args=[app.public_id])
    assert officer.post(url, {"reason": "x"}).status_code == 404
    app.refresh_from_db()
    assert app.status == S.DRAFT


def test_uploading_a_document_then_a_new_version(producer_client, product, two_tier_round):
    app = _app(product, two_tier_round)
    url = reverse("evaluation:application_document_upload", args=[app.public_id])
    assert producer_client.post(url, {"item": "label", "file": _pdf("nhan.pdf")}).status_code == 302
    assert (
        producer_client.post(url, {"item": "label", "file": _pdf("nhan-2.pdf")}).status_code == 302
    )
    docs = list(DossierDocument.objects.filter(application=app, item="label").order_by("version"))
    assert [(d.version, d.is_current) for d in docs] == [(1, False), (2, True)]
    html = producer_client.get(_detail(app)).content.decode()
    assert "nhan-2.pdf" in html and "2 phiên bản" in html
    download = producer_client.get(
        reverse("evaluation:application_document", args=[app.public_id, docs[0].pk])
    )
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_disallowed_file_type_is_refused_and_nothing_saved(
    producer_client, product, two_tier_round
):
    app = _app(product, two_tier_round)
    url = reverse("evaluation:application_document_upload", args=[app.public_id])
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = producer_client.post(url, {"item": "label", "file": bad})
    assert response.status_code == 422
    assert not DossierDocument.objects.exists()


def test_a_document_of_another_application_is_404(producer_client, product, two_tier_round):
    app = _app(product, two_tier_round)
    other = f.ApplicationFactory()
    doc = f.complete_dossier(other)[0]
    url = reverse("evaluation:application_document", args=[app.public_id, doc.pk])
    assert producer_client.get(url).status_code == 404


def test_submitting_an_incomplete_dossier_lists_the_missing_items(
    producer_client, product, two_tier_round
):
    app = _app(product, two_tier_round)
    response = producer_client.post(reverse("evaluation:application_submit", args=[app.public_id]))
    assert response.status_code == 422
    assert "Thiếu tài liệu: Nhãn sản phẩm, bao bì." in response.content.decode()
    app.refresh_from_db()
    assert app.status == S.DRAFT and app.ruleset_id is None


def test_submitting_a_complete_dossier(producer_client, product, two_tier_round):
    app = _app(product, two_tier_round)
    f.complete_dossier(app)
    response = producer_client.post(reverse("evaluation:application_submit", args=[app.public_id]))
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and app.ruleset_id is not None
    html = producer_client.get(_detail(app)).content.decode()
    assert "Quá trình xử lý" in html and "Đã nộp" in html


def test_submitting_after_the_cutoff_is_refused_with_a_message(producer_client, product, province):
    late = f.RoundFactory(
        province=province,
        registration_opens=dt.date(2025, 7, 6),
        registration_cutoff=dt.date(2025, 8, 31),
    )
    app = _app(product, late)
    f.complete_dossier(app)
    url = reverse("evaluation:application_submit", args=[app.public_id])
    response = producer_client.post(url, follow=True)
    assert response.status_code == 200
    assert "Ngoài thời hạn nhận hồ sơ" in response.content.decode()
    app.refresh_from_db()
    assert app.status == S.DRAFT


# --- review moves --------------------------------------------------------------------------------
def test_returning_needs_a_reason(commune_officer, product, two_tier_round):
    app = _app(product, two_tier_round, status=S.SUBMITTED)
    url = reverse("evaluation:application_return", args=[app.public_id])
    response = commune_officer.post(url, {"reason": ""})
    assert response.status_code == 422
    app.refresh_from_db()
    assert app.status == S.SUBMITTED
    response = commune_officer.post(url, {"reason": "Bổ sung phiếu kiểm nghiệm"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == S.RETURNED
    html = commune_officer.get(_detail(app)).content.decode()
    assert "Bổ sung phiếu kiểm nghiệm" in html


def _pre_data(met="yes", **over):
    codes = f.variants.criteria_codes(f.variant(f.TWO_TIER))
    data = {f"{c}__met": met for c in codes}
    data["conclusion"] = "Đủ điều kiện đề nghị tỉnh đánh giá"
    data["report"] = testing.pdf_file("bao-cao-so-danh-gia.pdf")
    data.update(over)
    return data


def test_the_pre_assessment_form_lists_the_four_criteria(commune_officer, product, two_tier_round):
    app = _app(product, two_tier_round, status=S.SUBMITTED)
    html = commune_officer.get(_detail(app)).content.decode()
    for name in (
        "Nguồn gốc địa phương",
        "Sử dụng lao động địa phương",
        "Nguồn gốc ý tưởng sản phẩm",
        "Tính đặc trưng, bản sắc địa phương",
    ):
        assert name in html


def test_pre_assessing_records_the_answers(commune_officer, product, two_tier_round):
    app = _app(product, two_tier_round, status=S.SUBMITTED)
    url = reverse("evaluation:application_pre_assess", args=[app.public_id])
    data = _pre_data(local_labour__met="no", local_labour__note="Thuê lao động ngoài xã")
    assert commune_officer.post(url, data).status_code == 302
    app.refresh_from_db()
    assert app.status == S.PRE_ASSESSED
    answers = app.pre_assessment.answers
    assert answers["local_labour"] == {"met": False, "note": "Thuê lao động ngoài xã"}
    assert answers["local_origin"]["met"] is True
    page = commune_officer.get(_detail(app)).content.decode()
    assert "Thuê lao động ngoài xã" in page
    report_url = reverse("evaluation:application_pre_assessment_report", args=[app.public_id])
    assert report_url in page
    download = commune_officer.get(report_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == testing.PDF_BYTES
    assert hashlib.sha256(testing.PDF_BYTES).hexdigest() == app.pre_assessment.report_sha256


def test_a_pre_assessment_needs_the_signed_report(commune_officer, product, two_tier_round):
    app = _app(product, two_tier_round, status=S.SUBMITTED)
    url = reverse("evaluation:application_pre_assess", args=[app.public_id])
    data = _pre_data()
    del data["report"]
    response = commune_officer.post(url, data)
    assert response.status_code == 422
    assert "Báo cáo sơ đánh giá có chữ ký" in response.content.decode()
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and not PreAssessment.objects.exists()
    no_report = reverse("evaluation:application_pre_assessment_report", args=[app.public_id])
    assert commune_officer.get(no_report).status_code == 404


def test_a_pre_assessment_without_answers_saves_nothing(commune_officer, product, two_tier_round):
    app = _app(product, two_tier_round, status=S.SUBMITTED)
    url = reverse("evaluation:application_pre_assess", args=[app.public_id])
    response = commune_officer.post(url, {"conclusion": ""})
    assert response.status_code == 422
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and not PreAssessment.objects.exists()


def test_schedule_button_moves_and_an_illegal_move_is_a_message(officer, product, two_tier_round):
    app = _app(product, two_tier_round, status=S.PRE_ASSESSED)
    url = reverse("evaluation:application_move", args=[app.public_id])
    html = officer.get(_detail(app)).content.decode()
    assert 'value="schedule"' in html
    assert officer.post(url, {"verb": "schedule"}).status_code == 302
    app.refresh_from_db()
    assert app.status == S.SCHEDULED
    response = officer.post(url, {"verb": "schedule"}, follow=True)
    assert response.status_code == 200
    app.refresh_from_db()
    assert app.status == S.SCHEDULED
    assert "alert-error" in response.content.decode()
    assert officer.post(url, {"verb": "submit"}).status_code == 302  # refused: own form
    app.refresh_from_db()
    assert app.status == S.SCHEDULED


def test_lower_tier_score_for_a_legacy_round(officer, product, province):
    rnd = f.RoundFactory(province=province, process_variant=f.variant(f.QD1048_THREE_TIER))
    app = _app(product, rnd, status=S.SUBMITTED)
    url = reverse("evaluation:application_lower_score", args=[app.public_id])
    assert officer.post(url, {"score": "abc"}).status_code == 422
    assert officer.post(url, {"score": "55.5"}).status_code == 302
    app.refresh_from_db()
    assert app.status == S.LOWER_SCORED and app.lower_tier_score == Decimal("55.50")


def test_recording_the_national_result_decides_the_application(officer, product, two_tier_round):
    app = _app(product, two_tier_round, status=S.PROPOSED_NATIONAL, score=Decimal("92"), stars=5)
    html = officer.get(_detail(app)).content.decode()
    url = reverse("evaluation:application_national", args=[app.public_id])
    assert url in html
    assert officer.post(url, {"stars": "5", "decision_number": ""}).status_code == 422
    app.refresh_from_db()
    assert app.status == S.PROPOSED_NATIONAL and app.national_stars is None
    data = {"stars": "5", "decision_number": "123/QĐ-BNN", "decided_on": "2025-12-20"}
    assert officer.post(url, data).status_code == 302
    app.refresh_from_db()
    assert app.status == S.DECIDED and app.national_stars == 5
    assert app.national_decision == "123/QĐ-BNN"


def _legacy_round(province, level, **extra):
    return f.RoundFactory(
        province=province,
        process_variant=f.variant(f.QD1048_THREE_TIER),
        level=level,
        year=2021,
        registration_opens=dt.date(2021, 3, 1),
        registration_cutoff=dt.date(2021, 6, 30),
        **extra,
    )


def test_a_district_round_forwards_its_products_from_the_round_page(officer, province, commune):
    ruleset = f.qd1048_ruleset()
    district = _legacy_round(province, Level.DISTRICT)
    target = _legacy_round(province, Level.PROVINCE, number=2, name="Đợt tỉnh 2021")
    for score in ("62", "40"):
        product = ProductFactory(
            producer=ProducerFactory(commune=commune), product_set=f.product_set(f.QD1048_SET)
        )
        _app(
            product,
            district,
            ruleset=ruleset,
            status=S.LOWER_SCORED,
            lower_tier_score=Decimal(score),
        )
    url = reverse("evaluation:round_detail", args=[district.public_id])
    html = officer.get(url).content.decode()
    forward = reverse("evaluation:round_forward", args=[district.public_id])
    assert forward in html and "Đợt tỉnh 2021" in html
    response = officer.post(forward, {"target": str(target.public_id)}, follow=True)
    assert "1 sản phẩm chuyển lên tỉnh" in response.content.decode()
    assert Application.objects.filter(round=target, status=S.FORWARDED).count() == 1


def test_forwarding_to_a_round_of_another_province_is_refused(officer, province, other_province):
    district = _legacy_round(province, Level.DISTRICT)
    foreign = _legacy_round(other_province, Level.PROVINCE)
    forward = reverse("evaluation:round_forward", args=[district.public_id])
    response = officer.post(forward, {"target": str(foreign.public_id)})
    assert response.status_code == 422
    assert not Application.objects.filter(round=foreign).exists()


# --- feedback ------------------------------------------------------------------------------------
@pytest.fixture
def scored(two_tier_round, product, two_tier_ruleset):
    council = CouncilFactory(round=two_tier_round)
    app = _app(
        product,
        two_tier_round,
        ruleset=two_tier_ruleset,
        score=Decimal("67"),
        stars=3,
        outcome=Outcome.RECOGNISED,
        status=S.RECOGNISED,
    )
    for points in SHEETS:
        member = CouncilMemberFactory(council=council)
        answer_sheet(ScoreSheetFactory(application=app, member=member), two_tier_ruleset, points)
    return app


def test_the_producer_sees_itemised_feedback(producer_client, scored):
    html = producer_client.get(_detail(scored)).content.decode()
    url = reverse("evaluation:application_feedback", args=[scored.public_id])
    assert url in html
    html = producer_client.get(url).content.decode()
    assert "67,00" in html and "3★" in html
    assert "C1.1" in html and "26,67" in html and "thiếu 13,33" in html
    assert "Nên cải thiện trước" in html


def test_feedback_before_scoring_sends_back_to_the_detail(producer_client, product, two_tier_round):
    app = _app(product, two_tier_round, status=S.SUBMITTED)
    response = producer_client.get(reverse("evaluation:application_feedback", args=[app.public_id]))
    assert response.status_code == 302 and response["Location"] == _detail(app)


# --- notifications -------------------------------------------------------------------------------
def test_notifications_list_open_and_mark_read(
    producer_client, producer_user, product, two_tier_round
):
    app = _app(product, two_tier_round)
    other_user = user_with_role(Role.PRODUCER)
    [mine] = notify.notify(
        [producer_user], kind="t", title="Hồ sơ đã được tiếp nhận", link=_detail(app), email=False
    )
    notify.notify([producer_user], kind="t", title="Thông báo thứ hai", email=False)
    [theirs] = notify.notify([other_user], kind="t", title="Của người khác", email=False)
    html = producer_client.get(reverse("web:notifications")).content.decode()
    assert "Hồ sơ đã được tiếp nhận" in html and "Của người khác" not in html
    response = producer_client.post(reverse("web:notification_open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == _detail(app)
    assert (
        producer_client.post(reverse("web:notification_open", args=[theirs.pk])).status_code == 404
    )
    assert notify.unread_count(producer_user) == 1
    producer_client.post(reverse("web:notifications_read"), {"all": "1"})
    assert notify.unread_count(producer_user) == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_notice_linking_elsewhere_is_not_followed(producer_client, producer_user):
    [notice] = notify.notify(
        [producer_user], kind="t", title="Lạ", link="https://evil.example/", email=False
    )
    response = producer_client.post(reverse("web:notification_open", args=[notice.pk]))
    assert response["Location"] == reverse("web:notifications")


def test_anonymous_visitors_are_sent_to_log_in(client):
    for name in ("evaluation:round_list", "evaluation:application_list", "web:notifications"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
