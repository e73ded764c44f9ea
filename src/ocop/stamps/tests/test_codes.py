"""Stamp tokens: round trips, and any change of a valid token is rejected without the database."""

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ocop.stamps import codes

serials = st.integers(min_value=1, max_value=codes.SERIAL_MAX)
KEYS = {"A": b"first-key-0123456789abcdef", "B": b"second-key-0123456789abcdef"}


@pytest.fixture(autouse=True)
def _keys(settings):
    settings.OCOP_STAMP_KEYS = KEYS
    settings.OCOP_STAMP_ACTIVE_KEY = "B"


@given(serial=serials)
def test_a_signed_token_parses_back_to_its_serial_and_key(serial):
    token = codes.sign(serial)
    assert len(token) == codes.TOKEN_LENGTH
    assert set(token) <= set(codes.ALPHABET)
    assert codes.parse(token) == codes.Code(serial=serial, key_id="B")
    assert codes.parse(token.lower()).serial == serial


@given(serial=serials)
def test_the_bulk_signer_gives_the_same_tokens(serial):
    assert codes.Signer().token(serial) == codes.sign(serial)
    assert codes.Signer("A").token(serial) == codes.sign(serial, key_id="A")


@hsettings(max_examples=300)
@given(
    serial=serials,
    position=st.integers(min_value=0, max_value=codes.TOKEN_LENGTH - 1),
    replacement=st.characters(codec="ascii"),
)
def test_any_single_character_change_is_rejected(serial, position, replacement):
    token = codes.sign(serial)
    mutated = token[:position] + replacement + token[position + 1 :]
    if mutated.upper() == token:
        return
    with pytest.raises(codes.InvalidCode):
        codes.parse(mutated)


@given(serial=serials, text=st.text(max_size=40))
def test_arbitrary_text_is_never_accepted_unless_it_is_the_token(serial, text):
    token = codes.sign(serial)
    if text.upper() != token:
        assert not codes.is_valid(text) or codes.parse(text).serial != serial


@given(serial=serials, cut=st.integers(min_value=0, max_value=codes.TOKEN_LENGTH - 1))
def test_truncated_or_extended_tokens_are_rejected(serial, cut):
    token = codes.sign(serial)
    for text in (token[:cut], token + token[cut]):
        with pytest.raises(codes.InvalidCode):
            codes.parse(text)


def test_keys_rotate_without_invalidating_old_tokens(settings):
    old = codes.sign(12345)
    settings.OCOP_STAMP_KEYS = {**KEYS, "C": b"third-key-0123456789abcdef"}
    settings.OCOP_STAMP_ACTIVE_KEY = "C"
    assert codes.parse(old).key_id == "B"
    assert codes.sign(12345)[codes.SERIAL_CHARS] == "C"


def test_a_token_of_a_retired_key_is_rejected(settings):
    token = codes.sign(12345, key_id="A")
    settings.OCOP_STAMP_KEYS = {"B": KEYS["B"]}
    with pytest.raises(codes.InvalidCode):
        codes.parse(token)


def test_a_token_signed_with_another_secret_is_rejected(settings):
    token = codes.sign(777)
    settings.OCOP_STAMP_KEYS = {"A": KEYS["A"], "B": b"a different secret under the same id"}
    with pytest.raises(codes.InvalidCode):
        codes.parse(token)


def test_without_settings_a_key_is_derived_from_the_secret_key(settings):
    del settings.OCOP_STAMP_KEYS
    del settings.OCOP_STAMP_ACTIVE_KEY
    token = codes.sign(99)
    assert token[codes.SERIAL_CHARS] == "A"
    settings.SECRET_KEY = "another secret key for this test only, long enough"
    with pytest.raises(codes.InvalidCode):
        codes.parse(token)


@pytest.mark.parametrize("value", [None, 0, "", "0" * 29, "I" * 29, "Z" * 29])
def test_malformed_tokens_are_rejected(value):
    with pytest.raises(codes.InvalidCode):
        codes.parse(value)


def test_zero_and_oversized_serials_cannot_be_signed():
    for serial in (0, -1, codes.SERIAL_MAX + 1):
        with pytest.raises(ValueError):
            codes.sign(serial)


@given(serial=serials)
def test_human_serial_round_trip_and_check_character(serial):
    text = codes.human_serial(serial)
    assert len(text) == 14
    assert codes.parse_human_serial(text) == serial
    wrong = codes.ALPHABET[(codes.ALPHABET.index(text[5]) + 1) % 32]
    with pytest.raises(codes.InvalidCode):
        codes.parse_human_serial(text[:5] + wrong + text[6:])


def test_new_serials_are_random_63_bit_numbers():
    drawn = {codes.new_serial() for _ in range(1000)}
    assert len(drawn) == 1000
    assert all(0 < s <= codes.SERIAL_MAX for s in drawn)
    assert max(drawn) > 2**60  # not a small sequence


def test_gs1_path_uses_the_standard_qualifier_order_and_parses_back():
    path = codes.gs1_path(gtin="8934567890120", serial=4242, lot="L-2025/01"[:6], cpv="500G")
    head, _, query = path.partition("?")
    assert head == f"/01/08934567890120/22/500G/10/L-2025/21/{codes.human_serial(4242)}"
    assert query.startswith("s=B")
    link = codes.parse_gs1(head, query[2:])
    assert (link.gtin, link.serial, link.lot, link.cpv, link.key_id) == (
        "08934567890120",
        4242,
        "L-2025",
        "500G",
        "B",
    )


def test_gs1_path_without_lot_or_cpv():
    path = codes.gs1_path(gtin="08934567890120", serial=7)
    head, _, query = path.partition("?")
    assert head == f"/01/08934567890120/21/{codes.human_serial(7)}"
    assert codes.parse_gs1(head, query[2:]).lot == ""


@pytest.mark.parametrize(
    "path",
    [
        "/01/08934567890121/21/{serial}",  # bad GTIN check digit
        "/01/8934567890120/21/{serial}",  # 13 digits
        "/01/08934567890120/10/LOT/22/500G/21/{serial}",  # qualifiers out of order
        "/01/08934567890120/10/LOT",  # no serial
        "/21/{serial}/01/08934567890120",
    ],
)
def test_malformed_gs1_paths_are_rejected(path):
    good = codes.gs1_path(gtin="08934567890120", serial=4242)
    signature = good.partition("?s=")[2]
    with pytest.raises(codes.InvalidCode):
        codes.parse_gs1(path.format(serial=codes.human_serial(4242)), signature)


def test_a_gs1_path_with_another_serials_signature_is_rejected():
    signature = codes.gs1_path(gtin="08934567890120", serial=1).partition("?s=")[2]
    with pytest.raises(codes.InvalidCode):
        codes.parse_gs1(f"/01/08934567890120/21/{codes.human_serial(2)}", signature)
    with pytest.raises(codes.InvalidCode):
        codes.parse_gs1(f"/01/08934567890120/21/{codes.human_serial(1)}", "")


def test_invalid_gtin_cannot_be_printed():
    with pytest.raises(ValueError):
        codes.gs1_path(gtin="123", serial=1)


@pytest.mark.django_db
def test_parsing_never_touches_the_database(django_assert_num_queries):
    token = codes.sign(31337)
    with django_assert_num_queries(0):
        codes.parse(token)
        assert not codes.is_valid(token[:-1] + "Z")


@given(st.integers(min_value=1, max_value=codes.SERIAL_MAX), st.binary(min_size=16, max_size=40))
def test_the_tag_is_the_hmac_of_domain_key_id_and_serial_whatever_key_came_before(serial, key):
    import hashlib
    import hmac

    expected = hmac.new(key, codes.DOMAIN + b"A" + serial.to_bytes(8, "big"), hashlib.sha256)

    assert codes._tag(key, "A", serial) == int.from_bytes(expected.digest()[:9], "big")
