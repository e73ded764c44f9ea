"""Field visits: who records them, and the tourism set cannot be finalised without one."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.core.errors import PermissionDenied, ValidationFailed
from ocop.core.models import AuditEvent
from ocop.evaluation import council as svc
from ocop.evaluation import variants
from ocop.evaluation.constants import ApplicationStatus, Level
from ocop.evaluation.models import FieldVisit
from ocop.evaluation.tests import factories as f
from ocop.evaluation.tests.test_council import DAY, PDF, assign_all, frozen, me, score, world  # noqa: F401 - fixtures
from ocop.products.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def plain(request):
    """test_council's scene: a QD1048 fresh-produce application scheduled, a council of 3."""
    return request.getfixturevalue("world")


@pytest.fixture
def tourism(plain):
    scene = plain
    Product.objects.filter(pk=scene["app"].product_id).update(
        product_set=f.product_set("QD1048-26")
    )
    scene["app"].refresh_from_db()
    return scene


def _visit(scene, actor, **extra):
    kwargs = {
        "actor": actor,
        "application": scene["app"],
        "visited_on": DAY - dt.timedelta(days=3),
        "members": [scene["seats"]["chair"], scene["seats"]["m1"]],
        "notes": "Khảo sát điểm du lịch: đường vào, nhà đón tiếp, khu trải nghiệm.",
    }
    kwargs.update(extra)
    return svc.field_visit_record(**kwargs)


def test_the_variants_name_the_tourism_sets():
    for code, tourism_set in [
        (f.TWO_TIER, "QD148-26"),
        (f.QD148_THREE_TIER, "QD148-26"),
        (f.QD1048_THREE_TIER, "QD1048-26"),
    ]:
        variant = f.variant(code)
        assert variants.field_visit_required(variant, Level.PROVINCE, tourism_set)
        assert not variants.field_visit_required(variant, Level.PROVINCE, "QD148-01")


def test_tourism_score_cannot_be_finalised_without_a_field_visit(tourism):
    scene = tourism
    assign_all(scene)
    for key, target in [("chair", 71), ("secretary", 68), ("m1", 70)]:
        score(scene, scene["seats"][key], target)
    with pytest.raises(svc.FieldVisitMissing) as err:
        svc.application_score_finalise(actor=scene["officer"], application=scene["app"])
    assert err.value.status == 409 and "QD1048-26" in err.value.detail
    scene["app"].refresh_from_db()
    assert scene["app"].status == ApplicationStatus.SCHEDULED

    visit = _visit(
        scene,
        me(scene["seats"]["secretary"]),
        file=SimpleUploadedFile("bien-ban.pdf", PDF),
    )
    assert set(visit.members.all()) == {scene["seats"]["chair"], scene["seats"]["m1"]}
    assert visit.file.name.startswith("field-visits/")
    assert AuditEvent.objects.filter(action="evaluation.field_visit.record").exists()
    app = svc.application_score_finalise(actor=scene["officer"], application=scene["app"])
    assert app.status == ApplicationStatus.RECOGNISED


def test_other_sets_need_no_field_visit(plain):
    scene = plain
    assign_all(scene)
    for key, target in [("chair", 71), ("secretary", 68), ("m1", 70)]:
        score(scene, scene["seats"][key], target)
    app = svc.application_score_finalise(actor=scene["officer"], application=scene["app"])
    assert app.status == ApplicationStatus.RECOGNISED


def test_who_records_a_field_visit(tourism, province):
    scene = tourism
    assert _visit(scene, me(scene["seats"]["chair"]))
    assert _visit(scene, scene["officer"])
    refused = [
        me(scene["seats"]["m1"]),
        actor_for(user_with_role(Role.PROVINCE_OFFICER, province=f.ProvinceFactory())),
        actor_for(user_with_role(Role.COMMUNE_OFFICER, commune=scene["app"].commune)),
    ]
    for actor in refused:
        with pytest.raises(PermissionDenied):
            _visit(scene, actor)
    assert FieldVisit.objects.count() == 2


def test_field_visit_validation(tourism):
    scene = tourism
    with pytest.raises(svc.FieldVisitInvalid) as err:
        _visit(
            scene,
            scene["officer"],
            visited_on=DAY + dt.timedelta(days=1),
            members=[],
            notes=" ",
        )
    assert set(err.value.field_errors()) == {"visited_on", "members", "notes"}
    with pytest.raises(ValidationFailed):
        _visit(scene, scene["officer"], file=SimpleUploadedFile("x.pdf", b"not a pdf"))
    assert not FieldVisit.objects.exists()
