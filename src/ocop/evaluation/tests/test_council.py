"""Council services: seats, recusal, assignments, sheets (versions, paper entry), finalising."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from ocop.accounts.constants import Role
from ocop.accounts.models import Membership
from ocop.accounts.tests.factories import UserFactory, actor_for, user_with_role
from ocop.core import clock
from ocop.core.actor import Actor
from ocop.core.errors import PermissionDenied, ValidationFailed
from ocop.core.models import AuditEvent
from ocop.evaluation import council as svc
from ocop.evaluation import services
from ocop.evaluation.constants import ApplicationStatus, CouncilRole, Outcome, SheetStatus
from ocop.evaluation.tests import factories as f

pytestmark = pytest.mark.django_db

DAY = dt.date(2021, 9, 15)
SYSTEM = Actor.system("test")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def frozen():
    with clock.freeze(DAY):
        yield


@pytest.fixture
def world(commune):
    ruleset = f.qd1048_ruleset()
    product = f.ProductFactory(producer__commune=commune, product_set=f.product_set(f.QD1048_SET))
    rnd = f.RoundFactory(
        province=commune.province, process_variant=f.variant(f.QD1048_THREE_TIER), year=2021
    )
    app = f.ApplicationFactory(
        product=product, round=rnd, ruleset=ruleset, status=ApplicationStatus.SCHEDULED
    )
    officer = actor_for(user_with_role(Role.PROVINCE_OFFICER, province=commune.province))
    council = svc.council_create(actor=officer, round=rnd, name="Hội đồng OCOP tỉnh")
    seats = {}
    for key, role in [
        ("chair", CouncilRole.CHAIR),
        ("secretary", CouncilRole.SECRETARY),
        ("m1", CouncilRole.MEMBER),
    ]:
        seats[key] = svc.council_member_add(
            actor=officer,
            council=council,
            user=UserFactory(),
            role=role,
            valid_from=dt.date(2021, 1, 1),
            valid_to=dt.date(2021, 12, 31),
        )
    return {
        "ruleset": ruleset,
        "app": app,
        "round": rnd,
        "officer": officer,
        "council": council,
        "seats": seats,
    }


def me(member):
    return actor_for(member.user)


def answers_for(ruleset, target):
    """{criterion: (option, "")} whose points sum to `target` (one option per criterion)."""
    criteria = list(ruleset.criteria.prefetch_related("options").order_by("position"))
    reachable = {Decimal(0): []}
    for criterion in criteria:
        nxt = {}
        for total, picks in reachable.items():
            for option in criterion.options.all():
                nxt.setdefault(total + option.points, [*picks, (criterion.code, option.code)])
        reachable = nxt
    picks = reachable[Decimal(target)]
    return {code: (option, "") for code, option in picks}


def max_answers(ruleset):
    return {
        c.code: (max(c.options.all(), key=lambda o: o.points).code, "")
        for c in ruleset.criteria.prefetch_related("options")
    }


def score(world, member, target=None, answers=None):
    app = world["app"]
    answers = answers or answers_for(world["ruleset"], target)
    sheet = svc.sheet_save(
        actor=me(member), application=app, member=member, answers=answers, expected_version=1
    )
    return svc.sheet_submit(actor=me(member), sheet=sheet)


def assign_all(world):
    seats = world["seats"]
    return svc.assignment_bulk(
        actor=world["officer"],
        council=world["council"],
        applications=[world["app"]],
        members=list(seats.values()),
    )


def test_seat_grants_a_time_bound_council_member_membership(world):
    seat = world["seats"]["m1"]
    assert seat.membership is not None
    assert seat.membership.role == Role.COUNCIL_MEMBER
    assert (seat.membership.valid_from, seat.membership.valid_to) == (
        dt.date(2021, 1, 1),
        dt.date(2021, 12, 31),
    )
    assert Membership.objects.filter(user=seat.user, role=Role.COUNCIL_MEMBER).count() == 1
    assert AuditEvent.objects.filter(action="evaluation.council_member.add").count() == 3
    assert AuditEvent.objects.filter(action="evaluation.council.create").count() == 1


def test_happy_path_mean_of_71_68_70_is_three_stars(world):
    assign_all(world)
    seats = world["seats"]
    for key, target in [("chair", 71), ("secretary", 68), ("m1", 70)]:
        sheet = score(world, seats[key], target)
        assert sheet.total == Decimal(target)
        assert sheet.status == SheetStatus.SUBMITTED
        assert sum(Decimal(v) for v in sheet.part_totals.values()) == Decimal(target)
    app = svc.application_score_finalise(actor=world["officer"], application=world["app"])
    app.refresh_from_db()
    assert app.score == Decimal("69.6666")  # stored truncated to 4 decimals
    assert services.display_score(app) == "69.67"  # published half-up to 2 decimals
    assert app.stars == 3
    assert app.outcome == Outcome.RECOGNISED
    assert app.status == ApplicationStatus.RECOGNISED
    assert AuditEvent.objects.filter(
        action="evaluation.application.score_finalise", object_id=str(app.pk)
    ).exists()
    assert AuditEvent.objects.filter(action="evaluation.sheet.submit").count() == 3


def test_all_maximum_sheets_score_100_and_are_proposed_national(world):
    assign_all(world)
    for seat in world["seats"].values():
        score(world, seat, answers=max_answers(world["ruleset"]))
    app = svc.application_score_finalise(actor=world["officer"], application=world["app"])
    assert app.score == Decimal(100)
    assert app.outcome == Outcome.PROPOSED_NATIONAL
    assert app.status == ApplicationStatus.PROPOSED_NATIONAL


def test_low_mean_is_not_recognised(world):
    assign_all(world)
    for seat in world["seats"].values():
        score(world, seat, 45)
    app = svc.application_score_finalise(actor=world["officer"], application=world["app"])
    assert app.stars == 2
    assert app.outcome == Outcome.NOT_RECOGNISED
    assert app.status == ApplicationStatus.NOT_RECOGNISED


def test_divergent_member_is_named_in_the_reason(world):
    assign_all(world)
    seats = world["seats"]
    score(world, seats["chair"], 70)
    score(world, seats["secretary"], 70)
    score(world, seats["m1"], 50)
    app = svc.application_score_finalise(actor=world["officer"], application=world["app"])
    assert str(seats["m1"].user) in app.outcome_reason


def test_recused_member_is_not_assigned_and_cannot_score(world):
    seats = world["seats"]
    app = world["app"]
    svc.conflict_declare(
        actor=me(seats["m1"]),
        member=seats["m1"],
        application=app,
        has_conflict=True,
        note="Người thân của chủ thể",
    )
    created = assign_all(world)
    assert {a.member_id for a in created} == {seats["chair"].pk, seats["secretary"].pk}
    assert assign_all(world) == []  # idempotent
    assert not svc.member_can_score(seats["m1"], app)
    with pytest.raises(ValidationFailed):
        svc.sheet_save(
            actor=me(seats["m1"]),
            application=app,
            member=seats["m1"],
            answers=answers_for(world["ruleset"], 70),
            expected_version=1,
        )
    score(world, seats["chair"], 70)
    score(world, seats["secretary"], 72)
    done = svc.application_score_finalise(actor=me(seats["secretary"]), application=app)
    assert done.score == Decimal(71)


def test_only_the_member_declares_their_own_conflict(world):
    seats = world["seats"]
    with pytest.raises(PermissionDenied):
        svc.conflict_declare(
            actor=me(seats["chair"]),
            member=seats["m1"],
            application=world["app"],
            has_conflict=False,
        )


def test_stale_version_is_a_409(world):
    assign_all(world)
    seat = world["seats"]["m1"]
    answers = answers_for(world["ruleset"], 60)
    svc.sheet_save(
        actor=me(seat), application=world["app"], member=seat, answers=answers, expected_version=1
    )
    with pytest.raises(svc.SheetStale) as caught:
        svc.sheet_save(
            actor=me(seat),
            application=world["app"],
            member=seat,
            answers=answers,
            expected_version=1,
        )
    assert caught.value.status == 409
    assert caught.value.code == "evaluation.sheet_stale"


def test_wrong_option_or_criterion_is_refused_and_nothing_saved(world):
    assign_all(world)
    seat = world["seats"]["m1"]
    criteria = list(world["ruleset"].criteria.prefetch_related("options").order_by("position"))
    first, second = criteria[0], criteria[1]
    foreign = second.options.all()[0].code
    with pytest.raises(ValidationFailed) as caught:
        svc.sheet_save(
            actor=me(seat),
            application=world["app"],
            member=seat,
            answers={first.code: (foreign, ""), "NO.SUCH": ("x", "")},
            expected_version=1,
        )
    assert {e["loc"][0] for e in caught.value.errors} == {first.code, "NO.SUCH"}
    assert not world["app"].sheets.filter(answers__isnull=False).exists()


def test_incomplete_sheet_cannot_be_submitted_and_finalise_waits(world):
    assign_all(world)
    seat = world["seats"]["m1"]
    criterion = world["ruleset"].criteria.order_by("position").first()
    sheet = svc.sheet_save(
        actor=me(seat),
        application=world["app"],
        member=seat,
        answers={criterion.code: (criterion.options.all()[0].code, "")},
        expected_version=1,
    )
    with pytest.raises(ValidationFailed):
        svc.sheet_submit(actor=me(seat), sheet=sheet)
    with pytest.raises(svc.ScoringIncomplete):
        svc.application_score_finalise(actor=world["officer"], application=world["app"])


def test_submitted_sheet_is_locked_until_the_chair_returns_it(world):
    assign_all(world)
    seats = world["seats"]
    sheet = score(world, seats["m1"], 60)
    with pytest.raises(svc.SheetLocked):
        svc.sheet_save(
            actor=me(seats["m1"]),
            application=world["app"],
            member=seats["m1"],
            answers=answers_for(world["ruleset"], 61),
            expected_version=sheet.version,
        )
    with pytest.raises(PermissionDenied):
        svc.sheet_return(actor=me(seats["secretary"]), sheet=sheet, reason="Chênh lệch")
    returned = svc.sheet_return(actor=me(seats["chair"]), sheet=sheet, reason="Chênh lệch")
    assert returned.status == SheetStatus.RETURNED
    again = svc.sheet_save(
        actor=me(seats["m1"]),
        application=world["app"],
        member=seats["m1"],
        answers=answers_for(world["ruleset"], 61),
        expected_version=returned.version,
    )
    assert again.total == Decimal(61)
    assert AuditEvent.objects.filter(action="evaluation.sheet.return").count() == 1


def test_paper_entry_needs_a_scan_and_the_secretary(world):
    assign_all(world)
    seats = world["seats"]
    answers = answers_for(world["ruleset"], 66)
    with pytest.raises(ValidationFailed):
        svc.sheet_enter_paper(
            actor=me(seats["secretary"]),
            application=world["app"],
            member=seats["m1"],
            answers=answers,
            scan_upload=None,
        )
    scan = SimpleUploadedFile("phieu.pdf", PDF, content_type="application/pdf")
    with pytest.raises(PermissionDenied):
        svc.sheet_enter_paper(
            actor=me(seats["chair"]),
            application=world["app"],
            member=seats["m1"],
            answers=answers,
            scan_upload=scan,
        )
    scan = SimpleUploadedFile("phieu.pdf", PDF, content_type="application/pdf")
    sheet = svc.sheet_enter_paper(
        actor=me(seats["secretary"]),
        application=world["app"],
        member=seats["m1"],
        answers=answers,
        scan_upload=scan,
    )
    assert sheet.total == Decimal(66)
    assert sheet.entered_by_id == seats["secretary"].user_id
    assert sheet.paper_scan.name.endswith(".pdf")


def test_permission_denials(world, other_province):
    seats = world["seats"]
    stranger = actor_for(user_with_role(Role.PROVINCE_OFFICER, province=other_province))
    with pytest.raises(PermissionDenied):
        svc.council_create(
            actor=stranger, round=f.RoundFactory(province=world["round"].province), name="X"
        )
    with pytest.raises(PermissionDenied):
        svc.council_member_add(
            actor=me(seats["chair"]),
            council=world["council"],
            user=UserFactory(),
            role=CouncilRole.MEMBER,
            valid_from=DAY,
            valid_to=DAY,
        )
    with pytest.raises(PermissionDenied):
        svc.assignment_bulk(
            actor=me(seats["m1"]),
            council=world["council"],
            applications=[world["app"]],
            members=[seats["m1"]],
        )
    assign_all(world)
    with pytest.raises(PermissionDenied):
        svc.sheet_save(
            actor=me(seats["chair"]),
            application=world["app"],
            member=seats["m1"],
            answers={},
            expected_version=1,
        )
    with pytest.raises(PermissionDenied):
        svc.application_score_finalise(actor=me(seats["m1"]), application=world["app"])
    with pytest.raises(PermissionDenied):
        svc.application_score_finalise(actor=stranger, application=world["app"])


def test_expired_seat_cannot_score(world):
    assign_all(world)
    seat = world["seats"]["m1"]
    with clock.freeze(dt.date(2022, 1, 5)), pytest.raises(PermissionDenied):
        svc.sheet_save(
            actor=me(seat),
            application=world["app"],
            member=seat,
            answers=answers_for(world["ruleset"], 60),
            expected_version=1,
        )


def test_after_finalising_sheets_are_closed(world):
    assign_all(world)
    seats = world["seats"]
    sheets = [score(world, seat, 60) for seat in seats.values()]
    svc.application_score_finalise(actor=world["officer"], application=world["app"])
    with pytest.raises(svc.ScoringClosed):
        svc.sheet_return(actor=me(seats["chair"]), sheet=sheets[0], reason="Chấm lại")
    with pytest.raises(svc.ScoringClosed):
        svc.sheet_save(
            actor=me(seats["m1"]),
            application=world["app"],
            member=seats["m1"],
            answers=answers_for(world["ruleset"], 61),
            expected_version=sheets[2].version,
        )
    with pytest.raises(svc.ScoringClosed) as caught:
        svc.application_score_finalise(actor=world["officer"], application=world["app"])
    assert caught.value.status == 409


def test_a_failed_mandatory_criterion_is_not_recognised(world):
    from ocop.criteria.tests import factories as cf

    cf.load_product_sets()
    doc = cf.document(id="TEST.council.mandatory")
    criterion = doc["parts"][0]["sections"][0]["criteria"][0]
    criterion["mandatory"] = "yes"
    ruleset = cf.services.ruleset_import_yaml(
        actor=cf.system(), data=cf.to_bytes(doc), filename="mandatory.yaml", trusted=True
    ).ruleset
    app = world["app"]
    app.ruleset = ruleset
    app.save(update_fields=["ruleset"])
    world["ruleset"] = ruleset
    assign_all(world)
    for seat in world["seats"].values():
        answers = max_answers(ruleset)
        answers[criterion["code"]] = (criterion["options"][0]["code"], "")  # 0 points
        score(world, seat, answers=answers)
    done = svc.application_score_finalise(actor=world["officer"], application=app)
    assert done.stars >= 3  # high enough on points alone
    assert done.outcome == Outcome.NOT_RECOGNISED
    assert done.status == ApplicationStatus.NOT_RECOGNISED
    assert criterion["code"] in done.outcome_reason


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks across connections need PostgreSQL",
)
def test_two_concurrent_saves_of_one_version_one_wins_one_is_stale(transactional_db, world):
    import threading

    assign_all(world)
    seat = world["seats"]["m1"]
    answers = answers_for(world["ruleset"], 60)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def save():
        try:
            barrier.wait()
            svc.sheet_save(
                actor=me(seat),
                application=world["app"],
                member=seat,
                answers=answers,
                expected_version=1,
            )
            results.append("saved")
        except svc.SheetStale:
            results.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["saved", "stale"]
    sheet = world["app"].sheets.get(member=seat)
    assert sheet.version == 2
    assert sheet.total == Decimal(60)


def test_an_unscorable_rule_set_is_refused(world):
    from ocop.criteria.tests import factories as cf

    cf.load_product_sets()
    skeleton = cf.load_file(cf.SKELETON)
    assert not skeleton.is_scorable
    app = world["app"]
    app.ruleset = skeleton
    app.save(update_fields=["ruleset"])
    assign_all(world)
    seat = world["seats"]["m1"]
    with pytest.raises(svc.RuleSetNotScorable) as caught:
        svc.sheet_save(actor=me(seat), application=app, member=seat, answers={}, expected_version=1)
    assert caught.value.status == 409
    assert not app.sheets.exists()


def test_a_blind_write_never_overwrites_a_saved_sheet(world):
    assign_all(world)
    seat = world["seats"]["m1"]
    app = world["app"]
    svc.sheet_save(
        actor=me(seat),
        application=app,
        member=seat,
        answers=answers_for(world["ruleset"], 60),
        expected_version=None,
    )
    with pytest.raises(svc.SheetStale):
        svc.sheet_save(
            actor=me(seat),
            application=app,
            member=seat,
            answers=answers_for(world["ruleset"], 62),
            expected_version=None,
        )
    assert app.sheets.get(member=seat).total == Decimal(60)


def test_reseating_a_member_who_holds_a_covering_council_role_reuses_it(world):
    """An open (or longer) council role of the user in the round's province covers the seat:
    it is linked, not granted again (a second overlapping role would be refused)."""
    province = world["round"].province
    holder = user_with_role(Role.COUNCIL_MEMBER, province=province)
    (open_role,) = Membership.objects.filter(user=holder, role=Role.COUNCIL_MEMBER)
    assert open_role.valid_to is None
    seat = svc.council_member_add(
        actor=world["officer"],
        council=world["council"],
        user=holder,
        role=CouncilRole.MEMBER,
        valid_from=dt.date(2021, 1, 1),
        valid_to=dt.date(2021, 12, 31),
    )
    assert seat.membership_id == open_role.pk
    assert Membership.objects.filter(user=holder, role=Role.COUNCIL_MEMBER).count() == 1
    # The seat of an earlier council already granted a role for that year: a second council in
    # the same year reuses it; a seat reaching past it gets a new role only if none overlaps.
    seated = world["seats"]["m1"]
    other = svc.council_create(
        actor=world["officer"], round=f.RoundFactory(province=province), name="Hội đồng 2"
    )
    again = svc.council_member_add(
        actor=world["officer"],
        council=other,
        user=seated.user,
        role=CouncilRole.MEMBER,
        valid_from=dt.date(2021, 3, 1),
        valid_to=dt.date(2021, 6, 30),
    )
    assert again.membership_id == seated.membership_id
    later = svc.council_member_add(
        actor=world["officer"],
        council=svc.council_create(
            actor=world["officer"], round=f.RoundFactory(province=province), name="Hội đồng 3"
        ),
        user=seated.user,
        role=CouncilRole.MEMBER,
        valid_from=dt.date(2022, 1, 1),
        valid_to=dt.date(2022, 12, 31),
    )
    assert later.membership_id not in (None, seated.membership_id)
    assert later.membership.valid_from == dt.date(2022, 1, 1)


def test_a_council_role_in_another_province_is_not_reused(world, other_province):
    holder = user_with_role(Role.COUNCIL_MEMBER, province=other_province)
    seat = svc.council_member_add(
        actor=world["officer"],
        council=world["council"],
        user=holder,
        role=CouncilRole.MEMBER,
        valid_from=dt.date(2021, 1, 1),
        valid_to=dt.date(2021, 12, 31),
    )
    assert seat.membership.province_id == world["round"].province_id
    assert Membership.objects.filter(user=holder, role=Role.COUNCIL_MEMBER).count() == 2
