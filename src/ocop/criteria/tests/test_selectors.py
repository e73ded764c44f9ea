"""Picking the rule set for a product set and a date; listing and reading rule sets."""

import datetime as dt

import pytest

from ocop.core.errors import NotFound, PermissionDenied
from ocop.criteria import selectors, services
from ocop.criteria.errors import NoRuleSet, RuleSetNotScorable
from ocop.criteria.tests import factories as f


def test_the_qd1048_sheet_is_picked_inside_its_range_inclusive(qd1048):
    for day in (dt.date(2019, 8, 21), dt.date(2021, 11, 22), dt.date(2023, 2, 23)):
        assert selectors.ruleset_for(product_set="QD1048-01", on=day) == qd1048


def test_no_rule_set_after_the_end_or_for_another_product_set(qd1048):
    with pytest.raises(NoRuleSet) as exc:
        selectors.ruleset_for(product_set="QD1048-01", on=dt.date(2023, 2, 24))
    assert "QD1048-01" in exc.value.detail and "24/02/2023" in exc.value.detail
    with pytest.raises(NoRuleSet):
        selectors.ruleset_for(product_set="QD1048-05", on=dt.date(2020, 1, 1))
    with pytest.raises(NoRuleSet):
        selectors.ruleset_for(product_set="NO-SUCH-SET", on=dt.date(2020, 1, 1))


def test_a_skeleton_cannot_open_a_scoring_sheet_but_serves_part_total_imports(shipped):
    on = dt.date(2024, 5, 1)

    with pytest.raises(RuleSetNotScorable) as exc:
        selectors.ruleset_for(product_set="QD148-05", on=on)
    assert exc.value.code == "criteria.ruleset_not_scorable"
    assert "QD148-2023.skeleton" in exc.value.detail
    assert (
        selectors.ruleset_for(product_set="QD148-05", on=on, scorable_only=False)
        == (shipped["skeleton"])
    )


def test_the_fragment_is_never_picked_while_a_skeleton_covers_the_date(shipped):
    on = dt.date(2026, 6, 1)

    assert (
        selectors.ruleset_for(product_set="QD148-01", on=on, scorable_only=False)
        == (shipped["skeleton"])
    )
    with pytest.raises(RuleSetNotScorable):
        selectors.ruleset_for(product_set="QD148-01", on=on)


def test_a_fragment_is_refused_for_activation(product_sets):
    doc = f.read(f.FRAGMENT)
    doc.update(id="TEST.fragment-1048", effective_from="2020-01-01")
    doc["applies_to"] = {"classification": "QD1048", "product_sets": ["QD1048-03"]}
    outcome = services.ruleset_import_yaml(actor=f.system(), data=f.to_bytes(doc))

    assert not outcome.ruleset.is_scorable
    with pytest.raises(RuleSetNotScorable) as exc:
        selectors.ruleset_for(product_set="QD1048-03", on=dt.date(2021, 1, 1))
    assert "TEST.fragment-1048" in exc.value.detail


def test_a_superseded_rule_set_is_no_longer_picked(qd1048):
    doc = f.read(f.QD1048)
    doc.update(id="QD1048-2019.fresh-produce-rev2", supersedes="QD1048-2019.fresh-produce")
    doc["title_vi"] = doc["title_vi"] + " (sửa đổi)"
    rev2 = services.ruleset_import_yaml(actor=f.system(), data=f.to_bytes(doc)).ruleset

    assert rev2.supersedes == qd1048
    assert selectors.ruleset_for(product_set="QD1048-01", on=dt.date(2020, 1, 1)) == rev2


def test_a_product_set_instance_is_accepted_too(qd1048):
    ps = qd1048.product_sets.get()

    assert selectors.ruleset_for(product_set=ps, on=dt.date(2020, 1, 1)) == qd1048


def test_officers_inspectors_and_council_members_may_list_rule_sets(
    shipped, admin, province_officer, inspector, council_member
):
    for actor in (admin, province_officer, inspector, council_member):
        assert selectors.ruleset_list(actor=actor).count() == 3


def test_producers_and_commune_officers_may_not(shipped, producer_actor, commune_officer):
    for actor in (producer_actor, commune_officer):
        with pytest.raises(PermissionDenied):
            selectors.ruleset_list(actor=actor)


def test_the_list_filters_by_status_product_set_text_and_date(shipped, admin):
    def codes(**kw):
        return [rs.code for rs in selectors.ruleset_list(actor=admin, **kw)]

    assert codes(status="skeleton") == ["QD148-2023.skeleton"]
    assert codes(product_set="QD1048-01") == ["QD1048-2019.fresh-produce"]
    assert codes(q="quyet dinh 148") == ["QD148-2023.skeleton"]
    assert codes(on=dt.date(2026, 6, 1)) == [
        "QD26-2026.fresh-produce.fragment",
        "QD148-2023.skeleton",
    ]


def test_the_list_runs_a_fixed_number_of_queries(shipped, admin, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        rows = list(selectors.ruleset_list(actor=admin))
        for rs in rows:
            list(rs.product_sets.all())
            list(rs.star_bands.all())


def test_ruleset_get_prefetches_the_whole_tree(qd1048, admin, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        ruleset = selectors.ruleset_get(actor=admin, code=qd1048.code)
        options = [
            o.points
            for p in ruleset.parts.all()
            for s in p.sections.all()
            for c in s.criteria.all()
            for o in c.options.all()
        ]
    assert len(options) == 113


def test_an_unknown_code_is_not_found(product_sets, admin):
    with pytest.raises(NotFound):
        selectors.ruleset_get(actor=admin, code="nope")
