"""Address resolution: certain answers only when the input names one existing unit."""

import pytest

from ocop.geo.selectors import Resolution, address_resolve


def _codes(resolution: Resolution) -> list[str]:
    return [c.code for c in resolution.candidates]


def test_a_legacy_commune_address_resolves_to_its_current_commune(geography):
    r = address_resolve("xã Bình Đào, huyện Thăng Bình, tỉnh Quảng Nam")
    assert r.status == "exact"
    assert r.is_certain
    assert (r.commune.code, r.commune.name) == ("20794", "Xã Thăng An")
    assert r.province.name == "Thành phố Đà Nẵng"
    assert (r.legacy_province.code, r.legacy_district.code, r.legacy_commune.code) == (
        "49",
        "513",
        "20809",
    )
    assert "Xã Thăng An" in r.message
    assert "01/07/2025" in r.message


def test_a_current_format_address_resolves_exactly(geography):
    r = address_resolve("Xã Thăng An, Thành phố Đà Nẵng")
    assert r.status == "exact"
    assert r.commune.code == "20794"
    assert r.legacy_commune is None


@pytest.mark.parametrize(
    "address",
    [
        "Bình Đào, Thăng Bình, Quảng Nam",
        "xa binh dao huyen thang binh quang nam",
        "Thôn 3, xã Bình Đào, huyện Thăng Bình, tỉnh Quảng Nam, Việt Nam",
        "xã Bình Đào, tỉnh Quảng Nam",
    ],
)
def test_legacy_addresses_without_types_commas_or_district_still_resolve(geography, address):
    r = address_resolve(address)
    assert (r.status, r.commune.code) == ("exact", "20794")


def test_tat_thang_in_thanh_son_is_now_cu_dong(geography):
    r = address_resolve("xã Tất Thắng, huyện Thanh Sơn, tỉnh Phú Thọ")
    assert r.status == "exact"
    assert (r.commune.code, r.commune.name) == ("08614", "Xã Cự Đồng")
    assert r.province.code == "25"


def test_a_district_gives_its_current_communes_as_candidates(geography):
    r = address_resolve("huyện Thăng Bình, tỉnh Quảng Nam")
    assert r.status == "partial"
    assert r.commune is None
    assert r.province.name == "Thành phố Đà Nẵng"
    assert r.legacy_district.name == "Huyện Thăng Bình"
    assert "20794" in _codes(r)
    assert {c.province.code for c in r.candidates} == {"48"}


def test_hoa_vang_district_is_partial_and_never_the_commune_of_the_same_name(geography):
    r = address_resolve("huyện Hòa Vang, thành phố Đà Nẵng")
    assert r.status == "partial"
    assert r.commune is None
    assert r.legacy_district.code == "497"
    assert "Xã Hòa Vang" in [c.name for c in r.candidates]
    assert len(r.candidates) > 1


def test_an_untyped_name_that_is_a_district_and_a_commune_is_ambiguous(geography):
    r = address_resolve("Hòa Vang, Đà Nẵng")
    assert r.status == "ambiguous"
    assert r.commune is None
    assert r.candidates[0].name == "Xã Hòa Vang"


def test_a_legacy_province_resolves_to_its_current_province_only(geography):
    r = address_resolve("tỉnh Quảng Bình")
    assert r.status == "partial"
    assert r.province.name == "Quảng Trị"
    assert r.legacy_province.name == "Tỉnh Quảng Bình"
    assert r.commune is None


def test_a_commune_split_by_the_reform_is_ambiguous_between_its_parts(geography):
    r = address_resolve("xã Hòa Liên, huyện Hòa Vang, thành phố Đà Nẵng")
    assert r.status == "ambiguous"
    assert r.commune is None
    assert r.legacy_commune.name == "Xã Hòa Liên"
    assert {c.name for c in r.candidates} == {"Phường Hải Vân", "Phường Liên Chiểu"}


def test_a_name_shared_by_many_units_is_ambiguous(geography):
    r = address_resolve("Phường 1")
    assert r.status == "ambiguous"
    assert r.commune is None
    assert len(r.candidates) > 5
    assert len({c.province_id for c in r.candidates}) > 1


def test_an_unknown_commune_in_a_known_district_is_not_guessed(geography):
    r = address_resolve("xã Không Có, huyện Thăng Bình, tỉnh Quảng Nam")
    assert r.status == "partial"
    assert r.commune is None
    assert "không có" in r.message
    assert "20794" in _codes(r)


def test_a_commune_name_from_another_district_is_not_accepted(geography):
    r = address_resolve("xã Bình Đào, huyện Thanh Sơn, tỉnh Phú Thọ")
    assert r.status == "partial"
    assert r.commune is None
    assert r.legacy_district.name == "Huyện Thanh Sơn"


def test_a_street_named_like_a_commune_is_not_the_commune(geography):
    r = address_resolve("đường Thăng An, Thành phố Đà Nẵng")
    assert r.status == "partial"
    assert r.commune is None


def test_a_misspelt_commune_gets_near_name_candidates(geography):
    r = address_resolve("xã Thăng Ann, Đà Nẵng")
    assert r.status == "partial"
    assert r.province.code == "48"
    assert "20794" in _codes(r)


def test_gibberish_is_not_found(geography):
    r = address_resolve("qwzx plmk")
    assert r.status == "not_found"
    assert r.province is None
    assert r.commune is None
    assert r.candidates == []
    assert r.message


def test_a_garbled_province_is_not_found_but_suggests_what_the_rest_names(geography):
    r = address_resolve("xã Bình Đào, huyện Thăng Bình, tỉnh Quang Nom")
    assert r.status == "not_found"
    assert r.commune is None
    assert _codes(r)[0] == "20794"


def test_an_empty_address_is_not_found(geography):
    r = address_resolve("   ")
    assert r.status == "not_found"
    assert r.message


def test_diacritics_tell_apart_names_that_fold_alike(geography):
    plain = address_resolve("xa son ha, quang ngai")
    assert plain.status == "ambiguous"
    assert {c.name for c in plain.candidates} >= {"Xã Sơn Hà", "Xã Sơn Hạ"}


def test_province_aliases_from_the_package_are_understood(geography):
    r = address_resolve("12 Lê Lợi, Phường 1, Quận 3, TP.HCM")
    assert r.status == "exact"
    assert r.province.code == "79"
    assert r.legacy_district.name == "Quận 3"


def test_an_island_district_that_became_one_special_zone_is_exact(geography):
    r = address_resolve("huyện Côn Đảo, tỉnh Bà Rịa - Vũng Tàu")
    assert r.status == "exact"
    assert r.commune.name == "Đặc khu Côn Đảo"
