"""Council reads: recusal hides an application from the member; the summary in constant queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import UserFactory, actor_for, user_with_role
from ocop.core.errors import NotFound
from ocop.evaluation import council as svc
from ocop.evaluation import selectors
from ocop.evaluation.constants import ApplicationStatus, CouncilRole, SheetStatus
from ocop.evaluation.models import (
    Application,
    ConflictDeclaration,
    Council,
    CouncilMember,
    ScoreSheet,
)
from ocop.evaluation.tests import factories as f
from ocop.evaluation.tests.test_council import answers_for, assign_all, frozen, me, world  # noqa: F401 - fixtures
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(request):
    """test_council's world, all seats assigned, m1 recused from the application."""
    data = request.getfixturevalue("world")
    assign_all(data)
    svc.conflict_declare(
        actor=me(data["seats"]["m1"]),
        member=data["seats"]["m1"],
        application=data["app"],
        has_conflict=True,
        note="Người thân làm việc tại cơ sở",
    )
    return data


def test_a_recused_member_neither_sees_nor_scores(scene):
    app, seats = scene["app"], scene["seats"]
    m1, chair = seats["m1"], seats["chair"]

    assert selectors.sheets_for_member(actor=me(m1)) == []
    assert not selectors.applications_for_member(actor=me(m1), round=scene["round"]).exists()
    with pytest.raises(NotFound):
        selectors.sheet_get(actor=me(m1), application=app, member=m1)
    with pytest.raises(NotFound):  # not even the chair opens a recused member's sheet
        selectors.sheet_get(actor=me(chair), application=app, member=m1)
    with pytest.raises(svc.SheetInvalid):
        svc.sheet_save(
            actor=me(m1),
            application=app,
            member=m1,
            answers=answers_for(scene["ruleset"], 70),
            expected_version=1,
        )

    # The others see it and can open their sheet.
    rows = selectors.sheets_for_member(actor=me(chair))
    assert [(r.application, r.member, r.sheet) for r in rows] == [(app, chair, None)]
    assert list(selectors.applications_for_member(actor=me(chair), round=scene["round"])) == [app]
    blank = selectors.sheet_get(actor=me(chair), application=app, member=chair)
    assert blank.pk is None and blank.version == 1
    saved = svc.sheet_save(
        actor=me(chair),
        application=app,
        member=chair,
        answers=answers_for(scene["ruleset"], 70),
        expected_version=1,
    )
    assert selectors.sheet_get(actor=me(chair), application=app, member=chair) == saved
    assert selectors.sheets_for_member(actor=me(chair))[0].sheet == saved
    # Another member may not read the chair's sheet; the secretary (a council leader) may.
    outsider = actor_for(UserFactory())
    with pytest.raises(NotFound):
        selectors.sheet_get(actor=outsider, application=app, member=chair)
    assert selectors.sheet_get(actor=me(seats["secretary"]), application=app, member=chair)


def test_summary_shows_recused_members_as_none(scene):
    seats = scene["seats"]
    for key, target in (("chair", 71), ("secretary", 68)):
        sheet = svc.sheet_save(
            actor=me(seats[key]),
            application=scene["app"],
            member=seats[key],
            answers=answers_for(scene["ruleset"], target),
            expected_version=1,
        )
        svc.sheet_submit(actor=me(seats[key]), sheet=sheet)
    summary = selectors.council_summary(actor=scene["officer"], round=scene["round"])
    assert [m.role for m in summary.members] == [
        CouncilRole.CHAIR,
        CouncilRole.SECRETARY,
        CouncilRole.MEMBER,
    ]
    (row,) = summary.rows
    assert row.totals == [Decimal(71), Decimal(68), None]
    assert row.recused == [False, False, True]
    assert row.mean == Decimal("69.5") and row.stars == 3
    assert row.divergent == frozenset()
    with pytest.raises(NotFound):
        selectors.council_summary(actor=me(seats["m1"]), round=scene["round"])


# --- constant queries ----------------------------------------------------------------------------
def _round_with(n_apps, n_members, commune, ruleset):
    rnd = f.RoundFactory(province=commune.province, divergence_threshold=Decimal(10))
    council = Council.objects.create(round=rnd, name="Hội đồng")
    seats = [
        CouncilMember.objects.create(
            council=council,
            user=UserFactory(),
            role=CouncilRole.CHAIR if i == 0 else CouncilRole.MEMBER,
            valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2025, 12, 31),
        )
        for i in range(n_members)
    ]
    producer = ProducerFactory(commune=commune)
    product_set = f.product_set(f.TWO_TIER_SET)
    apps = Application.objects.bulk_create(
        [
            Application(
                round=rnd,
                product=ProductFactory(producer=producer, product_set=product_set),
                producer=producer,
                province=commune.province,
                commune=commune,
                kind="first",
                ruleset=ruleset,
                status=ApplicationStatus.SCHEDULED,
            )
            for _ in range(n_apps)
        ]
    )
    ScoreSheet.objects.bulk_create(
        [
            ScoreSheet(
                application=app,
                member=seat,
                status=SheetStatus.SUBMITTED,
                total=Decimal(55 + (i * 7 + j * 3) % 30),
            )
            for i, app in enumerate(apps)
            for j, seat in enumerate(seats)
        ]
    )
    ConflictDeclaration.objects.create(
        member=seats[1], application=apps[0], has_conflict=True, declared_at=f.clock.now()
    )
    return rnd


def test_council_summary_queries_do_not_grow(commune, two_tier_ruleset, django_assert_num_queries):
    officer = actor_for(user_with_role(Role.PROVINCE_OFFICER, province=commune.province))
    small = _round_with(2, 9, commune, two_tier_ruleset)
    with CaptureQueriesContext(connection) as small_queries:
        summary = selectors.council_summary(actor=officer, round=small)
    assert len(summary.rows) == 2 and summary.rows[0].totals[1] is None
    big = _round_with(200, 9, commune, two_tier_ruleset)
    with django_assert_num_queries(len(small_queries)):
        summary = selectors.council_summary(actor=officer, round=big)
        assert len(summary.rows) == 200
        assert all(len(r.totals) == 9 for r in summary.rows)
        assert all(r.stars is not None for r in summary.rows)
