"""The loaded map: counts, division types, idempotency and legacy → current successors."""

from django.db.models import Count

from ocop.geo.loader import LEGACY_TO, MAP_2025_FROM, load_all
from ocop.geo.models import Commune, LegacyCommune, LegacyDistrict, LegacyProvince, Province


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Province, Commune, LegacyProvince, LegacyDistrict, LegacyCommune)
    } | {
        "commune_links": LegacyCommune.successors.through.objects.count(),
        "district_links": LegacyDistrict.successors.through.objects.count(),
    }


def test_the_current_map_has_34_provinces_and_3321_communes(geography):
    assert Province.objects.count() == 34
    per_province = Province.objects.annotate(n=Count("communes")).values_list("n", flat=True)
    assert sum(per_province) == 3321
    assert all(n > 0 for n in per_province)


def test_current_communes_split_into_xa_phuong_and_dac_khu(geography):
    by_type = dict(Commune.objects.values_list("division_type").annotate(n=Count("id")))
    assert by_type == {"xã": 2621, "phường": 687, "đặc khu": 13}


def test_current_units_carry_their_validity_and_search_keys(geography):
    commune = Commune.objects.get(code="20794")
    assert (commune.name, commune.province.code) == ("Xã Thăng An", "48")
    assert commune.valid_from == MAP_2025_FROM
    assert commune.name_search == "xa thang an"
    assert commune.short_key == "thang an"


def test_the_legacy_map_has_63_provinces_696_districts_and_10035_communes(geography):
    assert LegacyProvince.objects.count() == 63
    assert LegacyDistrict.objects.count() == 696
    assert LegacyCommune.objects.count() == 10035
    assert not LegacyProvince.objects.exclude(valid_to=LEGACY_TO).exists()
    assert not LegacyCommune.objects.filter(successor__isnull=True).exists()


def test_loading_again_changes_nothing(geography):
    before = _counts()
    report = load_all()
    assert not report.changed
    assert _counts() == before


def test_loading_again_repairs_a_changed_row(geography):
    Commune.objects.filter(code="20794").update(name="Tên sai")
    report = load_all()
    assert report.updated["commune"] == 1
    assert Commune.objects.get(code="20794").name == "Xã Thăng An"


def test_codes_are_read_with_their_scheme(geography):
    assert Province.objects.get(code="44").name == "Quảng Trị"
    assert LegacyProvince.objects.get(code="44").name == "Tỉnh Quảng Bình"


def test_legacy_quang_binh_became_part_of_quang_tri(geography):
    assert LegacyProvince.objects.get(code="44").successor.code == "44"
    assert LegacyProvince.objects.get(code="49").successor.name == "Thành phố Đà Nẵng"


def test_binh_dao_became_thang_an(geography):
    binh_dao = LegacyCommune.objects.get(code="20809")
    assert (binh_dao.name, binh_dao.district.name) == ("Xã Bình Đào", "Huyện Thăng Bình")
    assert binh_dao.successor.code == "20794"
    assert [c.code for c in binh_dao.successors.all()] == ["20794"]


def test_tat_thang_became_cu_dong(geography):
    tat_thang = LegacyCommune.objects.get(code="08605")
    assert tat_thang.district.name == "Huyện Thanh Sơn"
    assert (tat_thang.successor.code, tat_thang.successor.name) == ("08614", "Xã Cự Đồng")


def test_a_split_commune_lists_every_successor_with_the_default_among_them(geography):
    hoa_lien = LegacyCommune.objects.get(name="Xã Hòa Liên", district__name="Huyện Hòa Vang")
    names = {c.name for c in hoa_lien.successors.all()}
    assert names == {"Phường Hải Vân", "Phường Liên Chiểu"}
    assert hoa_lien.successor.name in names


def test_a_district_lists_the_current_communes_of_its_territory(geography):
    thang_binh = LegacyDistrict.objects.get(code="513")
    codes = set(thang_binh.successors.values_list("code", flat=True))
    assert "20794" in codes
    assert codes == {
        c.successor.code for c in thang_binh.communes.select_related("successor")
    } | set(
        LegacyCommune.successors.through.objects.filter(
            legacycommune__district=thang_binh
        ).values_list("commune__code", flat=True)
    )


def test_island_districts_without_communes_became_special_zones(geography):
    con_dao = LegacyDistrict.objects.get(name="Huyện Côn Đảo")
    assert [c.name for c in con_dao.successors.all()] == ["Đặc khu Côn Đảo"]
