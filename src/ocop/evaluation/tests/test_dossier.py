"""Dossier: checklist as data, versioned uploads, who and when, carry-over, diff, submit rule."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.core.actor import Actor
from ocop.core.errors import NotFound, PermissionDenied, ValidationFailed
from ocop.core.models import AuditEvent
from ocop.evaluation import dossier, selectors, services
from ocop.evaluation.constants import ApplicationKind
from ocop.evaluation.constants import ApplicationStatus as S
from ocop.evaluation.models import DossierDocument
from ocop.evaluation.tests import factories as f
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory

SYSTEM = Actor.system("tests")
PDF = f.PDF_BYTES
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="tai-lieu.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def docx_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.fixture
def app(product, two_tier_round):
    return f.ApplicationFactory(product=product, round=two_tier_round)


# --- the checklist as data ----------------------------------------------------------------------
def test_checklist_depends_on_product_set_and_kind(app, commune, two_tier_round):
    codes = {i.code for i in dossier.checklist_for(app)}
    assert {"registration_form", "business_plan", "test_report", "label", "images"} <= codes
    assert "tourism_service_description" not in codes
    assert "previous_certificate" not in codes  # first evaluation

    tourism = ProductFactory(
        producer=ProducerFactory(commune=commune), product_set=f.product_set("QD148-26")
    )
    t_app = f.ApplicationFactory(product=tourism, round=two_tier_round)
    t_codes = {i.code for i in dossier.checklist_for(t_app)}
    assert "tourism_service_description" in t_codes
    assert not {"test_report", "food_safety", "label"} & t_codes

    upgrade = f.ApplicationFactory(product=tourism, round=two_tier_round, kind="upgrade")
    assert "previous_certificate" in {i.code for i in dossier.checklist_for(upgrade)}


def test_every_shipped_item_has_a_vietnamese_label():
    items = dossier.all_items()
    assert len({i.code for i in items}) == len(items) >= 15
    assert all(i.label.strip() for i in items)
    assert any(i.required for i in items) and any(not i.required for i in items)


# --- uploads ------------------------------------------------------------------------------------
@pytest.mark.usefixtures("today")
def test_upload_versions_and_audit(app, actors):
    first = services.document_upload(
        actor=actors["producer"], application=app, item="label", file=pdf()
    )
    assert first.version == 1 and first.is_current
    assert first.sha256 == hashlib.sha256(PDF).hexdigest()
    assert first.content_type == "application/pdf"
    assert first.title == next(i.label for i in dossier.all_items() if i.code == "label")
    second = services.document_upload(
        actor=actors["commune_officer"],
        application=app,
        item="label",
        file=SimpleUploadedFile("nhan.png", PNG),
        title="Nhãn mới",
    )
    first.refresh_from_db()
    assert not first.is_current
    assert second.replaces == first and second.version == 2 and second.is_current
    assert second.content_type == "image/png"
    assert AuditEvent.objects.filter(action="evaluation.document.upload").count() == 2

    checklist = selectors.dossier_checklist(actor=actors["producer"], application=app)
    row = next(r for r in checklist.rows if r.code == "label")
    assert row.current == second and row.versions == [second, first]
    assert row.status == dossier.UPLOADED


@pytest.mark.usefixtures("today")
def test_docx_accepted_and_a_renamed_text_file_refused(app, actors):
    doc = services.document_upload(
        actor=actors["producer"],
        application=app,
        item="business_plan",
        file=SimpleUploadedFile("ke-hoach.docx", docx_bytes()),
    )
    assert doc.content_type.endswith("wordprocessingml.document")
    with pytest.raises(ValidationFailed) as err:
        services.document_upload(
            actor=actors["producer"],
            application=app,
            item="business_plan",
            file=SimpleUploadedFile("gia.pdf", b"just text, not a pdf"),
        )
    assert err.value.code == "core.upload_rejected"
    assert DossierDocument.objects.filter(application=app).count() == 1


@pytest.mark.usefixtures("today")
def test_unknown_item_refused(app, actors):
    with pytest.raises(dossier.DossierInvalid):
        services.document_upload(
            actor=actors["producer"],
            application=app,
            item="tourism_service_description",
            file=pdf(),
        )


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("producer", True),
        ("commune_officer", True),
        ("province_officer", True),
        ("admin", True),
        ("other_producer", False),
        ("neighbour_commune_officer", False),
        ("other_province_officer", False),
        ("inspector", False),
        ("council_member", False),
    ],
)
@pytest.mark.usefixtures("today")
def test_upload_roles(app, actors, who, allowed):
    if allowed:
        services.document_upload(actor=actors[who], application=app, item="label", file=pdf())
    else:
        with pytest.raises(PermissionDenied):
            services.document_upload(actor=actors[who], application=app, item="label", file=pdf())


@pytest.mark.usefixtures("today")
def test_upload_only_while_editable(app, actors):
    app.status = S.SUBMITTED
    app.save()
    with pytest.raises(dossier.DossierLocked):
        services.document_upload(
            actor=actors["producer"], application=app, item="label", file=pdf()
        )
    app.status = S.RETURNED
    app.save()
    services.document_upload(actor=actors["producer"], application=app, item="label", file=pdf())


@pytest.mark.usefixtures("today")
def test_remove_marks_not_current(app, actors):
    doc = services.document_upload(
        actor=actors["producer"], application=app, item="label", file=pdf()
    )
    services.document_remove(actor=actors["producer"], document=doc, reason="Sai tệp")
    doc.refresh_from_db()
    assert not doc.is_current
    row = next(
        r
        for r in selectors.dossier_checklist(actor=actors["producer"], application=app).rows
        if r.code == "label"
    )
    assert row.status == dossier.MISSING and row.versions == [doc]
    assert AuditEvent.objects.filter(action="evaluation.document.remove").exists()
    with pytest.raises(dossier.DossierInvalid):
        services.document_remove(actor=actors["producer"], document=doc)


# --- reads --------------------------------------------------------------------------------------
@pytest.mark.usefixtures("today")
def test_document_get_scoped(app, actors):
    doc = services.document_upload(
        actor=actors["producer"], application=app, item="label", file=pdf()
    )
    for who in ("producer", "commune_officer", "province_officer", "inspector", "admin"):
        assert selectors.document_get(actor=actors[who], id=doc.pk) == doc
    for who in ("other_producer", "neighbour_commune_officer", "other_province_officer"):
        with pytest.raises(NotFound):
            selectors.document_get(actor=actors[who], id=doc.pk)
    with pytest.raises(NotFound):
        selectors.document_get(actor=actors["producer"], id="abc")


@pytest.mark.usefixtures("today")
def test_checklist_completeness_and_scope(app, actors):
    checklist = selectors.dossier_checklist(actor=actors["producer"], application=app)
    assert checklist.completeness == 0 and not checklist.is_complete
    assert checklist.editable
    f.complete_dossier(app)
    checklist = selectors.dossier_checklist(actor=actors["producer"], application=app)
    assert checklist.completeness == 100 and checklist.is_complete
    with pytest.raises(NotFound):
        selectors.dossier_checklist(actor=actors["other_producer"], application=app)


# --- submission rule ----------------------------------------------------------------------------
@pytest.mark.usefixtures("today")
def test_submit_refused_while_a_required_item_is_missing(app, actors):
    f.complete_dossier(app)
    label = DossierDocument.objects.get(application=app, item="label")
    label.is_current = False
    label.save()
    with pytest.raises(dossier.DossierIncomplete) as err:
        services.application_submit(actor=actors["producer"], application=app)
    assert err.value.status == 422
    assert err.value.code == "evaluation.dossier_incomplete"
    assert [e["loc"] for e in err.value.errors] == [["documents", "label"]]
    app.refresh_from_db()
    assert app.status == S.DRAFT and app.ruleset is None
    services.document_upload(actor=actors["producer"], application=app, item="label", file=pdf())
    assert services.application_submit(actor=actors["producer"], application=app).status == (
        S.SUBMITTED
    )


@pytest.mark.usefixtures("today")
def test_resubmit_also_requires_a_complete_dossier(app, actors):
    f.complete_dossier(app)
    services.application_submit(actor=actors["producer"], application=app)
    services.application_return(actor=actors["commune_officer"], application=app, reason="Nhãn mờ")
    label = DossierDocument.objects.get(application=app, item="label", is_current=True)
    services.document_remove(actor=actors["producer"], document=label)
    with pytest.raises(dossier.DossierIncomplete):
        services.application_transition(actor=actors["producer"], application=app, verb="resubmit")
    services.document_upload(actor=actors["producer"], application=app, item="label", file=pdf())
    app = services.application_transition(
        actor=actors["producer"], application=app, verb="resubmit"
    )
    assert app.status == S.SUBMITTED


# --- reuse --------------------------------------------------------------------------------------
@pytest.mark.usefixtures("today")
def test_upgrade_carries_the_previous_dossier_over(product, two_tier_round, actors, province):
    previous = f.ApplicationFactory(product=product, round=two_tier_round, status=S.DRAFT)
    kept = services.document_upload(
        actor=actors["producer"], application=previous, item="business_registration", file=pdf()
    )
    changed = services.document_upload(
        actor=actors["producer"], application=previous, item="label", file=pdf()
    )
    old_plan = services.document_upload(
        actor=actors["producer"], application=previous, item="business_plan", file=pdf()
    )
    services.document_remove(actor=actors["producer"], document=old_plan)
    previous.status = S.DECIDED
    previous.save()

    later = f.RoundFactory(province=province, process_variant=two_tier_round.process_variant)
    app = services.application_create(
        actor=actors["producer"],
        round=later,
        product=product,
        kind=ApplicationKind.UPGRADE,
        previous=previous,
    )
    carried = {d.item: d for d in DossierDocument.objects.filter(application=app)}
    assert set(carried) == {"business_registration", "label"}  # not the removed plan
    assert carried["business_registration"].carried_over_from == kept
    assert carried["business_registration"].file.name == kept.file.name
    assert carried["business_registration"].sha256 == kept.sha256

    new_label = services.document_upload(
        actor=actors["producer"], application=app, item="label", file=pdf(data=PDF + b"\n")
    )
    services.document_upload(actor=actors["producer"], application=app, item="images", file=pdf())
    assert new_label.replaces == carried["label"] and new_label.version == 2

    diff = {row.item.code: row for row in selectors.dossier_diff(app)}
    assert diff["business_registration"].state == dossier.DIFF_CARRIED
    assert diff["label"].state == dossier.DIFF_REPLACED
    assert diff["label"].previous == changed
    assert diff["images"].state == dossier.DIFF_NEW
    assert diff["previous_certificate"].state == dossier.DIFF_MISSING
    assert diff["business_plan"].state == dossier.DIFF_MISSING

    rows = {
        r.code: r
        for r in selectors.dossier_checklist(actor=actors["producer"], application=app).rows
    }
    assert rows["business_registration"].status == dossier.CARRIED_OVER
    assert not rows["business_registration"].new_since_previous
    assert rows["images"].new_since_previous and rows["label"].new_since_previous
    # The previous dossier is untouched.
    kept.refresh_from_db()
    changed.refresh_from_db()
    assert kept.is_current and changed.is_current


@pytest.mark.usefixtures("today")
def test_checklist_query_count_does_not_grow_with_documents(
    app, actors, django_assert_max_num_queries
):
    f.complete_dossier(app, required_only=False)
    with django_assert_max_num_queries(8):
        checklist = selectors.dossier_checklist(actor=actors["producer"], application=app)
        _ = [(r.current, r.versions, r.status) for r in checklist.rows]
