"""GTIN check digits (GS1 mod 10), as products validate them through core.codes."""

from hypothesis import given
from hypothesis import strategies as st

from ocop.core.codes import gtin_check_digit, gtin_is_valid

LENGTHS = (8, 12, 13, 14)


@st.composite
def gtins(draw) -> str:
    length = draw(st.sampled_from(LENGTHS))
    body = draw(st.text(alphabet="0123456789", min_size=length - 1, max_size=length - 1))
    return body + str(gtin_check_digit(body))


@given(gtins())
def test_a_gtin_with_its_computed_check_digit_is_accepted(gtin):
    assert gtin_is_valid(gtin)


@given(gtins(), st.data())
def test_changing_any_single_digit_is_rejected(gtin, data):
    position = data.draw(st.integers(min_value=0, max_value=len(gtin) - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != gtin[position]]))
    changed = gtin[:position] + replacement + gtin[position + 1 :]
    assert not gtin_is_valid(changed)


@given(st.integers(min_value=1, max_value=20).filter(lambda n: n not in LENGTHS), st.data())
def test_digit_strings_of_other_lengths_are_rejected(length, data):
    digits = data.draw(st.text(alphabet="0123456789", min_size=length, max_size=length))
    assert not gtin_is_valid(digits)


def test_non_digits_are_rejected():
    assert not gtin_is_valid("8934567 89012")
    assert not gtin_is_valid("893456789012O")
