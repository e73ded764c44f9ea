"""Services: rounds, applications, the dedicated moves, StatusChange rows, audit, role checks."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from ocop.core import clock
from ocop.core.actor import Actor
from ocop.core.errors import InvalidTransition, NotAuthenticated, PermissionDenied
from ocop.core.models import AuditEvent
from ocop.core.testing import pdf_file, png_file
from ocop.evaluation import services
from ocop.evaluation.constants import ApplicationKind, Level
from ocop.evaluation.constants import ApplicationStatus as S
from ocop.evaluation.errors import (
    ApplicationDuplicate,
    ApplicationInvalid,
    NoRuleSetForProduct,
    RoundInvalid,
    UseDedicatedService,
)
from ocop.evaluation.models import PreAssessment, StatusChange
from ocop.evaluation.tests import factories as f
from ocop.geo.tests.factories import ProvinceFactory

SYSTEM = Actor.system("tests")
ANSWERS = {
    code: {"met": True, "note": ""}
    for code in ("local_origin", "local_labour", "idea_origin", "local_identity")
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads (the commune's signed report) go to a temporary media root."""
    settings.MEDIA_ROOT = str(tmp_path)


def _round_kwargs(province, **extra):
    kwargs = {
        "province": province,
        "name": "Đợt 1 năm 2025",
        "year": 2025,
        "process_variant": f.variant(f.TWO_TIER),
        "registration_opens": dt.date(2025, 8, 1),
        "registration_cutoff": dt.date(2025, 10, 31),
        "divergence_threshold": Decimal(10),
    }
    kwargs.update(extra)
    return kwargs


# --- rounds --------------------------------------------------------------------------------------
def test_round_create_by_the_province_officer(province, actors):
    rnd = services.round_create(actor=actors["province_officer"], **_round_kwargs(province))
    assert rnd.process_variant.code == f.TWO_TIER
    assert AuditEvent.objects.filter(action="evaluation.round.create", object_id=str(rnd.pk))


@pytest.mark.parametrize(
    "who", ["other_province_officer", "commune_officer", "inspector", "producer", "council_member"]
)
def test_round_create_refused_to_others(province, actors, who):
    with pytest.raises(PermissionDenied):
        services.round_create(actor=actors[who], **_round_kwargs(province))


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"registration_cutoff": dt.date(2025, 7, 1)}, "registration_cutoff"),
        (
            {"registration_opens": dt.date(2025, 7, 1), "registration_cutoff": dt.date(2025, 9, 1)},
            "process_variant",
        ),
        ({"level": Level.DISTRICT}, "level"),
        ({"name": "  "}, "name"),
        ({"divergence_threshold": Decimal(-1)}, "divergence_threshold"),
    ],
)
def test_round_create_validation(province, extra, field, db):
    with pytest.raises(RoundInvalid) as err:
        services.round_create(actor=SYSTEM, **_round_kwargs(province, **extra))
    assert field in err.value.field_errors()


# --- applications: create --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin", True),
        ("producer", True),
        ("commune_officer", True),
        ("province_officer", True),
        ("other_producer", False),
        ("neighbour_commune_officer", False),
        ("other_province_officer", False),
        ("inspector", False),
        ("council_member", False),
    ],
)
def test_application_create_roles(product, two_tier_round, actors, who, allowed):
    if allowed:
        app = services.application_create(actor=actors[who], round=two_tier_round, product=product)
        assert (app.status, app.province_id, app.commune_id, app.producer_id) == (
            S.DRAFT,
            product.province_id,
            product.commune_id,
            product.producer_id,
        )
    else:
        with pytest.raises(PermissionDenied):
            services.application_create(actor=actors[who], round=two_tier_round, product=product)


def test_anonymous_is_asked_to_log_in(product, two_tier_round):
    with pytest.raises(NotAuthenticated):
        services.application_create(actor=Actor.anonymous(), round=two_tier_round, product=product)


def test_application_create_rules(product, two_tier_round):
    first = services.application_create(actor=SYSTEM, round=two_tier_round, product=product)
    with pytest.raises(ApplicationDuplicate):
        services.application_create(actor=SYSTEM, round=two_tier_round, product=product)
    other_round = f.RoundFactory(province=ProvinceFactory())
    with pytest.raises(ApplicationInvalid) as err:
        services.application_create(actor=SYSTEM, round=other_round, product=product)
    assert "product" in err.value.field_errors()
    later = f.RoundFactory(province=product.province, number=2)
    for kind, previous in (
        (ApplicationKind.UPGRADE, None),
        (ApplicationKind.REEVALUATION, first),  # not decided yet
        (ApplicationKind.FIRST, first),
    ):
        with pytest.raises(ApplicationInvalid) as err:
            services.application_create(
                actor=SYSTEM, round=later, product=product, kind=kind, previous=previous
            )
        assert "previous" in err.value.field_errors()


def test_upgrade_references_the_decided_previous_application(product, two_tier_round):
    previous = f.ApplicationFactory(product=product, round=two_tier_round, status=S.DECIDED)
    later = f.RoundFactory(province=product.province, number=2)
    app = services.application_create(
        actor=SYSTEM, round=later, product=product, kind=ApplicationKind.UPGRADE, previous=previous
    )
    assert app.previous == previous and app.kind == ApplicationKind.UPGRADE
    stranger = f.ApplicationFactory(round=two_tier_round, status=S.DECIDED)
    with pytest.raises(ApplicationInvalid):
        services.application_create(
            actor=SYSTEM,
            round=later,
            product=product,
            kind=ApplicationKind.REEVALUATION,
            previous=stranger,
        )


# --- submit and the pinned rule set ------------------------------------------------------------
@pytest.mark.usefixtures("today")
def test_submit_pins_the_rule_set_and_records_the_move(product, two_tier_round, actors):
    app = services.application_create(actor=SYSTEM, round=two_tier_round, product=product)
    f.complete_dossier(app)
    app = services.application_submit(actor=actors["producer"], application=app, note="Nộp")
    app.refresh_from_db()
    assert app.status == S.SUBMITTED
    assert app.ruleset.code == "TEST.evaluation.two-tier"
    assert app.submitted_at == clock.now()
    change = StatusChange.objects.get(application=app)
    assert (change.verb, change.from_status, change.to_status, change.reason) == (
        "submit",
        S.DRAFT,
        S.SUBMITTED,
        "Nộp",
    )
    assert change.actor_user_id == actors["producer"].user_id
    assert AuditEvent.objects.filter(
        action="evaluation.application.submit", object_id=str(app.pk)
    ).exists()


def test_the_pinned_rule_set_never_changes(commune):
    """Submitted under QĐ 1048 in 2021; resubmitted in 2024, when no QĐ 1048 sheet is in force."""
    qd1048 = f.qd1048_ruleset()
    product = f.ProductFactory(producer__commune=commune, product_set=f.product_set(f.QD1048_SET))
    rnd = f.RoundFactory(
        province=commune.province,
        process_variant=f.variant(f.QD1048_THREE_TIER),
        year=2021,
        registration_opens=dt.date(2021, 5, 1),
        registration_cutoff=dt.date(2021, 8, 31),
    )
    app = services.application_create(actor=SYSTEM, round=rnd, product=product)
    f.complete_dossier(app)
    with clock.freeze(f.QD1048_DAY):
        app = services.application_submit(actor=SYSTEM, application=app)
        app = services.application_return(actor=SYSTEM, application=app, reason="Thiếu mẫu")
    assert app.ruleset == qd1048
    with clock.freeze(f.QD148_DAY):
        app = services.application_transition(actor=SYSTEM, application=app, verb="resubmit")
        app = services.application_lower_score(actor=SYSTEM, application=app, score=Decimal(55))
        app = services.application_transition(actor=SYSTEM, application=app, verb="forward")
    app.refresh_from_db()
    assert app.ruleset == qd1048
    assert app.status == S.FORWARDED
    assert app.lower_tier_score == Decimal(55)
    assert list(app.status_changes.values_list("verb", flat=True)) == [
        "submit",
        "return",
        "resubmit",
        "lower_score",
        "forward",
    ]


def test_submit_without_a_rule_set_in_force_is_refused(commune, two_tier_round):
    product = f.ProductFactory(producer__commune=commune, product_set=f.product_set("QD148-05"))
    app = f.ApplicationFactory(product=product, round=two_tier_round)
    with clock.freeze(f.TWO_TIER_DAY), pytest.raises(NoRuleSetForProduct) as err:
        services.application_submit(actor=SYSTEM, application=app)
    assert err.value.status == 409 and "QD148-05" in err.value.detail
    app.refresh_from_db()
    assert app.status == S.DRAFT and app.ruleset_id is None


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("producer", True),
        ("commune_officer", True),
        ("admin", True),
        ("other_producer", False),
        ("neighbour_commune_officer", False),
        ("province_officer", False),
        ("inspector", False),
        ("council_member", False),
    ],
)
@pytest.mark.usefixtures("today")
def test_submit_roles(product, two_tier_round, actors, who, allowed):
    app = f.ApplicationFactory(product=product, round=two_tier_round)
    f.complete_dossier(app)
    if allowed:
        assert services.application_submit(actor=actors[who], application=app).status == S.SUBMITTED
    else:
        with pytest.raises(PermissionDenied):
            services.application_submit(actor=actors[who], application=app)
        app.refresh_from_db()
        assert app.status == S.DRAFT and app.ruleset_id is None
        assert not StatusChange.objects.filter(application=app).exists()


# --- return, pre-assess, province moves --------------------------------------------------------
ROLE_TABLE = {
    "return": {"commune_officer", "province_officer", "admin"},
    "pre_assess": {"commune_officer", "admin"},
    "withdraw": {"producer", "commune_officer", "admin"},
    "schedule": {"province_officer", "admin"},
}
ALL_ACTORS = [
    "admin",
    "producer",
    "other_producer",
    "commune_officer",
    "neighbour_commune_officer",
    "province_officer",
    "other_province_officer",
    "inspector",
    "council_member",
]
START = {
    "return": S.SUBMITTED,
    "pre_assess": S.SUBMITTED,
    "withdraw": S.SUBMITTED,
    "schedule": S.PRE_ASSESSED,
}


def _do(verb, actor, app):
    if verb == "return":
        return services.application_return(actor=actor, application=app, reason="Bổ sung")
    if verb == "pre_assess":
        return services.application_pre_assess(
            actor=actor, application=app, answers=ANSWERS, conclusion="Đạt", report=pdf_file()
        )
    return services.application_transition(actor=actor, application=app, verb=verb)


@pytest.mark.parametrize("verb", sorted(ROLE_TABLE))
@pytest.mark.parametrize("who", ALL_ACTORS)
def test_move_roles(product, two_tier_round, two_tier_ruleset, actors, verb, who):
    app = f.ApplicationFactory(
        product=product, round=two_tier_round, status=START[verb], ruleset=two_tier_ruleset
    )
    if who in ROLE_TABLE[verb]:
        assert _do(verb, actors[who], app).status != START[verb]
    else:
        with pytest.raises(PermissionDenied):
            _do(verb, actors[who], app)
        app.refresh_from_db()
        assert app.status == START[verb]


def test_return_needs_a_reason(product, two_tier_round):
    app = f.ApplicationFactory(product=product, round=two_tier_round, status=S.SUBMITTED)
    with pytest.raises(ApplicationInvalid):
        services.application_return(actor=SYSTEM, application=app, reason=" ")


def test_pre_assessment_records_the_four_criteria(product, two_tier_round, actors):
    app = f.ApplicationFactory(product=product, round=two_tier_round, status=S.SUBMITTED)
    bad = dict(ANSWERS)
    bad.pop("local_labour")
    bad["colour"] = {"met": True}
    with pytest.raises(ApplicationInvalid) as err:
        services.application_pre_assess(
            actor=actors["commune_officer"], application=app, answers=bad, conclusion=""
        )
    assert set(err.value.field_errors()) == {"local_labour", "colour", "conclusion", "report"}
    assert not PreAssessment.objects.exists()

    answers = dict(ANSWERS, local_labour={"met": False, "note": "Thuê lao động ngoài xã"})
    app = services.application_pre_assess(
        actor=actors["commune_officer"],
        application=app,
        answers=answers,
        conclusion="Đủ điều kiện",
        report=png_file("bao-cao.png"),
    )
    record = PreAssessment.objects.get(application=app)
    assert app.status == S.PRE_ASSESSED
    assert record.answers["local_labour"] == {"met": False, "note": "Thuê lao động ngoài xã"}
    assert record.signed_by_id == actors["commune_officer"].user_id
    assert record.report_file.name.endswith(".png")
    with record.report_file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == record.report_sha256


def _docx_bytes() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def test_pre_assessment_report_must_be_a_pdf_or_an_image(product, two_tier_round, actors):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ocop.core.errors import ValidationFailed

    app = f.ApplicationFactory(product=product, round=two_tier_round, status=S.SUBMITTED)
    for bad in (
        SimpleUploadedFile("bao-cao.pdf", b"not really a pdf", content_type="application/pdf"),
        SimpleUploadedFile("bao-cao.docx", _docx_bytes(), content_type="application/msword"),
    ):
        with pytest.raises(ValidationFailed) as err:
            services.application_pre_assess(
                actor=actors["commune_officer"],
                application=app,
                answers=ANSWERS,
                conclusion="Đạt",
                report=bad,
            )
        assert "report" in err.value.field_errors()
    app.refresh_from_db()
    assert app.status == S.SUBMITTED
    assert not PreAssessment.objects.exists()


def test_generic_transition_refuses_dedicated_and_unknown_verbs(product, two_tier_round):
    app = f.ApplicationFactory(product=product, round=two_tier_round, status=S.SUBMITTED)
    for verb in ("submit", "return", "pre_assess", "score", "lower_score"):
        with pytest.raises(UseDedicatedService):
            services.application_transition(actor=SYSTEM, application=app, verb=verb)
    with pytest.raises(InvalidTransition) as err:
        services.application_transition(actor=SYSTEM, application=app, verb="decide")
    assert err.value.code == "evaluation.invalid_transition" and err.value.status == 409
    with pytest.raises(InvalidTransition):
        services.application_transition(actor=SYSTEM, application=app, verb="teleport")
    assert not StatusChange.objects.filter(application=app).exists()


def test_council_score_is_the_unrounded_mean_banded(product, two_tier_round, two_tier_ruleset):
    app = f.ApplicationFactory(
        product=product, round=two_tier_round, status=S.SCHEDULED, ruleset=two_tier_ruleset
    )
    app = services.application_score(
        actor=SYSTEM, application=app, totals=[Decimal("69.99"), Decimal(70)]
    )
    app.refresh_from_db()
    assert app.stars == 3  # 69.995 is below 70: half-open band, no rounding before banding
    assert app.score == Decimal("69.995")
    assert services.display_score(app) == "70.00"  # as published; the stars use the exact mean
    with pytest.raises(InvalidTransition):
        services.application_score(actor=SYSTEM, application=app, totals=[Decimal(80)])


def test_score_input_is_checked(product, two_tier_round, two_tier_ruleset):
    app = f.ApplicationFactory(
        product=product, round=two_tier_round, status=S.SCHEDULED, ruleset=two_tier_ruleset
    )
    for totals in ([], [Decimal(101)], [Decimal(-1)]):
        with pytest.raises(ApplicationInvalid):
            services.application_score(actor=SYSTEM, application=app, totals=totals)
    app.refresh_from_db()
    assert app.status == S.SCHEDULED and app.score is None


@pytest.mark.usefixtures("today")
def test_two_tier_journey(product, two_tier_round, actors):
    officer, commune_officer = actors["province_officer"], actors["commune_officer"]
    app = services.application_create(
        actor=actors["producer"], round=two_tier_round, product=product
    )
    f.complete_dossier(app)
    app = services.application_submit(actor=actors["producer"], application=app)
    app = services.application_pre_assess(
        actor=commune_officer, application=app, answers=ANSWERS, conclusion="Đạt", report=pdf_file()
    )
    app = services.application_transition(actor=officer, application=app, verb="schedule")
    app = services.application_score(
        actor=officer, application=app, totals=[Decimal(91), Decimal(95), Decimal("89.5")]
    )
    assert app.stars == 5
    app = services.application_transition(actor=officer, application=app, verb="propose_national")
    app = services.application_transition(actor=officer, application=app, verb="decide")
    app.refresh_from_db()
    assert app.status == S.DECIDED
    verbs = list(app.status_changes.values_list("verb", flat=True))
    assert verbs == ["submit", "pre_assess", "schedule", "score", "propose_national", "decide"]
    audited = AuditEvent.objects.filter(
        object_type="evaluation.application", object_id=str(app.pk)
    ).count()
    assert audited == 1 + len(verbs)
