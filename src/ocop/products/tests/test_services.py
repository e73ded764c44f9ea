import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.core import clock
from ocop.core.errors import NotFound, PermissionDenied, ValidationFailed
from ocop.core.models import AuditEvent
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers.constants import ProducerStatus
from ocop.producers.tests.factories import ProducerFactory
from ocop.products import selectors, services
from ocop.products.constants import WARNING_DUPLICATE_NAME, CycleStep, ProductStatus
from ocop.products.errors import ProductAlreadyRetired, ProductRetired
from ocop.products.models import Product, ProductDocument, ProductImage
from ocop.products.tests.conftest import PDF_BYTES, image_bytes
from ocop.products.tests.factories import (
    ClassificationFactory,
    ProductFactory,
    ProductSetFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)
VALID_GTIN13 = "8934567890120"


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.freeze(TODAY):
        yield


@pytest.fixture
def product_set(db):
    return ProductSetFactory()


@pytest.fixture
def old_product_set(db):
    qd1048 = ClassificationFactory(
        code="QD1048",
        legal_basis="QĐ 1048/QĐ-TTg (2019)",
        effective_from=dt.date(2019, 8, 21),
        effective_to=dt.date(2023, 2, 23),
    )
    return ProductSetFactory(classification=qd1048)


def _create(actor, producer, product_set, **kwargs):
    kwargs.setdefault("name", "Mật ong rừng")
    return services.product_create(
        actor=actor, producer=producer, product_set=product_set, **kwargs
    )


def _errors(exc_info) -> dict[str, list[str]]:
    return exc_info.value.field_errors()


def _codes(exc_info) -> dict[str, str]:
    return {e["loc"][-1]: e["code"] for e in exc_info.value.errors}


# --- product_create -------------------------------------------------------------------------------
def test_create_copies_the_producers_units_and_records_an_audit_event(
    commune_officer, producer, product_set
):
    product = _create(
        commune_officer, producer, product_set, name="  Mật ong Bạc Hà ", gtin=VALID_GTIN13
    )
    product.refresh_from_db()
    assert product.province_id == producer.province_id
    assert product.commune_id == producer.commune_id
    assert product.name == "Mật ong Bạc Hà"
    assert product.name_search == "mat ong bac ha"
    assert product.registered_on == TODAY
    assert product.cycle_step == CycleStep.IDEA
    assert product.status == ProductStatus.ACTIVE
    assert product.code is None
    event = AuditEvent.objects.get(action="products.product.create")
    assert event.object_id == str(product.pk)
    assert event.after["gtin"] == VALID_GTIN13
    assert event.province_id == producer.province_id
    assert product.warnings == []


def test_a_product_registered_under_the_old_classification_keeps_it(
    province_officer, producer, old_product_set
):
    product = _create(
        province_officer, producer, old_product_set, registered_on=dt.date(2020, 2, 14)
    )
    assert product.product_set.classification.code == "QD1048"


def test_a_product_set_of_the_wrong_classification_is_refused(
    province_officer, producer, product_set, old_product_set
):
    with pytest.raises(ValidationFailed) as exc_info:
        _create(province_officer, producer, old_product_set)
    assert _codes(exc_info) == {"product_set": "wrong_classification"}
    assert Product.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_registration_date_before_any_classification_is_refused(
    province_officer, producer, product_set
):
    with pytest.raises(ValidationFailed) as exc_info:
        _create(province_officer, producer, product_set, registered_on=dt.date(2018, 1, 1))
    assert _codes(exc_info) == {"registered_on": "no_classification"}


def test_a_registration_date_in_the_future_is_refused(province_officer, producer, product_set):
    with pytest.raises(ValidationFailed) as exc_info:
        _create(province_officer, producer, product_set, registered_on=dt.date(2026, 3, 11))
    assert "registered_on" in _errors(exc_info)


def test_an_invalid_gtin_check_digit_is_refused_and_nothing_is_saved(
    province_officer, producer, product_set
):
    with pytest.raises(ValidationFailed) as exc_info:
        _create(province_officer, producer, product_set, gtin="8934567890123")
    assert _codes(exc_info) == {"gtin": "gtin_invalid"}
    assert "GTIN" in _errors(exc_info)["gtin"][0]
    assert Product.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_oversized_fields_are_all_reported_with_their_field_names(
    province_officer, producer, product_set
):
    with pytest.raises(ValidationFailed) as exc_info:
        _create(
            province_officer,
            producer,
            product_set,
            name="x" * 256,
            packaging="y" * 256,
            base_standard="z" * 101,
            story="s" * 10_001,
        )
    assert _codes(exc_info) == {
        "name": "max_length",
        "packaging": "max_length",
        "base_standard": "max_length",
        "story": "max_length",
    }
    assert Product.objects.count() == 0


def test_a_blank_name_and_missing_product_set_are_required(province_officer, producer):
    with pytest.raises(ValidationFailed) as exc_info:
        services.product_create(
            actor=province_officer, producer=producer, name="   ", product_set=None
        )
    assert _codes(exc_info) == {"name": "required", "product_set": "required"}


def test_a_dissolved_producer_cannot_register_products(province_officer, commune, product_set):
    producer = ProducerFactory(commune=commune, status=ProducerStatus.DISSOLVED)
    with pytest.raises(ValidationFailed) as exc_info:
        _create(province_officer, producer, product_set)
    assert _codes(exc_info) == {"producer": "inactive"}


def test_a_producer_out_of_scope_looks_missing(province_officer, other_commune, product_set):
    outsider = ProducerFactory(commune=other_commune)
    with pytest.raises(NotFound):
        _create(province_officer, outsider, product_set)
    assert Product.objects.count() == 0


def test_an_inspector_sees_the_producer_but_may_not_register_products(
    inspector, producer, product_set
):
    with pytest.raises(PermissionDenied):
        _create(inspector, producer, product_set)
    assert Product.objects.count() == 0


def test_a_producer_account_registers_products_of_its_own_producer(
    producer_user, producer, product_set
):
    product = _create(producer_user, producer, product_set)
    assert product.producer == producer


def test_a_producer_account_cannot_register_for_another_producer(
    producer_user, commune, product_set
):
    neighbour = ProducerFactory(commune=commune)
    with pytest.raises(NotFound):
        _create(producer_user, neighbour, product_set)


# --- duplicate warning (seed 004) ------------------------------------------------------------------
def test_same_name_by_another_producer_of_the_commune_succeeds_with_a_warning(
    commune_officer, producer, commune, product_set
):
    ProductFactory(producer=ProducerFactory(commune=commune), name="Mật ong rừng")
    product = _create(commune_officer, producer, product_set, name="MẬT ONG  RUNG")
    assert Product.objects.count() == 2
    assert [w.code for w in product.warnings] == [WARNING_DUPLICATE_NAME]
    assert product.warnings[0].count == 1
    assert "trùng lặp" in product.warnings[0].message
    assert selectors.product_warnings(actor=commune_officer, product=product)[0].count == 1


@pytest.mark.parametrize("case", ["same_producer", "other_commune", "retired", "other_name"])
def test_no_duplicate_warning_outside_the_rule(
    commune_officer, producer, commune, product_set, case
):
    other = {
        "same_producer": {"producer": producer},
        "other_commune": {
            "producer": ProducerFactory(commune=CommuneFactory(province=commune.province))
        },
        "retired": {"producer": ProducerFactory(commune=commune), "status": ProductStatus.RETIRED},
        "other_name": {"producer": ProducerFactory(commune=commune), "name": "Mật ong nuôi"},
    }[case]
    other.setdefault("name", "Mật ong rừng")
    ProductFactory(**other)
    product = _create(commune_officer, producer, product_set, name="Mật ong rừng")
    assert product.warnings == []


# --- product_update --------------------------------------------------------------------------------
def test_update_saves_and_audits_only_changed_fields(province_officer, producer, product_set):
    product = ProductFactory(
        producer=producer, product_set=product_set, packaging="Hũ 500 g", gtin=""
    )
    services.product_update(
        actor=province_officer,
        product=product,
        data={"packaging": "Hũ 500 g", "gtin": "96385074", "story": "Câu chuyện"},
    )
    product.refresh_from_db()
    assert product.gtin == "96385074"
    event = AuditEvent.objects.get(action="products.product.update")
    assert event.before == {"gtin": "", "story": ""}
    assert event.after == {"gtin": "96385074", "story": "Câu chuyện"}


def test_an_update_that_changes_nothing_writes_nothing(province_officer, producer, product_set):
    product = ProductFactory(producer=producer, product_set=product_set, name="Trà hoa vàng")
    services.product_update(actor=province_officer, product=product, data={"name": "Trà hoa vàng"})
    assert AuditEvent.objects.count() == 0


def test_renaming_refreshes_the_search_column(province_officer, producer, product_set):
    product = ProductFactory(producer=producer, product_set=product_set)
    services.product_update(
        actor=province_officer, product=product, data={"name": "Nước mắm Cửa Đại"}
    )
    product.refresh_from_db()
    assert product.name_search == "nuoc mam cua dai"


def test_a_product_cannot_be_moved_to_another_classification(
    province_officer, producer, product_set, old_product_set
):
    product = ProductFactory(producer=producer, product_set=product_set)
    with pytest.raises(ValidationFailed) as exc_info:
        services.product_update(
            actor=province_officer, product=product, data={"product_set": old_product_set}
        )
    assert _codes(exc_info) == {"product_set": "classification_changed"}
    product.refresh_from_db()
    assert product.product_set == product_set


def test_a_product_set_of_the_same_classification_may_be_chosen(
    province_officer, producer, product_set
):
    product = ProductFactory(producer=producer, product_set=product_set)
    other_set = ProductSetFactory()
    services.product_update(
        actor=province_officer, product=product, data={"product_set": other_set}
    )
    product.refresh_from_db()
    assert product.product_set == other_set


def test_fields_outside_the_editable_list_are_refused(province_officer, producer, product_set):
    product = ProductFactory(producer=producer, product_set=product_set)
    with pytest.raises(ValidationFailed) as exc_info:
        services.product_update(
            actor=province_officer, product=product, data={"status": "retired", "code": "X"}
        )
    assert _codes(exc_info) == {"code": "not_editable", "status": "not_editable"}


def test_an_invalid_gtin_on_update_leaves_the_product_unchanged(
    province_officer, producer, product_set
):
    product = ProductFactory(producer=producer, product_set=product_set, name="Cũ")
    with pytest.raises(ValidationFailed):
        services.product_update(
            actor=province_officer, product=product, data={"name": "Mới", "gtin": "12345678"}
        )
    product.refresh_from_db()
    assert product.name == "Cũ"
    assert AuditEvent.objects.count() == 0


def test_an_inspector_may_not_edit(inspector, producer, product_set):
    product = ProductFactory(producer=producer, product_set=product_set)
    with pytest.raises(PermissionDenied):
        services.product_update(actor=inspector, product=product, data={"story": "x"})


# --- cycle step and retirement ---------------------------------------------------------------------
def test_setting_the_cycle_step_is_audited_with_the_note(commune_officer, producer, product_set):
    product = ProductFactory(producer=producer, product_set=product_set)
    services.product_set_cycle_step(
        actor=commune_officer,
        product=product,
        cycle_step=CycleStep.IMPLEMENTATION,
        note="Đã duyệt phương án",
    )
    product.refresh_from_db()
    assert product.cycle_step == CycleStep.IMPLEMENTATION
    event = AuditEvent.objects.get(action="products.product.set_cycle_step")
    assert event.after == {"cycle_step": "implementation"}
    assert event.reason == "Đã duyệt phương án"


def test_an_unknown_cycle_step_is_refused(commune_officer, producer, product_set):
    product = ProductFactory(producer=producer, product_set=product_set)
    with pytest.raises(ValidationFailed):
        services.product_set_cycle_step(actor=commune_officer, product=product, cycle_step="done")


def test_producer_accounts_do_not_set_the_cycle_step(producer_user, producer, product_set):
    product = ProductFactory(producer=producer, product_set=product_set)
    with pytest.raises(PermissionDenied):
        services.product_set_cycle_step(
            actor=producer_user, product=product, cycle_step=CycleStep.EVALUATION
        )


def test_retiring_keeps_the_row_and_blocks_later_edits(province_officer, producer, product_set):
    product = ProductFactory(producer=producer, product_set=product_set)
    services.product_retire(actor=province_officer, product=product, reason="Ngừng sản xuất")
    product.refresh_from_db()
    assert product.status == ProductStatus.RETIRED
    assert AuditEvent.objects.get(action="products.product.retire").reason == "Ngừng sản xuất"
    with pytest.raises(ProductRetired):
        services.product_update(actor=province_officer, product=product, data={"story": "x"})
    with pytest.raises(ProductAlreadyRetired):
        services.product_retire(actor=province_officer, product=product, reason="Lần nữa")


def test_retiring_needs_a_reason(province_officer, producer, product_set):
    product = ProductFactory(producer=producer, product_set=product_set)
    with pytest.raises(ValidationFailed):
        services.product_retire(actor=province_officer, product=product, reason="  ")
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE


# --- images -----------------------------------------------------------------------------------------
def test_adding_a_registered_design_image_stores_the_file_and_audits_it(
    producer_user, producer, product_set, media_root
):
    product = ProductFactory(producer=producer, product_set=product_set)
    upload = SimpleUploadedFile("bao-bi.png", image_bytes("PNG"), content_type="image/png")
    image = services.product_image_add(
        actor=producer_user,
        product=product,
        upload=upload,
        caption="Mẫu bao bì đăng ký",
        is_registered_design=True,
    )
    assert image.is_registered_design
    assert image.content_type == "image/png"
    assert (media_root / image.file.name).exists()
    event = AuditEvent.objects.get(action="products.product.image_add")
    assert event.object_id == str(product.pk)
    assert event.after["image"] == str(image.public_id)


def test_a_jpeg_is_accepted(province_officer, producer, product_set):
    product = ProductFactory(producer=producer, product_set=product_set)
    upload = SimpleUploadedFile("anh.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    image = services.product_image_add(actor=province_officer, product=product, upload=upload)
    assert image.content_type == "image/jpeg"


def test_a_pdf_posing_as_an_image_is_refused(province_officer, producer, product_set):
    product = ProductFactory(producer=producer, product_set=product_set)
    upload = SimpleUploadedFile("anh.png", PDF_BYTES, content_type="image/png")
    with pytest.raises(ValidationFailed) as exc_info:
        services.product_image_add(actor=province_officer, product=product, upload=upload)
    assert "file" in _errors(exc_info)
    assert ProductImage.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_an_oversized_upload_is_refused(settings, province_officer, producer, product_set):
    settings.OCOP_UPLOAD_MAX_BYTES = 100
    product = ProductFactory(producer=producer, product_set=product_set)
    upload = SimpleUploadedFile("anh.png", image_bytes("PNG", (64, 64)), content_type="image/png")
    with pytest.raises(ValidationFailed):
        services.product_image_add(actor=province_officer, product=product, upload=upload)
    assert ProductImage.objects.count() == 0


# --- documents --------------------------------------------------------------------------------------
def _pdf(name="tccs.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def test_a_new_upload_of_a_kind_replaces_the_previous_as_the_next_version(
    province_officer, producer, product_set
):
    product = ProductFactory(producer=producer, product_set=product_set)
    first = services.product_document_upload(
        actor=province_officer, product=product, kind="test_report", upload=_pdf("pkn-1.pdf")
    )
    second = services.product_document_upload(
        actor=province_officer, product=product, kind="test_report", upload=_pdf("pkn-2.pdf")
    )
    label = services.product_document_upload(
        actor=province_officer, product=product, kind="label", upload=_pdf("nhan.pdf")
    )
    assert (first.version, second.version, label.version) == (1, 2, 1)
    assert second.replaces == first
    assert second.original_name == "pkn-2.pdf"
    assert second.uploaded_by_id == province_officer.user_id
    current = selectors.product_document_list(
        actor=province_officer, product=product, current_only=True
    )
    assert {d.pk for d in current} == {second.pk, label.pk}
    assert AuditEvent.objects.filter(action="products.product.document_upload").count() == 3


def test_a_base_standard_document_records_the_standard_number(
    province_officer, producer, product_set
):
    product = ProductFactory(producer=producer, product_set=product_set)
    services.product_document_upload(
        actor=province_officer,
        product=product,
        kind="base_standard",
        upload=_pdf(),
        standard_code="TCCS 01:2025/HTX",
    )
    product.refresh_from_db()
    assert product.base_standard == "TCCS 01:2025/HTX"
    update = AuditEvent.objects.get(action="products.product.update")
    assert update.after == {"base_standard": "TCCS 01:2025/HTX"}


def test_a_base_standard_document_without_a_standard_number_is_refused(
    province_officer, producer, product_set
):
    product = ProductFactory(producer=producer, product_set=product_set, base_standard="")
    with pytest.raises(ValidationFailed) as exc_info:
        services.product_document_upload(
            actor=province_officer, product=product, kind="base_standard", upload=_pdf()
        )
    assert _codes(exc_info) == {"standard_code": "required"}
    assert ProductDocument.objects.count() == 0


def test_an_unknown_document_kind_is_refused(province_officer, producer, product_set):
    product = ProductFactory(producer=producer, product_set=product_set)
    with pytest.raises(ValidationFailed) as exc_info:
        services.product_document_upload(
            actor=province_officer, product=product, kind="secret", upload=_pdf()
        )
    assert _codes(exc_info) == {"kind": "invalid_choice"}


def test_an_executable_document_is_refused(province_officer, producer, product_set):
    product = ProductFactory(producer=producer, product_set=product_set)
    upload = SimpleUploadedFile("x.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    with pytest.raises(ValidationFailed):
        services.product_document_upload(
            actor=province_officer, product=product, kind="other", upload=upload
        )
    assert ProductDocument.objects.count() == 0


# --- history ----------------------------------------------------------------------------------------
def test_history_lists_every_write_newest_first(province_officer, producer, product_set):
    product = _create(province_officer, producer, product_set)
    services.product_update(actor=province_officer, product=product, data={"story": "Mới"})
    services.product_set_cycle_step(
        actor=province_officer, product=product, cycle_step=CycleStep.BUSINESS_PLAN
    )
    actions = [e.action for e in selectors.product_history(actor=province_officer, product=product)]
    assert actions == [
        "products.product.set_cycle_step",
        "products.product.update",
        "products.product.create",
    ]


def test_history_of_a_product_out_of_scope_looks_missing(province_officer, other_commune):
    outsider = ProductFactory(producer=ProducerFactory(commune=other_commune))
    with pytest.raises(NotFound):
        selectors.product_history(actor=province_officer, product=outsider)
