import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.core import clock
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import ProducerFactory, ProducerRepresentativeFactory
from ocop.products.constants import CycleStep, ProductStatus
from ocop.products.models import Product, ProductDocument, ProductImage, ProductSet
from ocop.products.tests.conftest import PDF_BYTES, image_bytes
from ocop.products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

# Pinned: session, user, memberships, then the page's own reads (see quality targets §2.6).
PAGE_QUERY_CEILING = 10


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.freeze(dt.date(2026, 3, 10)):
        yield


@pytest.fixture
def officer(client, province):
    client.force_login(user_with_role(Role.PROVINCE_OFFICER, province=province))
    return client


def _detail(product):
    return reverse("products:detail", args=[product.public_id])


# --- list ------------------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("products:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_council_members_get_403_on_the_registry(client, province):
    client.force_login(user_with_role(Role.COUNCIL_MEMBER, province=province))
    assert client.get(reverse("products:list")).status_code == 403


def test_the_list_shows_only_products_in_scope(officer, commune, other_commune):
    mine = ProductFactory(producer=ProducerFactory(commune=commune), name="Chè Shan tuyết")
    ProductFactory(producer=ProducerFactory(commune=other_commune), name="Cà phê ngoài tỉnh")
    response = officer.get(reverse("products:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert mine.name in html
    assert "Cà phê ngoài tỉnh" not in html
    assert _detail(mine) in html


def test_the_list_filters_by_search_and_cycle_step(officer, commune):
    producer = ProducerFactory(commune=commune)
    ProductFactory(producer=producer, name="Nước mắm Cửa Khe", cycle_step=CycleStep.PROMOTION)
    ProductFactory(producer=producer, name="Bánh tráng")
    html = officer.get(reverse("products:list"), {"q": "nuoc mam"}).content.decode()
    assert "Nước mắm Cửa Khe" in html and "Bánh tráng" not in html
    html = officer.get(reverse("products:list"), {"cycle_step": "idea"}).content.decode()
    assert "Bánh tráng" in html and "Nước mắm Cửa Khe" not in html


def test_an_invalid_filter_value_is_ignored_not_a_500(officer, commune):
    ProductFactory(producer=ProducerFactory(commune=commune), name="Bánh tráng")
    response = officer.get(reverse("products:list"), {"cycle_step": "nope", "page": "x"})
    assert response.status_code == 200
    assert "Bánh tráng" in response.content.decode()


def test_the_list_is_paginated(officer, commune):
    ProductFactory.create_batch(25, producer=ProducerFactory(commune=commune))
    page_2 = officer.get(reverse("products:list"), {"page": 2})
    assert len(page_2.context["page_obj"].object_list) == 5


def test_the_list_page_query_count_does_not_grow_with_rows(officer, commune):
    def count_for(rows: int) -> int:
        Product.objects.all().delete()
        for _ in range(rows):
            ProductFactory(producer=ProducerFactory(commune=commune))
        with CaptureQueriesContext(connection) as ctx:
            response = officer.get(reverse("products:list"))
        assert len(response.context["page_obj"].object_list) == rows
        return len(ctx.captured_queries)

    assert count_for(2) == count_for(20) <= PAGE_QUERY_CEILING


# --- detail ----------------------------------------------------------------------------------------
def test_the_detail_shows_the_classification_path_and_history(officer, commune, taxonomy):
    product = ProductFactory(
        producer=ProducerFactory(commune=commune),
        product_set=ProductSet.objects.get(code="QD148-09"),
    )
    html = officer.get(_detail(product)).content.decode()
    assert "I. Thực phẩm → I.4 Gia vị →" in html
    assert "QD148-09 · Tương, nước mắm, gia vị dạng lỏng khác" in html
    assert 'class="history' in html or "Chưa có thay đổi" in html


def test_the_detail_shows_a_duplicate_warning(officer, commune):
    ProductFactory(producer=ProducerFactory(commune=commune), name="Mật ong rừng")
    product = ProductFactory(producer=ProducerFactory(commune=commune), name="Mật ong rừng")
    html = officer.get(_detail(product)).content.decode()
    assert "alert-warning" in html
    assert "cùng tên của chủ thể khác" in html


def test_a_product_out_of_scope_is_404(officer, other_commune):
    outsider = ProductFactory(producer=ProducerFactory(commune=other_commune))
    assert officer.get(_detail(outsider)).status_code == 404


# --- create and edit ---------------------------------------------------------------------------------
def test_the_create_form_offers_only_editable_producers_and_sets_in_force(
    client, commune, other_commune, taxonomy
):
    client.force_login(user_with_role(Role.COMMUNE_OFFICER, commune=commune))
    mine = ProducerFactory(commune=commune)
    ProducerFactory(commune=other_commune, name="Chủ thể ngoài phạm vi")
    response = client.get(reverse("products:create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["producer"].queryset) == [mine]
    codes = [c for _, options in form.fields["product_set"].choices[1:] for c, _ in options]
    assert len(codes) == 26
    assert all(c.startswith("QD148-") for c in codes)
    assert "Chủ thể ngoài phạm vi" not in response.content.decode()


def test_creating_through_the_form_redirects_to_the_detail_with_the_warning(
    officer, commune, taxonomy
):
    producer = ProducerFactory(commune=commune)
    ProductFactory(producer=ProducerFactory(commune=commune), name="Mắm cá cơm")
    response = officer.post(
        reverse("products:create"),
        {
            "producer": str(producer.public_id),
            "name": "Mắm cá cơm",
            "registered_on": "2026-03-01",
            "product_set": "QD148-09",
            "gtin": "",
        },
        follow=True,
    )
    product = Product.objects.get(producer=producer)
    assert response.redirect_chain[-1][0] == _detail(product)
    messages = [str(m) for m in response.context["messages"]]
    assert any("cùng tên" in m for m in messages)


def test_an_invalid_gtin_is_shown_on_its_field_and_nothing_is_saved(officer, commune, taxonomy):
    producer = ProducerFactory(commune=commune)
    response = officer.post(
        reverse("products:create"),
        {
            "producer": str(producer.public_id),
            "name": "Mắm cá cơm",
            "registered_on": "2026-03-01",
            "product_set": "QD148-09",
            "gtin": "8934567890123",
        },
    )
    assert response.status_code == 200
    assert "gtin" in response.context["form"].errors
    assert Product.objects.count() == 0


def test_an_old_registration_date_offers_the_old_classification(officer, commune, taxonomy):
    producer = ProducerFactory(commune=commune)
    response = officer.post(
        reverse("products:create"),
        {
            "producer": str(producer.public_id),
            "name": "Gạo sạch",
            "registered_on": "2020-02-14",
            "product_set": "QD1048-03",
        },
    )
    assert response.status_code == 302
    assert Product.objects.get().product_set.code == "QD1048-03"


def test_editing_saves_changes_and_shows_them_in_history(officer, commune):
    product = ProductFactory(producer=ProducerFactory(commune=commune), name="Cũ")
    response = officer.post(
        reverse("products:edit", args=[product.public_id]),
        {
            "name": "Mới",
            "product_set": product.product_set.code,
            "registered_on": product.registered_on.isoformat(),
            "packaging": "Hộp 200 g",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.packaging) == ("Mới", "Hộp 200 g")
    html = officer.get(_detail(product)).content.decode()
    assert "Hộp 200 g" in html


def test_an_inspector_cannot_open_the_edit_form(client, province, commune):
    client.force_login(user_with_role(Role.INSPECTOR, province=province))
    product = ProductFactory(producer=ProducerFactory(commune=commune))
    assert client.get(reverse("products:edit", args=[product.public_id])).status_code == 403


# --- uploads, downloads, cycle step, retire ------------------------------------------------------------
def test_uploading_an_image_and_viewing_it(officer, commune):
    product = ProductFactory(producer=ProducerFactory(commune=commune))
    upload = SimpleUploadedFile("a.png", image_bytes(), content_type="image/png")
    response = officer.post(
        reverse("products:image_add", args=[product.public_id]),
        {"file": upload, "caption": "Bao bì", "is_registered_design": "on"},
    )
    assert response.status_code == 302
    image = ProductImage.objects.get()
    shown = officer.get(reverse("products:image", args=[product.public_id, image.public_id]))
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"


def test_a_rejected_upload_shows_the_error_on_the_page(officer, commune):
    product = ProductFactory(producer=ProducerFactory(commune=commune))
    fake = SimpleUploadedFile("a.png", PDF_BYTES, content_type="image/png")
    response = officer.post(reverse("products:image_add", args=[product.public_id]), {"file": fake})
    assert response.status_code == 422
    assert "file" in response.context["image_form"].errors
    assert ProductImage.objects.count() == 0


def test_documents_download_only_within_scope(officer, client, commune, other_commune):
    product = ProductFactory(producer=ProducerFactory(commune=commune))
    officer.post(
        reverse("products:document_upload", args=[product.public_id]),
        {"kind": "test_report", "file": SimpleUploadedFile("pkn.pdf", PDF_BYTES)},
    )
    document = ProductDocument.objects.get()
    url = reverse("products:document", args=[product.public_id, document.public_id])
    response = officer.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="pkn.pdf"')
    assert b"".join(response.streaming_content) == PDF_BYTES
    client.force_login(user_with_role(Role.COMMUNE_OFFICER, commune=other_commune))
    assert client.get(url).status_code == 404


def test_cycle_step_and_retire_forms(officer, commune):
    product = ProductFactory(producer=ProducerFactory(commune=commune))
    officer.post(
        reverse("products:cycle_step", args=[product.public_id]),
        {"cycle_step": "business_plan", "note": "Phương án đã nộp"},
    )
    officer.post(reverse("products:retire", args=[product.public_id]), {"reason": "Ngừng"})
    product.refresh_from_db()
    assert (product.cycle_step, product.status) == ("business_plan", ProductStatus.RETIRED)
    assert AuditEvent.objects.filter(object_id=str(product.pk)).count() == 2


def test_a_producer_account_cannot_retire(client, commune):
    producer = ProducerFactory(commune=commune)
    user = user_with_role(Role.PRODUCER)
    ProducerRepresentativeFactory(producer=producer, user=user)
    client.force_login(user)
    product = ProductFactory(producer=producer)
    response = client.post(reverse("products:retire", args=[product.public_id]), {"reason": "x"})
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE


def test_posting_to_a_retired_product_reports_the_conflict(officer, commune):
    product = ProductFactory(
        producer=ProducerFactory(commune=commune), status=ProductStatus.RETIRED
    )
    response = officer.post(
        reverse("products:cycle_step", args=[product.public_id]),
        {"cycle_step": "evaluation"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == _detail(product)
    assert any("ngừng sản xuất" in str(m) for m in response.context["messages"])
    product.refresh_from_db()
    assert product.cycle_step == CycleStep.IDEA
