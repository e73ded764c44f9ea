"""Results: producer feedback, round summary, council minutes PDF, recognition decisions."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import factory
import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import UserFactory, actor_for, user_with_role
from ocop.core.audit import history
from ocop.core.errors import PermissionDenied
from ocop.criteria.models import Option
from ocop.evaluation import results
from ocop.evaluation.constants import CouncilRole, Level, Outcome, SheetStatus
from ocop.evaluation.models import Council, CouncilMember, ScoreAnswer, ScoreSheet
from ocop.evaluation.pdf import council_minutes_pdf
from ocop.evaluation.tests import factories as f
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    round = factory.SubFactory(f.RoundFactory)
    name = "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh"
    establishing_decision = "123/QĐ-UBND"
    established_on = dt.date(2025, 9, 1)


class CouncilMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilMember

    council = factory.SubFactory(CouncilFactory)
    user = factory.SubFactory(UserFactory)
    role = CouncilRole.MEMBER
    organisation = "Sở Nông nghiệp và Môi trường"
    valid_from = dt.date(2025, 9, 1)
    valid_to = dt.date(2025, 12, 31)


class ScoreSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoreSheet

    application = factory.SubFactory(f.ApplicationFactory)
    member = factory.SubFactory(CouncilMemberFactory)
    status = SheetStatus.SUBMITTED


def answer_sheet(sheet, ruleset, points: dict[str, int]) -> None:
    """Choose, for each criterion code, the option worth `points`; set the sheet's totals."""
    parts: dict[str, Decimal] = {}
    for code, value in points.items():
        option = Option.objects.select_related("criterion__part").get(
            ruleset=ruleset, criterion__code=code, points=value
        )
        ScoreAnswer.objects.create(
            sheet=sheet, criterion=option.criterion, option=option, points=option.points
        )
        part = option.criterion.part.code
        parts[part] = parts.get(part, Decimal(0)) + option.points
    sheet.total = sum(parts.values(), Decimal(0))
    sheet.part_totals = {k: str(v) for k, v in parts.items()}
    sheet.save()


SHEETS = [
    {"A1.1": 10, "A1.2": 5, "A2.1": 15, "B1.1": 0, "C1.1": 40},  # 70
    {"A1.1": 10, "A1.2": 10, "A2.1": 15, "B1.1": 25, "C1.1": 0},  # 60
    {"A1.1": 0, "A1.2": 5, "A2.1": 1, "B1.1": 25, "C1.1": 40},  # 71
]


@pytest.fixture
def scored(two_tier_round, product, two_tier_ruleset):
    council = CouncilFactory(round=two_tier_round)
    app = f.ApplicationFactory(
        round=two_tier_round,
        product=product,
        ruleset=two_tier_ruleset,
        score=Decimal("67"),
        stars=3,
        outcome=Outcome.RECOGNISED,
    )
    for points in SHEETS:
        member = CouncilMemberFactory(council=council, role=CouncilRole.MEMBER)
        answer_sheet(ScoreSheetFactory(application=app, member=member), two_tier_ruleset, points)
    # A draft sheet never counts.
    draft = ScoreSheetFactory(
        application=app, member=CouncilMemberFactory(council=council), status=SheetStatus.DRAFT
    )
    answer_sheet(draft, two_tier_ruleset, {"A1.1": 0, "A1.2": 0, "A2.1": 1, "B1.1": 0, "C1.1": 0})
    return app


# --- feedback --------------------------------------------------------------------------------
def test_feedback_means_per_criterion_section_and_part(scored):
    fb = results.application_feedback(scored)
    assert fb.sheet_count == 3
    points = {c.code: c.points for c in fb.criteria}
    assert points == {
        "A1.1": Decimal("6.67"),
        "A1.2": Decimal("6.67"),
        "A2.1": Decimal("10.33"),
        "B1.1": Decimal("16.67"),
        "C1.1": Decimal("26.67"),
    }
    parts = {p.code: p for p in fb.parts}
    assert [p.code for p in fb.parts] == ["A", "B", "C"]
    assert parts["A"].max_points == 35 and parts["A"].points == Decimal("23.67")
    assert parts["C"].max_points == 40 and parts["C"].missing == Decimal("13.33")
    assert parts["B"].sheet_mean == Decimal("16.67")
    a1 = parts["A"].sections[0]
    assert (a1.code, a1.max_points, a1.points) == ("A1", 20, Decimal("13.34"))
    assert fb.total == Decimal("67.00") and fb.stars == 3 and fb.scale_total == 100
    assert fb.unverified  # the synthetic sheet is an unverified transcription


def test_feedback_gaps_are_sorted_by_points_missing(scored):
    fb = results.application_feedback(scored)
    assert [(c.code, c.missing) for c in fb.gaps] == [
        ("C1.1", Decimal("13.33")),
        ("B1.1", Decimal("8.33")),
        ("A2.1", Decimal("4.67")),
        ("A1.1", Decimal("3.33")),
        ("A1.2", Decimal("3.33")),
    ]


def test_feedback_without_sheets_is_empty_but_lists_the_sheet(two_tier_ruleset, product):
    app = f.ApplicationFactory(product=product, ruleset=two_tier_ruleset)
    fb = results.application_feedback(app)
    assert fb.sheet_count == 0 and fb.total is None
    assert len(fb.criteria) == 5 and all(c.points == 0 for c in fb.criteria)
    assert fb.gaps[0].code == "C1.1"


def test_feedback_runs_a_constant_number_of_queries(scored, django_assert_max_num_queries):
    # sheets, answers, parts, sections, criteria — whatever the number of criteria and sheets
    with django_assert_max_num_queries(5):
        results.application_feedback(scored)


# --- round summary ---------------------------------------------------------------------------
def test_round_summary_reproduces_the_published_counts(two_tier_round):
    def apps(n, **kw):
        f.ApplicationFactory.create_batch(n, round=two_tier_round, **kw)

    apps(56, score=Decimal("60"), stars=3, outcome=Outcome.RECOGNISED)
    apps(1, score=Decimal("75"), stars=4, outcome=Outcome.RECOGNISED)
    apps(7, score=Decimal("40"), stars=2, outcome=Outcome.NOT_RECOGNISED)
    apps(2)  # registered, never scored
    summary = results.round_summary(two_tier_round)
    assert summary.evaluated == 64
    assert summary.recognised == 57
    assert summary.recognised_by_stars == {3: 56, 4: 1}
    assert summary.not_recognised == 7 and summary.proposed_national == 0
    assert summary.describe() == "64 evaluated, 57 recognised: 56×3★, 1×4★"


# --- minutes PDF -----------------------------------------------------------------------------
needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext") or not shutil.which("pdffonts"), reason="poppler-utils missing"
)


@pytest.fixture
def minutes_round(two_tier_round, two_tier_ruleset, commune):
    two_tier_round.meeting_date = dt.date(2025, 10, 20)
    two_tier_round.save()
    council = CouncilFactory(round=two_tier_round, name="Hội đồng OCOP tỉnh Thử Nghiệm")
    chair = CouncilMemberFactory(
        council=council, role=CouncilRole.CHAIR, user=UserFactory(full_name="Trần Văn Chủ")
    )
    secretary = CouncilMemberFactory(
        council=council, role=CouncilRole.SECRETARY, user=UserFactory(full_name="Lê Thị Thư")
    )
    member = CouncilMemberFactory(council=council, user=UserFactory(full_name="Phạm Đức Mạnh"))
    producer = ProducerFactory(commune=commune, name="Hợp tác xã Nông nghiệp Đồng Tiến")
    product = ProductFactory(producer=producer, name="Mật ong hoa nhãn Hưng Yên")
    app = f.ApplicationFactory(
        round=two_tier_round,
        product=product,
        ruleset=two_tier_ruleset,
        score=Decimal("209") / 3,
        stars=3,
        outcome=Outcome.RECOGNISED,
    )
    for m, total in ((chair, "70"), (secretary, "69"), (member, "70")):
        ScoreSheetFactory(application=app, member=m, total=Decimal(total))
    return two_tier_round


@needs_poppler
def test_minutes_pdf_carries_vietnamese_text_and_embeds_the_font(minutes_round, tmp_path):
    data = council_minutes_pdf(minutes_round)
    assert data.startswith(b"%PDF")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "Biên bản",
        "Mật ong hoa nhãn Hưng Yên",
        "Hợp tác xã Nông nghiệp Đồng Tiến",
        "Hội đồng OCOP tỉnh Thử Nghiệm",
        "20/10/2025",
        "69,67",
        "69,00",
        "70,00",
        "3★",
        "Đạt, đề nghị công nhận",
        "CHỦ TỊCH HỘI ĐỒNG",
        "THƯ KÝ HỘI ĐỒNG",
        "Trần Văn Chủ",
        "Lê Thị Thư",
        "Phạm Đức Mạnh",
        # members numbered chair first, secretary last
        "TV 1: Trần Văn Chủ; TV 2: Phạm Đức Mạnh; TV 3: Lê Thị Thư",
        # the synthetic sheet is an unverified transcription: the minutes say so
        "chưa được đối chiếu với văn bản chính thức",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Trang 1",
    ):
        assert expected in text, expected
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in fonts.splitlines() if "DejaVuSans" in line]
    assert rows, fonts
    # columns: name type encoding emb sub uni object ID — emb is "yes" for every DejaVu font
    assert all("yes" in row[-5:-2] for row in rows), fonts
    assert any("Bold" in row[0] for row in rows)


def test_minutes_pdf_reads_a_constant_number_of_queries(
    minutes_round, django_assert_max_num_queries
):
    # council, members, applications, sheets — whatever the number of applications
    with django_assert_max_num_queries(4):
        council_minutes_pdf(minutes_round)


def test_minutes_pdf_of_a_round_without_council_still_renders(two_tier_round):
    assert council_minutes_pdf(two_tier_round).startswith(b"%PDF")


# --- decisions -------------------------------------------------------------------------------
@pytest.fixture
def officer(province):
    return actor_for(user_with_role(Role.PROVINCE_OFFICER, province=province))


@pytest.fixture
def decided_apps(two_tier_round, commune):
    return [
        f.ApplicationFactory(
            round=two_tier_round,
            product=ProductFactory(producer=ProducerFactory(commune=commune)),
            score=Decimal("60"),
            stars=3,
            outcome=o,
            status=o,
        )
        for o in (Outcome.RECOGNISED, Outcome.PROPOSED_NATIONAL)
    ]


def record(actor, round, apps, number="45/QĐ-UBND"):
    return results.decision_record(
        actor=actor,
        round=round,
        number=number,
        signed_on=dt.date(2025, 11, 1),
        signer="Chủ tịch UBND tỉnh",
        issuer="Ủy ban nhân dân tỉnh",
        level=Level.PROVINCE,
        applications=apps,
    )


def test_decision_record_links_applications_and_is_audited(officer, two_tier_round, decided_apps):
    decision = record(officer, two_tier_round, decided_apps)
    for app in decided_apps:
        app.refresh_from_db()
        assert app.decision == decision
    assert decision.published_at is None
    assert [e.action for e in history(decision)] == ["evaluation.decision.record"]


def test_decision_number_is_unique_per_round(officer, two_tier_round, decided_apps):
    record(officer, two_tier_round, decided_apps[:1])
    with pytest.raises(results.DecisionNumberTaken) as exc:
        record(officer, two_tier_round, decided_apps[1:])
    assert exc.value.status == 409
    decided_apps[1].refresh_from_db()
    assert decided_apps[1].decision is None
    # Another round may reuse the number.
    other_round = f.RoundFactory(province=two_tier_round.province)
    other = f.ApplicationFactory(round=other_round, outcome=Outcome.RECOGNISED)
    assert record(officer, other_round, [other]).number == "45/QĐ-UBND"


@pytest.mark.parametrize("outcome", ["", Outcome.NOT_RECOGNISED, Outcome.FORWARDED])
def test_decision_refuses_applications_not_recommended(officer, two_tier_round, outcome):
    good = f.ApplicationFactory(round=two_tier_round, outcome=Outcome.RECOGNISED)
    bad = f.ApplicationFactory(round=two_tier_round, outcome=outcome)
    with pytest.raises(results.DecisionInvalid) as exc:
        record(officer, two_tier_round, [good, bad])
    assert exc.value.status == 422
    assert exc.value.errors[0]["loc"] == ["applications"]
    assert not two_tier_round.decisions.exists()
    good.refresh_from_db()
    assert good.decision is None


def test_decision_refuses_applications_of_another_round(officer, two_tier_round):
    stray = f.ApplicationFactory(outcome=Outcome.RECOGNISED)
    with pytest.raises(results.DecisionInvalid):
        record(officer, two_tier_round, [stray])


def test_decision_refuses_an_empty_list_and_blank_number(officer, two_tier_round):
    with pytest.raises(results.DecisionInvalid) as exc:
        record(officer, two_tier_round, [], number="  ")
    assert {e["loc"][0] for e in exc.value.errors} == {"number", "applications"}


def test_decision_refuses_an_unknown_level_and_a_missing_date(
    officer, two_tier_round, decided_apps
):
    with pytest.raises(results.DecisionInvalid) as exc:
        results.decision_record(
            actor=officer,
            round=two_tier_round,
            number="1/QĐ",
            signed_on=None,
            signer="Chủ tịch",
            issuer="UBND tỉnh",
            level="galaxy",
            applications=decided_apps,
        )
    assert {e["loc"][0] for e in exc.value.errors} == {"level", "signed_on"}


@pytest.mark.parametrize(
    "role", ["other_province_officer", "commune_officer", "inspector", "producer"]
)
def test_only_the_rounds_province_officer_records_decisions(
    actors, role, two_tier_round, decided_apps
):
    with pytest.raises(PermissionDenied):
        record(actors[role], two_tier_round, decided_apps)
    assert not two_tier_round.decisions.exists()


def test_decision_publish_once(officer, two_tier_round, decided_apps, actors):
    decision = record(officer, two_tier_round, decided_apps)
    with pytest.raises(PermissionDenied):
        results.decision_publish(actor=actors["other_province_officer"], decision=decision)
    published = results.decision_publish(actor=officer, decision=decision)
    assert published.published_at is not None
    first = published.published_at
    with pytest.raises(results.DecisionAlreadyPublished) as exc:
        results.decision_publish(actor=officer, decision=decision)
    assert exc.value.status == 409
    decision.refresh_from_db()
    assert decision.published_at == first
    assert sorted(e.action for e in history(decision)) == [
        "evaluation.decision.publish",
        "evaluation.decision.record",
    ]


def _big_parts() -> list[dict]:
    """A/B/C (35/25/40) split into 5-point criteria: 20 criteria instead of 5."""

    def part(code: str, count: int) -> dict:
        return {
            "code": code,
            "name_vi": f"Phần {code}",
            "max_points": 5 * count,
            "sections": [
                {
                    "code": f"{code}1",
                    "name_vi": f"Nhóm {code}1",
                    "criteria": [
                        {
                            "code": f"{code}1.{i}",
                            "name_vi": f"Tiêu chí {code}1.{i}",
                            "mandatory": "unknown",
                            "options": [
                                {"code": f"{code}1.{i}.a", "points": 0, "label_vi": "Mức 0"},
                                {"code": f"{code}1.{i}.b", "points": 5, "label_vi": "Mức 5"},
                            ],
                        }
                        for i in range(1, count + 1)
                    ],
                }
            ],
        }

    return [part("A", 7), part("B", 5), part("C", 8)]


def test_feedback_query_count_does_not_grow_with_criteria(
    two_tier_round, django_assert_max_num_queries
):
    ruleset = f.two_tier_ruleset(id="TEST.evaluation.big", parts=_big_parts())
    app = f.ApplicationFactory(round=two_tier_round, ruleset=ruleset)
    council = CouncilFactory(round=two_tier_round)
    codes = [f"{p}1.{i}" for p, n in (("A", 7), ("B", 5), ("C", 8)) for i in range(1, n + 1)]
    for k in range(4):
        sheet = ScoreSheetFactory(application=app, member=CouncilMemberFactory(council=council))
        answer_sheet(sheet, ruleset, {c: 5 if (j + k) % 2 else 0 for j, c in enumerate(codes)})
    with django_assert_max_num_queries(5):
        fb = results.application_feedback(app)
    assert len(fb.criteria) == 20 and fb.sheet_count == 4
    assert all(c.points == Decimal("2.50") for c in fb.criteria)
