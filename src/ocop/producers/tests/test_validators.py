import contextlib
import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ocop.core import clock
from ocop.core.errors import ValidationFailed
from ocop.producers.constants import ProducerKind
from ocop.producers.validators import (
    normalise_code,
    tax_code_check_digit,
    validate_count,
    validate_founded_year,
    validate_phone,
    validate_registration_number,
    validate_tax_code,
    validate_text,
)

digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


def _with_check(base: str) -> str | None:
    check = tax_code_check_digit(base)
    if check is None or base[2:] == "0000000":
        return None
    return f"{base}{check}"


# --- tax codes: known published examples -----------------------------------------------------
@pytest.mark.parametrize("code", ["0100233488", "0100047516", "0314409058", "0312687878"])
def test_published_tax_codes_are_accepted(code):
    assert validate_tax_code(code) == code


def test_branch_tax_code_is_normalised_with_a_dash():
    assert validate_tax_code(" 0314409058 - 002 ") == "0314409058-002"
    assert validate_tax_code("0314409058002") == "0314409058-002"


@pytest.mark.parametrize(
    "code", ["0100233480", "0314409058-000", "12345", "01002334881", "abcdefghij", ""]
)
def test_wrong_tax_codes_are_refused_with_a_field_error(code):
    with pytest.raises(ValidationFailed) as exc:
        validate_tax_code(code)
    assert exc.value.errors[0]["loc"] == ["tax_code"]
    assert "Mã số thuế" in exc.value.errors[0]["message"]


def test_a_sum_leaving_remainder_zero_has_no_check_digit():
    # 29*1 + 23*1 + 3*1 = 55 = 5*11: no digit makes such a code valid, so none is accepted
    assert tax_code_check_digit("011000001") is None
    for last in "0123456789":
        with pytest.raises(ValidationFailed):
            validate_tax_code("011000001" + last)


# --- tax codes: properties ----------------------------------------------------------------------
@given(digits)
def test_codes_with_a_computed_check_digit_are_accepted(base):
    code = _with_check(base)
    assume(code is not None)
    assert validate_tax_code(code) == code


@given(digits, st.integers(min_value=1, max_value=999))
def test_branch_codes_of_a_valid_code_are_accepted(base, branch):
    code = _with_check(base)
    assume(code is not None)
    assert validate_tax_code(f"{code}-{branch:03d}") == f"{code}-{branch:03d}"


@given(digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_is_refused(base, position, delta):
    code = _with_check(base)
    assume(code is not None)
    changed = code[:position] + str((int(code[position]) + delta) % 10) + code[position + 1 :]
    with pytest.raises(ValidationFailed):
        validate_tax_code(changed)


@given(st.one_of(st.text(max_size=40), st.integers(), st.none(), st.binary(max_size=20)))
def test_junk_never_raises_anything_but_the_validation_error(junk):
    for validator in (
        validate_tax_code,
        lambda v: validate_registration_number(v, kind=ProducerKind.HOUSEHOLD),
        validate_phone,
    ):
        with contextlib.suppress(ValidationFailed):
            validator(junk)


@given(st.text(max_size=40))
def test_normalised_codes_have_no_spaces_and_are_upper_case(text):
    code = normalise_code(text)
    assert not any(ch.isspace() for ch in code)
    assert code == code.upper()


# --- household registration numbers -------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("27a8002435", "27A8002435"),
        ("41M-800 0123", "41M-8000123"),
        ("001087123456", "001087123456"),  # personal identification number
        ("0100233488", "0100233488"),  # a household may also have a tax code
    ],
)
def test_household_numbers_in_documented_shapes_are_accepted(raw, expected):
    assert validate_registration_number(raw, kind=ProducerKind.HOUSEHOLD) == expected


@pytest.mark.parametrize("raw", ["0100233480", "12345678", "ABCDEFGH", "A1", "-27A8002435"])
def test_household_numbers_outside_the_shapes_are_refused(raw):
    with pytest.raises(ValidationFailed):
        validate_registration_number(raw, kind=ProducerKind.HOUSEHOLD)


def test_cooperatives_need_a_real_tax_code_not_a_household_number():
    with pytest.raises(ValidationFailed):
        validate_registration_number("27A8002435", kind=ProducerKind.COOPERATIVE)


# --- phones, years, counts, text ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912 345 678", "0912345678"),
        ("+84 912.345.678", "0912345678"),
        ("84912345678", "0912345678"),
        ("024 3825 1234", "02438251234"),
        ("1900 1234", "19001234"),
        ("", ""),
    ],
)
def test_vietnamese_phone_numbers_are_normalised(raw, expected):
    assert validate_phone(raw) == expected


@pytest.mark.parametrize("raw", ["0112345678", "091234567", "phone", "+1 202 555 0100", 912345678])
def test_other_phone_numbers_are_refused(raw):
    with pytest.raises(ValidationFailed):
        validate_phone(raw)


def test_founded_year_runs_from_1900_to_this_year():
    with clock.freeze(dt.date(2026, 3, 1)):
        assert validate_founded_year(1900) == 1900
        assert validate_founded_year("2026") == 2026
        assert validate_founded_year(None) is None
        for bad in (1899, 2027, "abc", True, 2000.5):
            with pytest.raises(ValidationFailed):
                validate_founded_year(bad)


def test_counts_are_whole_numbers_from_zero():
    assert validate_count(0, field="members_count") == 0
    assert validate_count("12", field="members_count") == 12
    for bad in (-1, "-1", "1.5", False, 10**12):
        with pytest.raises(ValidationFailed) as exc:
            validate_count(bad, field="members_count")
        assert exc.value.errors[0]["loc"] == ["members_count"]


def test_text_is_stripped_nfc_and_length_checked():
    decomposed = "Ho\u0302\u0323"  # "Hộ" with combining marks
    assert validate_text(f"  {decomposed} ", field="name", max_length=10) == "Hộ"
    with pytest.raises(ValidationFailed) as exc:
        validate_text("x" * 11, field="name", max_length=10)
    assert "Tối đa 10 ký tự" in exc.value.errors[0]["message"]
    with pytest.raises(ValidationFailed):
        validate_text("   ", field="name", max_length=10, required=True)
    with pytest.raises(ValidationFailed):
        validate_text(123, field="name", max_length=10)
