"""Name keys used to match units in free text."""

from ocop.geo import naming


def test_short_name_drops_the_unit_type():
    assert naming.short_name("Xã Bình Đào", "xã") == "Bình Đào"
    assert naming.short_name("Thành phố Đà Nẵng", "thành phố trung ương") == "Đà Nẵng"
    assert naming.short_name("Quảng Trị", "tỉnh") == "Quảng Trị"
    assert naming.short_name("Thị xã Quế Võ", "thị xã") == "Quế Võ"


def test_keys_fold_punctuation_apostrophes_and_leading_zeros():
    assert naming.short_key("Tỉnh Bà Rịa - Vũng Tàu", "tỉnh") == "ba ria vung tau"
    assert naming.key("Xã Ch'ơm") == "xa chom"
    assert naming.key("Phường 01") == "phuong 1"


def test_tone_key_ignores_where_the_tone_mark_sits_but_not_which_tone():
    assert naming.tone_key("Hoà Vang") == naming.tone_key("Hòa Vang")
    assert naming.tone_key("Sơn Hà") != naming.tone_key("Sơn Hạ")


def test_type_words_are_recognised_at_the_start():
    types, size = naming.split_type(["thi", "xa", "que", "vo"])
    assert (types, size) == (frozenset({"thi xa"}), 2)
    assert naming.split_type(["binh", "dao"]) == (None, 0)
    assert naming.split_type(["xa"]) == (None, 0)  # a type word alone names nothing
