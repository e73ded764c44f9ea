import datetime as dt

import pytest
from django.db.models import F

from ocop.core.models import AuditEvent
from ocop.products import selectors
from ocop.products.errors import TaxonomyInvalid
from ocop.products.models import Classification, ProductGroup, ProductSet, Sector
from ocop.products.taxonomy import DATA_FILE, load_taxonomy

pytestmark = pytest.mark.django_db


def _counts(code: str) -> tuple[int, int, int]:
    return (
        Sector.objects.filter(classification__code=code).count(),
        ProductGroup.objects.filter(sector__classification__code=code).count(),
        ProductSet.objects.filter(classification__code=code).count(),
    )


def test_loading_creates_both_classifications_with_their_declared_shape():
    load_taxonomy()
    assert set(Classification.objects.values_list("code", flat=True)) == {"QD1048", "QD148"}
    assert _counts("QD1048") == (6, 16, 26)
    assert _counts("QD148") == (6, 17, 26)
    assert not ProductSet.objects.filter(group__isnull=True).exists()


def test_every_set_sits_in_a_group_of_its_own_classification():
    load_taxonomy()
    mismatched = ProductSet.objects.exclude(group__sector__classification=F("classification"))
    assert not mismatched.exists()


def test_loading_keeps_ministries_mapping_and_visit_rules():
    load_taxonomy()
    honey = ProductSet.objects.get(code="QD1048-04")
    assert honey.ministries == ["MARD"]
    assert honey.maps_to == "manual"
    assert "QD148-08" in honey.mapping_note
    fresh = ProductSet.objects.get(code="QD1048-01")
    assert fresh.maps_to == "QD148-01"
    assert fresh.samples_required is True
    tourism = ProductSet.objects.get(code="QD148-26")
    assert tourism.ministries == ["MCST", "MARD"]
    assert tourism.samples_required is False
    assert tourism.site_visit_required is True
    assert ProductSet.objects.get(code="QD1048-21").maps_to == "none"


def test_classification_dates_come_from_the_file():
    load_taxonomy()
    old = Classification.objects.get(code="QD1048")
    new = Classification.objects.get(code="QD148")
    assert (old.effective_from, old.effective_to) == (dt.date(2019, 8, 21), dt.date(2023, 2, 23))
    assert (new.effective_from, new.effective_to) == (dt.date(2023, 2, 24), None)


def test_a_second_load_changes_nothing_and_writes_no_audit_entry():
    first = load_taxonomy()
    assert first.changed
    events = AuditEvent.objects.count()
    snapshot = list(ProductSet.objects.order_by("code").values())
    second = load_taxonomy()
    assert not second.changed
    assert second.created == {} and second.updated == {}
    assert AuditEvent.objects.count() == events
    assert list(ProductSet.objects.order_by("code").values()) == snapshot


def test_a_changed_row_is_updated_in_place_and_audited():
    load_taxonomy()
    ProductSet.objects.filter(code="QD148-05").update(name_vi="Sai tên")
    result = load_taxonomy()
    assert result.updated == {"ProductSet": 1}
    assert ProductSet.objects.get(code="QD148-05").name_vi == "Đồ ăn nhanh"
    assert AuditEvent.objects.filter(action="products.taxonomy.load").count() == 2


def test_a_file_whose_counts_disagree_is_rejected_and_nothing_is_loaded(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        DATA_FILE.read_text(encoding="utf-8").replace(
            "counts: {sectors: 6, groups: 17, product_sets: 26}",
            "counts: {sectors: 6, groups: 18, product_sets: 26}",
        ),
        encoding="utf-8",
    )
    with pytest.raises(TaxonomyInvalid, match="groups declared 18, found 17"):
        load_taxonomy(path=broken)
    assert Classification.objects.count() == 0


def test_a_set_listed_in_a_group_but_not_defined_is_rejected(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        DATA_FILE.read_text(encoding="utf-8").replace("sets: [QD148-23]", "sets: [QD148-99]"),
        encoding="utf-8",
    )
    with pytest.raises(TaxonomyInvalid):
        load_taxonomy(path=broken)
    assert ProductSet.objects.count() == 0


def test_the_management_command_loads_and_then_reports_no_change(capsys):
    from django.core.management import call_command

    call_command("taxonomy_load")
    call_command("taxonomy_load")
    out = capsys.readouterr().out
    assert "ProductSet: 52" in out
    assert "không có thay đổi" in out


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (dt.date(2019, 8, 21), "QD1048"),
        (dt.date(2023, 2, 23), "QD1048"),
        (dt.date(2023, 2, 24), "QD148"),
        (dt.date(2026, 1, 1), "QD148"),
    ],
)
def test_product_sets_for_a_date_are_those_of_the_classification_in_force(day, code):
    load_taxonomy()
    sets = selectors.product_sets_for(on=day)
    assert sets.count() == 26
    assert set(sets.values_list("classification__code", flat=True)) == {code}


def test_before_any_classification_there_are_no_product_sets():
    load_taxonomy()
    assert selectors.product_sets_for(on=dt.date(2019, 8, 20)).count() == 0


def test_the_classification_tree_is_prefetched_in_four_queries(django_assert_num_queries):
    load_taxonomy()
    with django_assert_num_queries(4):
        tree = selectors.classification_tree(classification="QD148")
        sets = [
            s.code
            for c in tree
            for sec in c.sectors.all()
            for g in sec.groups.all()
            for s in g.product_sets.all()
        ]
    assert len(sets) == 26
    assert sets[0] == "QD148-01"
