"""The validator on its own (no database): every README rule, with location and both sums."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.criteria import loader
from ocop.criteria.errors import UploadUnreadable
from ocop.criteria.loader import ActiveRange
from ocop.criteria.models import StarBand
from ocop.criteria.parse import parse_document
from ocop.criteria.spec import content_hash
from ocop.criteria.tests import factories as f

TAXONOMY = loader.taxonomy_from_file()


def check(doc, existing=()):
    return loader.check_document(doc, taxonomy=TAXONOMY, existing=existing)


def codes(report):
    return [p.code for p in report.problems]


def by_code(report, code):
    return [p for p in report.problems if p.code == code]


def test_the_invalid_fixture_is_refused_naming_part_a_36_vs_35_and_total_101_vs_100():
    report = check(f.read(f.INVALID_FIXTURE))

    assert not report.valid
    [part] = by_code(report, "part_sum")
    assert part.loc == "parts[A]"
    assert (part.computed, part.declared) == (Decimal(36), Decimal(35))
    assert "36" in part.message and "35" in part.message
    [total] = by_code(report, "total_sum")
    assert (total.computed, total.declared) == (Decimal(101), Decimal(100))
    assert "101" in total.message and "100" in total.message


def test_the_qd1048_fresh_produce_sheet_is_valid_with_31_criteria_and_113_options():
    report = check(f.read(f.QD1048))

    assert report.valid, report.problems
    assert report.spec.status == "unverified_transcription"
    assert len(report.spec.criteria) == 31
    assert len(report.spec.options) == 113
    assert {p.code: p.computed_max for p in report.spec.parts} == {
        "A": Decimal(35),
        "B": Decimal(25),
        "C": Decimal(40),
    }


@pytest.mark.parametrize("path", [f.SKELETON, f.FRAGMENT])
def test_the_skeleton_and_the_fragment_are_valid_as_partial_sheets(path):
    report = check(f.read(path))

    assert report.valid, report.problems


def test_a_valid_document_reports_no_problem():
    assert check(f.document()).valid


def test_parts_must_be_exactly_a_b_c():
    doc = f.document()
    doc["parts"][2]["code"] = "D"

    assert "parts_codes" in codes(check(doc))


def test_declared_part_maxima_must_add_up_to_the_scale_total():
    doc = f.document()
    doc["scale"]["total_max"] = 90

    [problem] = by_code(check(doc), "parts_declared_total")
    assert (problem.declared, problem.computed) == (Decimal(90), Decimal(100))


def test_a_criterion_needs_two_options_with_unique_codes():
    doc = f.document()
    criterion = doc["parts"][1]["sections"][0]["criteria"][0]
    criterion["options"] = criterion["options"][:1]
    doc["parts"][2]["sections"][0]["criteria"][0]["options"][1]["code"] = "C1.1.a"

    report = check(doc)

    assert by_code(report, "criterion_options")[0].loc.endswith("criteria[B1.1]")
    assert by_code(report, "duplicate_option")[0].loc == "C1.1.a"


def test_a_declared_criterion_maximum_must_equal_its_highest_option():
    doc = f.document()
    doc["parts"][1]["sections"][0]["criteria"][0]["max_points"] = 20

    [problem] = by_code(check(doc), "criterion_max")
    assert (problem.declared, problem.computed) == (Decimal(20), Decimal(25))


def test_a_numeric_section_maximum_must_equal_its_criteria():
    doc = f.document()
    doc["parts"][0]["sections"][0]["max_points"] = 18

    [problem] = by_code(check(doc), "section_sum")
    assert problem.loc == "parts[A].sections[A1]"
    assert (problem.declared, problem.computed) == (Decimal(18), Decimal(20))


def test_an_incomplete_section_is_exempt_from_equality_but_not_from_exceeding():
    doc = f.document()
    section = doc["parts"][0]["sections"][0]
    section["complete"] = False
    section["max_points"] = 25
    assert not by_code(check(doc), "section_sum")

    section["max_points"] = 15
    assert by_code(check(doc), "section_sum")


def test_part_sums_are_checked_for_full_sheets_but_not_skeletons():
    doc = f.document()
    doc["parts"][2]["sections"][0]["criteria"][0]["options"][1]["points"] = 30

    [problem] = by_code(check(doc), "part_sum")
    assert (problem.declared, problem.computed) == (Decimal(40), Decimal(30))

    doc["verification"]["status"] = "skeleton"
    assert not by_code(check(doc), "part_sum")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda b: b[0].update(min_inclusive=1), "0"),
        (lambda b: b[1].update(max_exclusive=45), "45"),
        (lambda b: b[4].update(max_inclusive=99), "100"),
        (lambda b: b[2].update(max_inclusive=70, max_exclusive=None), "cao nhất"),
        (lambda b: b[3].update(national_level=True), "quốc gia"),
    ],
)
def test_star_bands_must_be_contiguous_half_open_from_0_to_100(change, fragment):
    doc = f.document()
    change(doc["star_bands"])
    if doc["star_bands"][2].get("max_exclusive") is None:
        doc["star_bands"][2].pop("max_exclusive")

    problems = by_code(check(doc), "bands")
    assert problems
    assert any(fragment in p.message for p in problems)


def test_a_band_with_two_upper_bounds_is_refused():
    doc = f.document()
    doc["star_bands"][0]["max_inclusive"] = 30

    assert "band_bound" in codes(check(doc))


def test_certifiable_flags_follow_the_minimum_certifiable_stars():
    doc = f.document()
    doc["star_bands"][1]["certifiable"] = True

    [problem] = by_code(check(doc), "bands_certifiable")
    assert problem.loc == "star_bands[2]"


def test_product_sets_must_exist_in_the_named_classification():
    doc = f.document()
    doc["applies_to"]["product_sets"] = ["QD148-01"]
    assert [p.code for p in by_code(check(doc), "product_set_unknown")] == ["product_set_unknown"]

    doc["applies_to"]["classification"] = "QD999"
    assert "classification_unknown" in codes(check(doc))


def _range(code, status, sets, start, end):
    import datetime as dt

    return ActiveRange(
        code=code,
        status=status,
        product_sets=frozenset(sets),
        effective_from=dt.date.fromisoformat(start),
        effective_to=dt.date.fromisoformat(end) if end else None,
    )


def test_overlapping_effective_ranges_for_a_product_set_are_refused():
    existing = [_range("OLD", "verified_official", ["QD1048-02"], "2020-01-01", None)]

    [problem] = by_code(check(f.document(), existing), "effective_overlap")
    assert "OLD" in problem.message


def test_ranges_that_only_touch_do_not_overlap():
    existing = [_range("OLD", "verified_official", ["QD1048-02"], "2017-01-01", "2019-08-20")]

    assert check(f.document(), existing).valid


def test_a_skeleton_may_cover_the_same_period_as_a_full_sheet():
    existing = [_range("FRAME", "skeleton", ["QD1048-02"], "2019-01-01", None)]

    assert check(f.document(), existing).valid


def test_a_fragment_never_takes_part_in_the_overlap_rule():
    doc = f.document()
    doc["verification"]["status"] = "fragment_unverified"
    existing = [_range("OLD", "unverified_transcription", ["QD1048-02"], "2019-01-01", None)]

    assert check(doc, existing).valid


def test_a_correction_may_overlap_the_rule_set_it_supersedes():
    existing = [_range("OLD", "unverified_transcription", ["QD1048-02"], "2019-01-01", None)]

    assert check(f.document(supersedes="OLD"), existing).valid
    assert "supersedes_unknown" in codes(check(f.document(supersedes="NOPE"), existing))


def test_a_test_fixture_status_is_never_loadable():
    doc = f.document()
    doc["verification"]["status"] = "test_fixture_invalid"

    assert "status_not_loadable" in codes(check(doc))


def test_shape_problems_are_listed_with_their_location_instead_of_crashing():
    doc = f.document()
    doc["parts"][0]["sections"][0]["criteria"][0]["options"][0]["points"] = "nhiều"
    doc["parts"][1]["sections"][0]["criteria"][0]["options"][0]["points"] = -1
    doc["effective_from"] = "31/02/2020"

    report = check(doc)

    assert not report.valid
    locs = {p.loc for p in report.problems}
    assert "parts[A].sections[A1].criteria[A1.1].options[A1.1.a].points" in locs
    assert "parts[B].sections[B1].criteria[B1.1].options[B1.1.a].points" in locs
    assert "effective_from" in locs


def test_a_document_that_is_not_a_mapping_is_a_problem_not_an_exception():
    assert not check(["not", "a", "rule set"]).valid


def test_yaml_aliases_are_refused():
    text = "a: &x [1, 2]\nb: *x\n"

    with pytest.raises(UploadUnreadable):
        loader.read_yaml(text)


def test_broken_yaml_is_refused_with_its_line():
    with pytest.raises(UploadUnreadable) as exc:
        loader.read_yaml("id: [unclosed\nschema: x\n")

    assert "dòng" in exc.value.detail


@pytest.mark.parametrize("path", [f.QD1048, f.SKELETON, f.FRAGMENT])
def test_yaml_written_back_from_a_rule_set_has_the_same_content_hash(path):
    spec, _ = parse_document(f.read(path))

    again, problems = parse_document(loader.read_yaml(loader.dump_yaml(spec)))

    assert problems == []
    assert content_hash(again) == content_hash(spec)


def test_the_content_hash_ignores_status_but_not_points():
    spec, _ = parse_document(f.document())
    doc = f.document()
    doc["verification"]["status"] = "verified_official"
    confirmed, _ = parse_document(doc)
    doc["parts"][2]["sections"][0]["criteria"][0]["options"][1]["points"] = 39
    changed, _ = parse_document(doc)

    assert content_hash(confirmed) == content_hash(spec)
    assert content_hash(changed) != content_hash(spec)


@st.composite
def band_sets(draw):
    """Any contiguous half-open band table over [0, 100] with 2–7 bands."""
    cuts = draw(
        st.lists(
            st.decimals(min_value="0.01", max_value="99.99", places=2),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    edges = [Decimal(0), *sorted(cuts), Decimal(100)]
    return [
        {
            "stars": i + 1,
            "min_inclusive": edges[i],
            **(
                {"max_inclusive": edges[i + 1]}
                if i == len(edges) - 2
                else {"max_exclusive": edges[i + 1]}
            ),
            "certifiable": i + 1 >= 3,
        }
        for i in range(len(edges) - 1)
    ]


@settings(max_examples=60, deadline=None)
@given(bands=band_sets(), score=st.decimals(min_value=0, max_value=100, places=3))
def test_any_valid_band_table_gives_every_score_exactly_one_band(bands, score):
    doc = f.document(star_bands=bands)
    report = check(doc)
    assert not by_code(report, "bands")

    rows = [StarBand(**{k: v for k, v in b.items() if k != "certifiable"}) for b in bands]
    matches = [b for b in rows if b.contains(score)]
    assert len(matches) == 1
    for lower, upper in zip(rows, rows[1:], strict=False):
        assert upper.contains(upper.min_inclusive) and not lower.contains(upper.min_inclusive)


@settings(max_examples=40, deadline=None)
@given(bands=band_sets(), drop=st.integers(min_value=0, max_value=6))
def test_removing_a_band_leaves_a_gap_or_a_wrong_end_that_is_reported(bands, drop):
    if len(bands) < 2:
        return
    del bands[drop % len(bands)]

    assert by_code(check(f.document(star_bands=bands)), "bands")
