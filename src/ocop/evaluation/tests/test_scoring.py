"""Aggregation properties: mean of totals, half-open bands, divergence (pure functions)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ocop.criteria.models import StarBand
from ocop.evaluation import scoring

totals = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
EDGES = [Decimal(0), Decimal(30), Decimal(50), Decimal(70), Decimal(90)]


def bands():
    out = []
    for stars, low in enumerate(EDGES, start=1):
        high = EDGES[stars] if stars < len(EDGES) else None
        out.append(
            StarBand(
                stars=stars,
                min_inclusive=low,
                max_exclusive=high,
                max_inclusive=None if high is not None else Decimal(100),
            )
        )
    return out


@given(st.lists(totals, min_size=1, max_size=12))
def test_mean_lies_within_the_members_range(values):
    mean = scoring.mean_total(values)
    assert min(values) <= mean <= max(values)


@given(st.lists(totals, min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_mean_does_not_depend_on_order(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert scoring.mean_total(shuffled) == scoring.mean_total(values)


def test_mean_is_not_rounded():
    assert scoring.mean_total([Decimal("69.99"), Decimal("70.00")]) == Decimal("69.995")
    assert scoring.mean_total(["70", "70", "69"]) < Decimal("69.67")


def test_mean_of_nothing_is_an_error():
    try:
        scoring.mean_total([])
    except ValueError:
        return
    raise AssertionError("expected ValueError")


@given(totals)
def test_every_score_falls_in_exactly_one_band(score):
    table = bands()
    matching = [b for b in table if b.contains(score)]
    assert len(matching) == 1
    assert scoring.band_for(table, score) is matching[0]


@given(st.sampled_from(EDGES[1:]), st.decimals(min_value="0.000001", max_value=1, places=6))
def test_band_edges_are_half_open(edge, below):
    at_edge = scoring.band_for(bands(), edge)
    just_below = scoring.band_for(bands(), edge - below)
    assert at_edge.min_inclusive == edge
    assert just_below.stars == at_edge.stars - 1


def test_top_band_is_closed_and_nothing_above():
    assert scoring.band_for(bands(), Decimal(100)).stars == 5
    assert scoring.band_for(bands(), Decimal("100.01")) is None
    assert scoring.band_for(bands(), Decimal("69.995")).stars == 3


@given(st.dictionaries(st.integers(0, 20), totals, min_size=2, max_size=8), totals)
def test_divergence_flags_exactly_the_members_far_from_the_others(sheet, threshold):
    flagged = scoring.divergent_members(sheet, threshold)
    for member, value in sheet.items():
        others = [v for k, v in sheet.items() if k != member]
        distance = abs(value * len(others) - sum(others)) / len(others)
        assert (member in flagged) == (distance > threshold)


@given(st.dictionaries(st.integers(0, 20), totals, min_size=1, max_size=8))
def test_divergence_is_order_independent_and_needs_two_members(sheet):
    reversed_sheet = dict(reversed(list(sheet.items())))
    assert scoring.divergent_members(sheet, 10) == scoring.divergent_members(reversed_sheet, 10)
    if len(sheet) == 1:
        assert scoring.divergent_members(sheet, 0) == set()


def test_divergence_threshold_is_exclusive():
    sheet = {"a": Decimal(60), "b": Decimal(70)}
    assert scoring.divergent_members(sheet, 10) == set()
    assert scoring.divergent_members(sheet, Decimal("9.99")) == {"a", "b"}
    three = {"a": Decimal(50), "b": Decimal(70), "c": Decimal(70)}
    assert scoring.divergent_members(three, 15) == {"a"}


@given(st.lists(totals, min_size=1, max_size=12))
def test_stored_mean_publishes_like_the_exact_mean(values):
    """Stored = the mean truncated to 4 decimals; published = half-up to 2 decimals. Publishing
    the stored value equals publishing the exact mean, and it stays in the exact mean's band."""
    from decimal import ROUND_DOWN, ROUND_HALF_UP

    from ocop.evaluation.services import STORED_MEAN

    exact = scoring.mean_total(values)
    stored = exact.quantize(STORED_MEAN, rounding=ROUND_DOWN)
    assert scoring.display(stored) == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert scoring.band_for(bands(), stored).stars == scoring.band_for(bands(), exact).stars


def test_published_example_69_67():
    mean = scoring.mean_total([Decimal(71), Decimal(68), Decimal(70)])
    assert str(scoring.display(mean)) == "69.67"


class _Sheet:
    score_decimals = 1


def test_display_follows_the_rule_set_decimals():
    assert str(scoring.display(Decimal("69.6666"), _Sheet())) == "69.7"
    assert str(scoring.display(Decimal("69.6666"), None)) == "69.67"
