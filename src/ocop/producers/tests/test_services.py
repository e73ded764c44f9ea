import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import UserFactory, actor_for, user_with_role
from ocop.core.errors import NotFound, PermissionDenied, ValidationFailed
from ocop.core.models import AuditEvent
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers import selectors, services
from ocop.producers.constants import ProducerKind, ProducerStatus
from ocop.producers.errors import (
    CertificationDuplicate,
    DocumentAlreadyReplaced,
    RepresentativeExists,
    RepresentativeNotLinked,
    StatusTransitionInvalid,
    TaxCodeTaken,
)
from ocop.producers.models import (
    Certification,
    Producer,
    ProducerDocument,
    ProducerRepresentative,
)
from ocop.producers.tests.conftest import FakeResolution
from ocop.producers.tests.factories import (
    CertificationFactory,
    ProducerFactory,
    valid_tax_code,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="giay-phep.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx(name="ho-so.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def counts():
    return (
        Producer.objects.count(),
        Certification.objects.count(),
        ProducerDocument.objects.count(),
        ProducerRepresentative.objects.count(),
        AuditEvent.objects.count(),
    )


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def create(actor, commune, **overrides):
    data = {
        "kind": ProducerKind.COOPERATIVE,
        "name": "Hợp tác xã Chè Đồng Tâm",
        "representative": "Nguyễn Văn An",
        "commune": commune,
        "tax_code": valid_tax_code(1),
    }
    data.update(overrides)
    return services.producer_create(actor=actor, **data)


def locs(exc) -> set[str]:
    return {e["loc"][-1] for e in exc.value.errors}


# --- producer_create ----------------------------------------------------------------------------
def test_a_commune_officer_registers_a_producer_in_their_commune(commune_officer, commune):
    producer = create(commune_officer, commune, phone="0912 345 678", founded_year="2015")

    producer.refresh_from_db()
    assert producer.province_id == commune.province_id
    assert producer.name_search == "hop tac xa che dong tam"
    assert producer.phone == "0912345678"
    assert producer.founded_year == 2015
    assert producer.status == ProducerStatus.ACTIVE
    event = AuditEvent.objects.get(action="producers.producer.create")
    assert event.object_id == str(producer.pk)
    assert event.after["tax_code"] == valid_tax_code(1)
    assert event.actor_user_id == commune_officer.user_id


def test_the_commune_can_be_named_by_its_code_and_the_province_must_match(
    province_officer, commune, other_province
):
    producer = create(province_officer, commune.code, province=commune.province.code)
    assert producer.commune_id == commune.pk

    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        create(
            province_officer,
            commune.code,
            province=other_province.code,
            tax_code=None,
            kind=ProducerKind.HOUSEHOLD,
        )
    assert locs(exc) == {"commune"}
    assert counts() == before


def test_invalid_input_is_reported_field_by_field_and_nothing_is_saved(admin, commune):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        create(
            admin,
            "999999",
            name="x" * 256,
            tax_code="0100233480",
            founded_year="năm ngoái",
            members_count=-3,
            phone="12345",
            kind="htx",
            women_owned="yes",
        )
    assert locs(exc) == {
        "name",
        "tax_code",
        "founded_year",
        "members_count",
        "phone",
        "commune",
        "women_owned",
    }
    messages = " ".join(e["message"] for e in exc.value.errors)
    assert "Mã số thuế không hợp lệ" in messages
    assert "Không tìm thấy xã" in messages
    assert counts() == before


def test_nul_characters_are_refused_without_reaching_the_database(admin, commune):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        create(admin, "\x00", name="Tên\x00", tax_code="\x00", legacy_address="\x00")
    assert locs(exc) == {"commune", "name", "tax_code", "legacy_address"}
    assert counts() == before


def test_cooperatives_and_enterprises_need_a_tax_code_households_do_not(admin, commune):
    with pytest.raises(ValidationFailed) as exc:
        create(admin, commune, tax_code="")
    assert locs(exc) == {"tax_code"}

    household = create(admin, commune, kind=ProducerKind.HOUSEHOLD, tax_code=None)
    assert household.tax_code is None
    registered = create(admin, commune, kind=ProducerKind.HOUSEHOLD, tax_code=" 27a 8002435 ")
    assert registered.tax_code == "27A8002435"


def test_an_unknown_kind_is_refused(admin, commune):
    with pytest.raises(ValidationFailed) as exc:
        create(admin, commune, kind="llc")
    assert locs(exc) == {"kind"}


def test_a_taken_tax_code_is_a_conflict_not_a_database_error(admin, commune):
    create(admin, commune)
    before = counts()
    with pytest.raises(TaxCodeTaken) as exc:
        create(admin, commune, name="Một tên khác", tax_code=f" {valid_tax_code(1)} ")
    assert exc.value.status == 409
    assert exc.value.code == "producers.tax_code_taken"
    assert exc.value.errors[0]["loc"] == ["tax_code"]
    assert counts() == before


def test_a_taken_tax_code_among_other_errors_is_listed_with_them(admin, commune):
    create(admin, commune)
    with pytest.raises(ValidationFailed) as exc:
        create(admin, commune, name="")
    assert locs(exc) == {"name", "tax_code"}
    assert {e["code"] for e in exc.value.errors} >= {"producers.tax_code_taken"}


def test_officers_cannot_register_outside_their_unit(commune_officer, province, other_commune):
    neighbour = CommuneFactory(province=province)
    before = counts()
    for commune in (neighbour, other_commune):
        with pytest.raises(PermissionDenied):
            create(commune_officer, commune)
    assert counts() == before


@pytest.mark.parametrize("role_fixture", ["inspector", "council_member", "producer_actor"])
def test_roles_without_registry_rights_cannot_register(request, role_fixture, commune):
    actor = request.getfixturevalue(role_fixture)
    before = counts()
    with pytest.raises(PermissionDenied):
        create(actor, commune)
    assert counts() == before


# --- legacy addresses ---------------------------------------------------------------------------
OLD_ADDRESS = "xã Tất Thắng, huyện Thanh Sơn, tỉnh Phú Thọ"


def test_an_exactly_resolved_legacy_address_gives_the_commune_and_keeps_the_text(
    admin, commune, resolver
):
    resolver.answer = FakeResolution(status="exact", commune=commune, province=commune.province)
    producer = create(admin, None, legacy_address=f"  {OLD_ADDRESS} ")
    assert resolver.calls == [OLD_ADDRESS]
    assert producer.commune_id == commune.pk
    assert producer.province_id == commune.province_id
    assert producer.legacy_address == OLD_ADDRESS


@pytest.mark.parametrize("status", ["partial", "ambiguous", "not_found"])
def test_an_uncertain_legacy_address_is_refused_with_the_candidates(
    admin, commune, other_commune, resolver, status
):
    resolver.answer = FakeResolution(
        status=status, commune=commune, candidates=[commune, other_commune]
    )
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        create(admin, None, legacy_address=OLD_ADDRESS)
    (error,) = exc.value.errors
    assert error["loc"] == ["legacy_address"]
    assert error["code"] == "producers.address_not_resolved"
    assert commune.name in error["message"] and other_commune.name in error["message"]
    assert [c["code"] for c in error["candidates"]] == [commune.code, other_commune.code]
    assert counts() == before


def test_a_named_commune_wins_over_the_legacy_address(admin, commune, resolver):
    producer = create(admin, commune, legacy_address=OLD_ADDRESS)
    assert resolver.calls == []
    assert producer.commune_id == commune.pk
    assert producer.legacy_address == OLD_ADDRESS


def test_an_address_geo_cannot_place_is_refused_by_the_real_resolver(admin, commune):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        create(admin, None, legacy_address="thôn Không Có, xã Chưa Từng Có, huyện Ảo")
    assert exc.value.errors[0]["loc"] == ["legacy_address"]
    assert exc.value.errors[0]["code"] == "producers.address_not_resolved"
    assert counts() == before


def test_without_commune_or_legacy_address_the_commune_is_required(admin):
    with pytest.raises(ValidationFailed) as exc:
        create(admin, None)
    assert locs(exc) == {"commune"}


# --- producer_update ----------------------------------------------------------------------------
def test_update_saves_and_audits_only_the_changed_fields(province_officer, producer):
    producer.phone = "0912345678"
    producer.save()
    updated = services.producer_update(
        actor=province_officer,
        producer=producer,
        data={"name": "HTX Mới", "phone": "0912 345 678", "members_count": 12},
    )
    updated.refresh_from_db()
    assert updated.name == "HTX Mới"
    assert updated.name_search == "htx moi"
    event = AuditEvent.objects.get(action="producers.producer.update")
    assert set(event.after) == {"name", "members_count"}
    assert event.before["members_count"] is None


def test_an_update_that_changes_nothing_writes_nothing(province_officer, producer):
    before = counts()
    services.producer_update(
        actor=province_officer, producer=producer, data={"name": producer.name}
    )
    assert counts() == before


def test_update_refuses_unknown_fields_and_invalid_values(province_officer, producer):
    before = counts()
    name = producer.name
    with pytest.raises(ValidationFailed) as exc:
        services.producer_update(
            actor=province_officer, producer=producer, data={"status": "dissolved", "id": 5}
        )
    assert locs(exc) == {"status", "id"}
    with pytest.raises(ValidationFailed) as exc:
        services.producer_update(
            actor=province_officer, producer=producer, data={"name": "", "founded_year": 1800}
        )
    assert locs(exc) == {"name", "founded_year"}
    producer.refresh_from_db()
    assert producer.name == name
    assert counts() == before


def test_update_to_a_taken_tax_code_is_a_conflict(admin, commune):
    first = create(admin, commune)
    second = create(admin, commune, tax_code=valid_tax_code(2))
    with pytest.raises(TaxCodeTaken):
        services.producer_update(actor=admin, producer=second, data={"tax_code": first.tax_code})
    services.producer_update(actor=admin, producer=first, data={"tax_code": first.tax_code})


def test_a_linked_producer_edits_its_facts_but_cannot_move(producer_actor, producer, province):
    services.producer_update(actor=producer_actor, producer=producer, data={"employees_count": "7"})
    producer.refresh_from_db()
    assert producer.employees_count == 7
    with pytest.raises(PermissionDenied):
        services.producer_update(
            actor=producer_actor,
            producer=producer,
            data={"commune": CommuneFactory(province=province)},
        )


def test_moving_needs_an_official_of_the_new_unit(
    commune_officer, province_officer, producer, province
):
    neighbour = CommuneFactory(province=province)
    with pytest.raises(PermissionDenied):
        services.producer_update(
            actor=commune_officer, producer=producer, data={"commune": neighbour.code}
        )
    moved = services.producer_update(
        actor=province_officer, producer=producer, data={"commune": neighbour.code}
    )
    assert moved.commune_id == neighbour.pk


def test_others_cannot_edit(other_province_officer, inspector, producer):
    for actor in (other_province_officer, inspector):
        with pytest.raises(PermissionDenied):
            services.producer_update(actor=actor, producer=producer, data={"name": "X"})


# --- producer_set_status ------------------------------------------------------------------------
def test_status_moves_are_audited_with_their_reason(province_officer, producer):
    services.producer_set_status(
        actor=province_officer, producer=producer, status="suspended", reason="Tạm dừng sản xuất"
    )
    producer.refresh_from_db()
    assert producer.status == ProducerStatus.SUSPENDED
    event = AuditEvent.objects.get(action="producers.producer.set_status")
    assert event.reason == "Tạm dừng sản xuất"
    assert (event.before, event.after) == ({"status": "active"}, {"status": "suspended"})


def test_a_move_to_the_same_status_is_an_invalid_transition(province_officer, producer):
    before = counts()
    with pytest.raises(StatusTransitionInvalid) as exc:
        services.producer_set_status(actor=province_officer, producer=producer, status="active")
    assert exc.value.status == 409
    assert "Đang hoạt động" in exc.value.detail
    with pytest.raises(ValidationFailed):
        services.producer_set_status(actor=province_officer, producer=producer, status="closed")
    assert counts() == before


def test_a_linked_producer_cannot_change_its_status(producer_actor, producer):
    with pytest.raises(PermissionDenied):
        services.producer_set_status(actor=producer_actor, producer=producer, status="dissolved")


# --- certifications -----------------------------------------------------------------------------
def test_certifications_are_added_updated_removed_and_audited(producer_actor, producer):
    cert = services.certification_add(
        actor=producer_actor,
        producer=producer,
        kind="vietgap",
        number="VG-2025-001",
        issuer="Trung tâm Chứng nhận",
        valid_from="2025-01-15",
        valid_to=dt.date(2028, 1, 14),
        scope="Chè búp tươi",
    )
    assert cert.valid_from == dt.date(2025, 1, 15)
    services.certification_update(
        actor=producer_actor, certification=cert, data={"scope": "Chè xanh"}
    )
    cert.refresh_from_db()
    assert cert.scope == "Chè xanh"
    services.certification_remove(actor=producer_actor, certification=cert, reason="Nhập nhầm")
    assert not Certification.objects.exists()
    actions = list(
        selectors.producer_history(actor=producer_actor, producer=producer).values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "producers.certification.delete",
        "producers.certification.update",
        "producers.certification.create",
    ]


def test_certification_dates_must_be_in_order(admin, producer):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.certification_add(
            actor=admin,
            producer=producer,
            kind="haccp",
            number="H-1",
            issuer="Tổ chức A",
            valid_from=dt.date(2025, 5, 1),
            valid_to=dt.date(2025, 4, 30),
        )
    assert locs(exc) == {"valid_to"}
    assert exc.value.errors[0]["code"] == "producers.certification_dates"
    assert counts() == before


def test_certification_input_errors_are_collected(admin, producer):
    with pytest.raises(ValidationFailed) as exc:
        services.certification_add(
            actor=admin,
            producer=producer,
            kind="other",
            number="",
            issuer="x" * 201,
            valid_from="15/01/2025",
        )
    assert locs(exc) == {"number", "issuer", "kind_other", "valid_from"}


def test_the_same_certificate_cannot_be_entered_twice(admin, producer):
    CertificationFactory(producer=producer, kind="vietgap", number="VG-1")
    with pytest.raises(CertificationDuplicate) as exc:
        services.certification_add(
            actor=admin,
            producer=producer,
            kind="vietgap",
            number="vg-1",
            issuer="Tổ chức A",
            valid_from=dt.date(2025, 1, 1),
        )
    assert exc.value.errors[0]["loc"] == ["number"]


def test_certifications_of_a_producer_out_of_reach_cannot_be_touched(
    other_province_officer, inspector, producer
):
    cert = CertificationFactory(producer=producer)
    for actor in (other_province_officer, inspector):
        with pytest.raises(PermissionDenied):
            services.certification_remove(actor=actor, certification=cert)
    assert Certification.objects.filter(pk=cert.pk).exists()


# --- documents ----------------------------------------------------------------------------------
def test_a_pdf_is_stored_under_media_root_and_audited(producer_actor, producer, settings):
    document = services.producer_document_upload(
        actor=producer_actor, producer=producer, kind="business_registration", upload=pdf()
    )
    assert document.content_type == "application/pdf"
    assert document.version == 1
    assert document.title == "giay-phep.pdf"
    assert document.uploaded_by_id == producer_actor.user_id
    assert document.file.name.startswith("producers/")
    assert (Path(settings.MEDIA_ROOT) / document.file.name).read_bytes() == PDF_BYTES
    assert AuditEvent.objects.filter(action="producers.producerdocument.upload").count() == 1


def test_a_new_upload_replaces_the_previous_version(admin, producer):
    first = services.producer_document_upload(
        actor=admin, producer=producer, kind="organisation_profile", upload=docx()
    )
    second = services.producer_document_upload(
        actor=admin, producer=producer, kind="organisation_profile", upload=pdf(), replaces=first
    )
    assert (second.version, second.replaces_id) == (2, first.pk)
    current = {
        d.pk: d.is_current for d in selectors.producer_document_list(actor=admin, producer=producer)
    }
    assert current == {first.pk: False, second.pk: True}
    with pytest.raises(DocumentAlreadyReplaced):
        services.producer_document_upload(
            actor=admin,
            producer=producer,
            kind="organisation_profile",
            upload=pdf(),
            replaces=first,
        )


def test_a_replacement_must_be_of_the_same_kind_and_producer(admin, producer, commune):
    first = services.producer_document_upload(
        actor=admin, producer=producer, kind="food_safety", upload=pdf()
    )
    stranger = ProducerFactory(commune=commune)
    with pytest.raises(ValidationFailed) as exc:
        services.producer_document_upload(
            actor=admin, producer=producer, kind="other", upload=pdf(), replaces=first
        )
    assert locs(exc) == {"replaces"}
    with pytest.raises(ValidationFailed):
        services.producer_document_upload(
            actor=admin, producer=stranger, kind="food_safety", upload=pdf(), replaces=first
        )


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("gia-mao.pdf", b"Day la van ban thuong, khong phai PDF."),
        SimpleUploadedFile("rong.pdf", b""),
        SimpleUploadedFile("script.pdf", b"#!/bin/sh\necho hi\n"),
    ],
    ids=["text-renamed-pdf", "empty", "script"],
)
def test_fake_or_empty_files_are_refused_and_nothing_is_stored(admin, producer, settings, upload):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.producer_document_upload(
            actor=admin, producer=producer, kind="other", upload=upload
        )
    assert locs(exc) == {"file"}
    assert counts() == before
    assert stored_files(settings) == []


def test_oversized_files_are_refused(admin, producer, settings):
    settings.OCOP_UPLOAD_MAX_BYTES = 1024 * 1024
    big = pdf(content=PDF_BYTES + b"0" * (1024 * 1024))
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.producer_document_upload(actor=admin, producer=producer, kind="other", upload=big)
    assert "quá lớn" in exc.value.errors[0]["message"]
    assert counts() == before
    assert stored_files(settings) == []


def test_a_missing_file_or_wrong_kind_is_a_field_error(admin, producer):
    with pytest.raises(ValidationFailed) as exc:
        services.producer_document_upload(actor=admin, producer=producer, kind="photo", upload=None)
    assert locs(exc) == {"kind", "file"}


def test_inspectors_cannot_upload(inspector, producer, settings):
    with pytest.raises(PermissionDenied):
        services.producer_document_upload(
            actor=inspector, producer=producer, kind="other", upload=pdf()
        )
    assert stored_files(settings) == []


# --- linked accounts ----------------------------------------------------------------------------
def test_a_producer_account_is_linked_and_unlinked(commune_officer, producer):
    user = user_with_role(Role.PRODUCER)
    services.representative_link(actor=commune_officer, producer=producer, user=user)
    assert selectors.producer_get(actor=actor_for(user), public_id=producer.public_id) == producer
    with pytest.raises(RepresentativeExists):
        services.representative_link(actor=commune_officer, producer=producer, user=user)

    services.representative_unlink(actor=commune_officer, producer=producer, user=user)
    with pytest.raises(NotFound):
        selectors.producer_get(actor=actor_for(user), public_id=producer.public_id)
    with pytest.raises(RepresentativeNotLinked):
        services.representative_unlink(actor=commune_officer, producer=producer, user=user)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "producers.producerrepresentative.link",
        "producers.producerrepresentative.unlink",
    } <= actions


def test_only_accounts_with_the_producer_role_can_be_linked(commune_officer, producer, province):
    before = counts()
    for user in (UserFactory(), user_with_role(Role.INSPECTOR, province=province)):
        with pytest.raises(ValidationFailed) as exc:
            services.representative_link(actor=commune_officer, producer=producer, user=user)
        assert locs(exc) == {"user"}
    assert counts() == before


def test_a_producer_cannot_link_other_accounts(producer_actor, producer):
    with pytest.raises(PermissionDenied):
        services.representative_link(
            actor=producer_actor, producer=producer, user=user_with_role(Role.PRODUCER)
        )


# --- history ------------------------------------------------------------------------------------
def test_history_lists_the_producer_and_its_children_but_not_other_producers(admin, commune):
    mine = create(admin, commune)
    other = create(admin, commune, tax_code=valid_tax_code(2))
    services.certification_add(
        actor=admin, producer=mine, kind="gmp", number="G-1", issuer="A", valid_from="2025-01-01"
    )
    services.certification_add(
        actor=admin, producer=other, kind="gmp", number="G-1", issuer="A", valid_from="2025-01-01"
    )
    services.producer_update(actor=admin, producer=mine, data={"note": "Ghi chú"})
    actions = list(
        selectors.producer_history(actor=admin, producer=mine).values_list("action", flat=True)
    )
    assert actions == [
        "producers.producer.update",
        "producers.certification.create",
        "producers.producer.create",
    ]
