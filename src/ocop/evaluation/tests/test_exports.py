"""Application list filters and the Excel export (reopened with openpyxl)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ocop.evaluation import selectors
from ocop.evaluation.constants import ApplicationKind, Outcome
from ocop.evaluation.constants import ApplicationStatus as S
from ocop.evaluation.exports import export_applications_xlsx
from ocop.evaluation.models import Decision
from ocop.evaluation.tests import factories as f
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory


@pytest.fixture
def listed(province, commune, two_tier_round, two_tier_ruleset):
    neighbour = CommuneFactory(province=province)
    tea = ProductFactory(
        producer=ProducerFactory(commune=commune, name="HTX Chè Tân Cương"), name="Chè búp khô"
    )
    honey = ProductFactory(
        producer=ProducerFactory(commune=neighbour, name="Hộ kinh doanh Ong Vàng"),
        name="Mật ong hoa nhãn",
    )
    decision = Decision.objects.create(
        round=two_tier_round,
        number="45/QĐ-UBND",
        signed_on=dt.date(2025, 11, 1),
        signer="Chủ tịch",
        issuer="UBND tỉnh",
        level="province",
    )
    a = f.ApplicationFactory(
        product=tea,
        round=two_tier_round,
        status=S.DECIDED,
        ruleset=two_tier_ruleset,
        score=Decimal("69.6666"),
        stars=3,
        outcome=Outcome.RECOGNISED,
        decision=decision,
    )
    b = f.ApplicationFactory(product=honey, round=two_tier_round, kind=ApplicationKind.FIRST)
    other_round = f.RoundFactory(province=province)
    c = f.ApplicationFactory(
        product=ProductFactory(producer=ProducerFactory(commune=commune)),
        round=other_round,
        status=S.SUBMITTED,
    )
    return {"tea": a, "honey": b, "other": c, "neighbour": neighbour}


def test_application_list_filters(listed, actors, two_tier_round, commune):
    officer = actors["province_officer"]

    def pks(**filters):
        return {a.pk for a in selectors.application_list(actor=officer, **filters)}

    tea, honey, other = listed["tea"], listed["honey"], listed["other"]
    assert {tea.pk, honey.pk, other.pk} <= pks()
    assert pks(round=two_tier_round) == {tea.pk, honey.pk}
    assert pks(status=S.DECIDED) == {tea.pk}
    assert pks(round=two_tier_round, commune=listed["neighbour"]) == {honey.pk}
    assert pks(round=two_tier_round, commune=commune.pk) == {tea.pk}
    assert pks(q="chè") == {tea.pk}  # product name
    assert pks(q="ong vàng") == {honey.pk}  # producer name, every word
    assert pks(q="nhãn chè") == set()  # every word must be found
    assert pks(q="mat ong nhan") == {honey.pk}  # accents and case do not matter
    assert pks(kind=ApplicationKind.UPGRADE) == set()
    # Scope still applies: a producer sees only its own.
    assert not selectors.application_list(actor=actors["other_producer"], q="chè").exists()


def test_export_rows_and_workbook(listed, actors, two_tier_round, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        rows = selectors.application_export_rows(
            actor=actors["province_officer"], round=two_tier_round
        )
    assert len(rows) == 2
    tea = next(r for r in rows if r["product"] == "Chè búp khô")
    assert tea["score"] == Decimal("69.67") and tea["stars"] == 3
    assert tea["decision"] == "45/QĐ-UBND" and tea["producer"] == "HTX Chè Tân Cương"

    data = export_applications_xlsx(rows)
    sheet = load_workbook(io.BytesIO(data)).active
    values = list(sheet.iter_rows(values_only=True))
    header = values[0]
    assert header[:3] == ("Mã hồ sơ", "Sản phẩm", "Chủ thể")
    assert len(values) == 3
    by_product = {v[1]: dict(zip(header, v, strict=True)) for v in values[1:]}
    assert by_product["Chè búp khô"]["Điểm trung bình"] == pytest.approx(69.67)
    assert by_product["Chè búp khô"]["Số quyết định"] == "45/QĐ-UBND"
    assert by_product["Mật ong hoa nhãn"]["Điểm trung bình"] is None
    assert by_product["Mật ong hoa nhãn"]["Trạng thái"] == str(S.DRAFT.label)


def test_export_of_nothing_is_a_header_only_workbook():
    sheet = load_workbook(io.BytesIO(export_applications_xlsx([]))).active
    assert sheet.max_row == 1
