"""Excel authoring: the empty template, exports checked cell by cell, round trips, imports."""

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from ocop.criteria import excel, loader, services
from ocop.criteria.errors import RuleSetInvalid, UploadUnreadable
from ocop.criteria.models import RuleSet
from ocop.criteria.parse import parse_document
from ocop.criteria.spec import content_hash
from ocop.criteria.tests import factories as f

TAXONOMY = loader.taxonomy_from_file()


def spec_of(path):
    spec, problems = parse_document(f.read(path))
    assert problems == []
    return spec


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def rows(ws, first=excel.FIRST_DATA_ROW):
    return [r for r in ws.iter_rows(min_row=first, values_only=True) if any(r)]


def info(wb) -> dict:
    return {r[0]: r[2] for r in rows(wb[excel.SHEET_INFO])}


def test_the_template_has_three_sheets_with_headers_help_and_validation():
    wb = workbook(excel.template_workbook(classifications=TAXONOMY))

    assert wb.sheetnames == ["Thông tin", "Tiêu chí", "Hạng sao"]
    criteria = wb["Tiêu chí"]
    assert [c.value for c in criteria[1]][:7] == [
        "Cấp",
        "Mã",
        "Số hiệu theo văn bản",
        "Nội dung (tiếng Việt)",
        "Nội dung (tiếng Anh)",
        "Điểm tối đa",
        "Điểm",
    ]
    assert "Phương án" in criteria["A2"].value
    level_rule = next(
        dv for dv in criteria.data_validations.dataValidation if "A3" in str(dv.sqref)
    )
    assert level_rule.type == "list"
    assert "Phương án" in level_rule.formula1
    assert wb["Hạng sao"]["A1"].value == "Số sao"
    keys = [r[0] for r in rows(wb["Thông tin"])]
    assert keys[:3] == ["id", "title_vi", "title_en"]
    assert "certificate_validity_months" in keys
    classification_rule = [
        dv for dv in wb["Thông tin"].data_validations.dataValidation if "QD148" in dv.formula1
    ]
    assert classification_rule


def test_the_template_contains_no_point_values():
    wb = workbook(excel.template_workbook(classifications=TAXONOMY))

    for ws in wb:
        for row in ws.iter_rows(min_row=excel.FIRST_DATA_ROW, values_only=True):
            assert not [v for v in row if isinstance(v, (int, float, Decimal))], row
    assert rows(wb["Hạng sao"]) == []
    assert [r[:2] for r in rows(wb["Tiêu chí"])] == [("Phần", "A"), ("Phần", "B"), ("Phần", "C")]


def test_an_export_shows_the_sheet_cell_by_cell():
    wb = workbook(excel.export_workbook(spec_of(f.QD1048)))

    tree = rows(wb["Tiêu chí"])
    assert tree[0][:6] == (
        "Phần",
        "A",
        None,
        "Sản phẩm và sức mạnh cộng đồng",
        "Product and community strength",
        35,
    )
    a32 = [r for r in tree if r[1] and str(r[1]).startswith("A3.2")]
    assert a32[0][0] == "Tiêu chí"
    assert a32[0][7] == "chưa rõ"
    assert a32[0][10] == "có"  # structure uncertain
    assert [r[6] for r in a32[1:]] == [1, 2, 0, 1]
    assert [r[8] for r in a32[1:]] == ["management_share"] * 2 + ["local_head"] * 2
    assert sum(1 for r in tree if r[0] == "Tiêu chí") == 31
    assert sum(1 for r in tree if r[0] == "Phương án") == 113
    bands = rows(wb["Hạng sao"])
    assert bands[0][:5] == (1, 0, 30, None, "không")
    assert bands[-1][:6] == (5, 90, None, 100, "có", "có")
    meta = info(wb)
    assert meta["id"] == "QD1048-2019.fresh-produce"
    assert meta["effective_from"].date().isoformat() == "2019-08-21"
    assert meta["certificate_validity_months"] == 36
    assert meta["product_sets"] == "QD1048-01"


@pytest.mark.parametrize("path", [f.QD1048, f.SKELETON, f.FRAGMENT])
def test_export_then_import_gives_the_same_content_hash(path):
    spec = spec_of(path)

    document, problems = excel.read_workbook(excel.export_workbook(spec))
    report = loader.check_document(document, taxonomy=TAXONOMY)

    assert problems == []
    assert report.valid, report.problems
    assert report.content_hash == content_hash(spec)


def test_text_that_looks_like_a_formula_stays_text():
    doc = f.document()
    doc["parts"][1]["sections"][0]["criteria"][0]["options"][0]["label_vi"] = "=1+1"
    spec, _ = parse_document(doc)

    data = excel.export_workbook(spec)
    document, _ = excel.read_workbook(data)

    label = document["parts"][1]["sections"][0]["criteria"][0]["options"][0]["label_vi"]
    assert label == "=1+1"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "<f>" not in zf.read("xl/worksheets/sheet2.xml").decode()


def _edited_export(edit) -> bytes:
    wb = workbook(excel.export_workbook(spec_of(f.QD1048)))
    edit(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_an_excel_import_is_saved_unverified_with_its_generated_yaml(product_sets, admin):
    def rename(wb):
        ws = wb["Thông tin"]
        for row in ws.iter_rows(min_row=excel.FIRST_DATA_ROW):
            if row[0].value == "id":
                row[2].value = "TEST.from-excel"
            if row[0].value == "status":
                row[2].value = "verified_official"

    data = _edited_export(rename)

    outcome = services.ruleset_import_excel(actor=admin, data=data, filename="bang-diem.xlsx")

    ruleset = outcome.ruleset
    assert outcome.created
    assert ruleset.status == "unverified_transcription"
    assert ruleset.source_format == "xlsx"
    assert ruleset.source_sha256 == loader.sha256_bytes(data)
    assert ruleset.source_text.startswith("# ocop-criteria/v1")
    assert ruleset.options.count() == 113
    reparsed, _ = parse_document(loader.read_yaml(ruleset.source_text))
    assert content_hash(reparsed) == ruleset.content_hash


def test_reimporting_an_export_of_a_loaded_rule_set_changes_nothing(qd1048, admin):
    data = excel.export_workbook(spec_of(f.QD1048), status=qd1048.status)

    outcome = services.ruleset_import_excel(actor=admin, data=data)

    assert not outcome.created
    assert outcome.ruleset == qd1048
    assert RuleSet.objects.count() == 1


def test_a_wrong_point_in_the_workbook_is_reported_with_both_sums(product_sets, admin):
    def bump(wb):
        for row in wb["Tiêu chí"].iter_rows(min_row=excel.FIRST_DATA_ROW):
            if row[1].value == "A3.2.d":
                row[6].value = 3

    with pytest.raises(RuleSetInvalid) as exc:
        services.ruleset_import_excel(actor=admin, data=_edited_export(bump))

    errors = {e["code"]: e for e in exc.value.errors}
    assert (errors["part_sum"]["computed"], errors["part_sum"]["declared"]) == ("36", "35")
    assert (errors["total_sum"]["computed"], errors["total_sum"]["declared"]) == ("101", "100")
    assert RuleSet.objects.count() == 0


def test_sheet_problems_name_the_cell(product_sets):
    def break_cells(wb):
        ws = wb["Tiêu chí"]
        ws.cell(row=excel.FIRST_DATA_ROW + 2, column=1, value="Mục con")
        ws.cell(row=excel.FIRST_DATA_ROW + 3, column=7, value="ba")

    document, problems = excel.read_workbook(_edited_export(break_cells))

    locs = {p.loc for p in problems}
    assert f"Tiêu chí!A{excel.FIRST_DATA_ROW + 2}" in locs


def test_a_workbook_without_the_template_sheets_is_refused():
    wb = Workbook()
    buffer = io.BytesIO()
    wb.save(buffer)

    with pytest.raises(UploadUnreadable) as exc:
        excel.read_workbook(buffer.getvalue())
    assert "Thông tin" in exc.value.detail


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("hello.txt", "xin chào")

    with pytest.raises(UploadUnreadable):
        excel.read_workbook(buffer.getvalue())


def test_an_officer_can_author_a_sheet_from_the_template(product_sets, admin):
    wb = workbook(excel.template_workbook(classifications=TAXONOMY))
    values = {
        "id": "TEST.authored",
        "title_vi": "Bộ tiêu chí soạn từ mẫu",
        "instrument": "Văn bản thử nghiệm",
        "effective_from": "01/01/2020",
        "effective_to": "31/12/2020",
        "classification": "QD1048",
        "product_sets": "QD1048-04, QD1048-05",
        "total_max": 100,
        "certifiable_min_stars": 3,
        "certificate_validity_months": 36,
    }
    for row in wb["Thông tin"].iter_rows(min_row=excel.FIRST_DATA_ROW):
        if row[0].value in values:
            row[2].value = values[row[0].value]
    tree = wb["Tiêu chí"]
    lines = []
    for part, points in (("A", 35), ("B", 25), ("C", 40)):
        lines += [
            ("Phần", part, None, f"Phần {part}", None, points),
            ("Nhóm", f"{part}1", None, f"Nhóm {part}1", None, None),
            ("Tiêu chí", f"{part}1.1", None, f"Tiêu chí {part}1.1", None, None, None, "không"),
            ("Phương án", f"{part}1.1.a", None, "Chưa đạt", None, None, 0),
            ("Phương án", f"{part}1.1.b", None, "Đạt", None, None, points),
        ]
    tree.delete_rows(excel.FIRST_DATA_ROW, 3)
    for offset, line in enumerate(lines):
        for col, value in enumerate(line, start=1):
            tree.cell(row=excel.FIRST_DATA_ROW + offset, column=col, value=value)
    bands = wb["Hạng sao"]
    for offset, band in enumerate(
        [
            (1, 0, 30, None, "không"),
            (2, 30, 50, None, "không"),
            (3, 50, 70, None, "có"),
            (4, 70, 90, None, "có"),
            (5, 90, None, 100, "có", "có"),
        ]
    ):
        for col, value in enumerate(band, start=1):
            bands.cell(row=excel.FIRST_DATA_ROW + offset, column=col, value=value)
    buffer = io.BytesIO()
    wb.save(buffer)

    ruleset = services.ruleset_import_excel(actor=admin, data=buffer.getvalue()).ruleset

    assert ruleset.status == "unverified_transcription"
    assert sorted(ps.code for ps in ruleset.product_sets.all()) == ["QD1048-04", "QD1048-05"]
    assert ruleset.part_maxima() == {"A": 35, "B": 25, "C": 40}
    assert ruleset.criteria.get(code="A1.1").mandatory == "no"
    assert ruleset.star_for(Decimal(90)).national_level
    assert str(ruleset.effective_to) == "2020-12-31"
