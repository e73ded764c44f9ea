"""Domain methods of a loaded rule set, the README scoring cases, and immutability."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, InternalError, OperationalError, transaction
from hypothesis import given
from hypothesis import strategies as st

from ocop.criteria.errors import RuleParameterMissing, ScoreOutOfRange
from ocop.criteria.models import ImmutableRow, Option, RuleSet, StarBand
from ocop.criteria.tests import factories as f

DB_REFUSALS = (IntegrityError, InternalError, OperationalError)


def _sheet_total(ruleset, pick):
    """A member's total when picking `pick(options)` on every criterion, per part and overall."""
    by_part = {}
    for criterion in ruleset.criteria.select_related("part").prefetch_related("options"):
        points = pick([o.points for o in criterion.options.all()])
        by_part[criterion.part.code] = by_part.get(criterion.part.code, Decimal(0)) + points
    return by_part, sum(by_part.values(), Decimal(0))


def test_the_loaded_sheet_keeps_31_criteria_113_options_and_the_unverified_status(qd1048):
    assert qd1048.criteria.count() == 31
    assert qd1048.options.count() == 113
    assert qd1048.status == "unverified_transcription"
    assert qd1048.needs_unverified_banner
    assert qd1048.is_scorable


def test_all_top_options_give_100_and_five_stars(qd1048):
    parts, total = _sheet_total(qd1048, max)

    assert parts == {"A": 35, "B": 25, "C": 40}
    assert total == 100
    assert qd1048.star_for(total).stars == 5


def test_all_lowest_options_give_7_a4_b2_c1_and_one_star(qd1048):
    parts, total = _sheet_total(qd1048, min)

    assert parts == {"A": 4, "B": 2, "C": 1}
    assert total == 7
    assert qd1048.star_for(total).stars == 1


@pytest.mark.parametrize(
    ("score", "stars"),
    [
        ("29.99", 1),
        ("30", 2),
        ("49.99", 2),
        ("50", 3),
        ("69.5", 3),
        ("69.99", 3),
        ("70", 4),
        ("89.99", 4),
        ("90", 5),
        ("100", 5),
    ],
)
def test_band_edges_are_half_open(qd1048, score, stars):
    assert qd1048.star_for(Decimal(score)).stars == stars


@pytest.mark.parametrize("score", ["90", "100"])
def test_ninety_and_above_is_proposed_to_the_ministry(qd1048, score):
    band = qd1048.star_for(Decimal(score))

    assert band.national_level
    assert Decimal(score) >= qd1048.national_threshold


def test_the_mean_of_members_is_banded_without_rounding_up(qd1048):
    mean = (Decimal(71) + Decimal(68) + Decimal(70)) / 3

    assert round(mean, 2) == Decimal("69.67")
    assert qd1048.star_for(mean).stars == 3


@pytest.mark.parametrize("score", ["-0.01", "100.01"])
def test_scores_outside_the_scale_are_refused(qd1048, score):
    with pytest.raises(ScoreOutOfRange):
        qd1048.star_for(Decimal(score))


def test_every_score_from_0_to_100_maps_to_exactly_one_band(qd1048):
    ruleset = RuleSet.objects.prefetch_related("star_bands").get(pk=qd1048.pk)
    bands = list(ruleset.star_bands.all())

    @given(score=st.decimals(min_value=0, max_value=100, places=4))
    def check(score):
        matches = [b for b in bands if b.contains(score)]
        assert len(matches) == 1
        assert ruleset.star_for(score) == matches[0]

    check()


def test_each_band_boundary_belongs_to_the_upper_band(qd1048):
    ruleset = RuleSet.objects.prefetch_related("star_bands").get(pk=qd1048.pk)
    bands = sorted(ruleset.star_bands.all(), key=lambda b: b.min_inclusive)

    for lower, upper in zip(bands, bands[1:], strict=False):
        assert ruleset.star_for(upper.min_inclusive) == upper
        assert ruleset.star_for(upper.min_inclusive - Decimal("0.0001")) == lower


def test_process_parameters_are_read_from_the_data(qd1048, skeleton):
    assert qd1048.certifiable_min_stars == 3
    assert qd1048.validity_months == 36
    assert qd1048.expiry_notice_days is None
    assert skeleton.expiry_notice_days == 30
    assert qd1048.national_threshold == 90
    assert qd1048.score_decimals == 2
    assert qd1048.divergence_rule is None
    assert [qd1048.is_certifiable(s) for s in range(1, 6)] == [False, False, True, True, True]


def test_a_missing_required_parameter_is_a_clear_error(qd1048):
    ruleset = RuleSet(code="X", recognition={})

    with pytest.raises(RuleParameterMissing):
        _ = ruleset.validity_months


def test_part_maxima_follow_each_version(qd1048, skeleton):
    assert qd1048.part_maxima() == {"A": 35, "B": 25, "C": 40}
    assert skeleton.part_maxima() == {"A": 40, "B": 25, "C": 35}


def test_a_real_historic_result_is_valid_under_its_own_version(qd1048):
    totals = {"A": Decimal("31.00"), "B": Decimal("24.00"), "C": Decimal("38.00")}

    assert qd1048.part_total_problems(totals) == []
    total = sum(totals.values())
    assert total == Decimal("93.00")
    assert qd1048.star_for(total).national_level


def test_the_same_totals_under_the_wrong_version_are_refused(skeleton):
    totals = {"A": Decimal(31), "B": Decimal(24), "C": Decimal(38)}

    [problem] = skeleton.part_total_problems(totals)
    assert problem.loc == "C"
    assert (problem.computed, problem.declared) == (38, 35)
    assert "38" in problem.message and "35" in problem.message


def test_scorable_follows_the_status_policy(shipped, settings):
    assert shipped["qd1048"].is_scorable
    assert not shipped["skeleton"].is_scorable
    assert shipped["skeleton"].allows_part_total_import
    assert not shipped["fragment"].is_scorable
    assert not shipped["fragment"].allows_part_total_import
    demo = RuleSet(status="demonstration")
    settings.DEMO_MODE = False
    assert not demo.is_scorable
    settings.DEMO_MODE = True
    assert demo.is_scorable
    assert RuleSet(status="verified_official").is_scorable
    assert not RuleSet(status="verified_official").needs_unverified_banner


def test_loaded_rows_refuse_saving_again(qd1048):
    option = Option.objects.filter(ruleset=qd1048).first()
    option.points = Decimal(99)

    with pytest.raises(ImmutableRow):
        option.save()
    qd1048.title_vi = "Đổi tên"
    with pytest.raises(ImmutableRow):
        qd1048.save()


def test_the_database_refuses_updates_that_bypass_the_models(qd1048):
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        Option.objects.filter(ruleset=qd1048).update(points=Decimal(9))
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        StarBand.objects.filter(ruleset=qd1048).update(min_inclusive=Decimal(1))
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        RuleSet.objects.filter(pk=qd1048.pk).update(content_hash="0" * 64)
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        RuleSet.objects.filter(pk=qd1048.pk).update(status="skeleton")

    assert Option.objects.filter(ruleset=qd1048, points=9).count() == 0


def test_the_database_lets_only_the_confirmation_change_the_status(qd1048):
    RuleSet.objects.filter(pk=qd1048.pk).update(
        status="verified_official", confirmation_note="đối chiếu"
    )

    assert RuleSet.objects.get(pk=qd1048.pk).status == "verified_official"


def test_a_criterion_without_a_zero_option_is_flagged(qd1048):
    no_zero = sorted(c.code for c in qd1048.criteria.all() if not c.has_zero_option)

    assert no_zero == ["A1.1", "A1.3", "A1.5", "A3.1", "B1.1", "B2.3", "C6.1"]


def test_the_skeleton_keeps_topics_without_inventing_criteria(skeleton):
    assert skeleton.criteria.count() == 0
    a1 = skeleton.sections.get(code="A1")
    assert a1.max_points is None and a1.max_points_unknown
    assert "value added" in a1.topics_no_points
    assert skeleton.product_sets.count() == 26
    assert skeleton.applies_to_all


def test_the_raw_source_and_its_hashes_are_kept(qd1048):
    assert qd1048.source_text == f.QD1048.read_text(encoding="utf-8")
    assert len(qd1048.content_hash) == 64
    assert qd1048.source_format == "yaml"
    assert qd1048.instrument == "Quyết định 1048/QĐ-TTg"
