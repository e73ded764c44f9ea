"""Field validators of the producer registry: tax codes, registration numbers, phones, years, counts.

Every validator takes raw input of any type, returns the normalised value, and raises only
`ValidationFailed` (one error whose `loc` names the field) with a Vietnamese message.

Tax code (mã số thuế, MST)
    10 digits ``N1..N10``: N1-N2 the province where it was issued, N3-N9 a sequence, N10 a check
    digit; branches (đơn vị phụ thuộc) add ``-NNN`` (001..999), 13 digits in all. The check
    digit: ``r = (31·N1 + 29·N2 + 23·N3 + 19·N4 + 17·N5 + 13·N6 + 7·N7 + 5·N8 + 3·N9) mod 11``,
    ``N10 = 10 - r``; when ``r = 0`` no check digit exists, so no such code is issued. Evidence:
    two independent open-source implementations agree (python-stdnum ``stdnum.vn.mst`` and
    stdnum-js ``vn/mst``), and so do published codes (0100233488, 0100047516, 0314409058-002).
    The tax regulation's own text could not be retrieved, so if it ever disagrees, it wins and
    this function changes. A sequence ``0000000`` or branch ``000`` is refused as never issued.

Household business (hộ kinh doanh) registration numbers come in several shapes, so for kind
``hkd`` we accept (after removing spaces and upper-casing):
    - a tax code as above (10 digits, or 10 + ``-NNN``), check digit verified;
    - a 12-digit personal identification number (số định danh cá nhân), which replaces the tax
      code of individuals and household businesses from 01/07/2025 (format only: it has no
      check digit);
    - a registration-certificate number: 6–20 characters of ``A-Z``, ``0-9`` and the
      separators ``-`` ``/`` ``.`` (not first or last), with at least one letter and one digit,
      e.g. ``27A8002435`` or ``41M-8000123``.
    All-digit strings of other lengths are refused: they are typing mistakes of the above.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from ocop.core import clock
from ocop.core.errors import ValidationFailed
from ocop.core.text import nfc
from ocop.producers.constants import ProducerKind

TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
TAX_CODE_RE = re.compile(r"^(\d{10})(?:-?(\d{3}))?$")
PERSONAL_ID_RE = re.compile(r"^\d{12}$")
HOUSEHOLD_RE = re.compile(r"^[A-Z0-9][A-Z0-9./-]{4,18}[A-Z0-9]$")
MOBILE_RE = re.compile(r"^0[35789]\d{8}$")
LANDLINE_RE = re.compile(r"^02\d{9}$")
HOTLINE_RE = re.compile(r"^1[89]00\d{4,6}$")
FOUNDED_YEAR_MIN = 1900
COUNT_MAX = 1_000_000  # far above any cooperative; keeps values inside the integer column
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})


def error(field: str, message: str, code: str = "invalid") -> ValidationFailed:
    """A ValidationFailed with one field error."""
    return ValidationFailed(errors=[{"loc": [field], "code": code, "message": str(message)}])


# --- codes ------------------------------------------------------------------------------------
def normalise_code(value: Any) -> str:
    """Remove all whitespace, unify dashes and upper-case; non-strings become ''."""
    if not isinstance(value, str):
        return ""
    return "".join(value.split()).translate(_DASHES).upper()


def tax_code_check_digit(first_nine: str) -> int | None:
    """The 10th digit for nine digits, or None when the weighted sum leaves no valid digit."""
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError(first_nine)
    remainder = sum(w * int(d) for w, d in zip(TAX_CODE_WEIGHTS, first_nine, strict=True)) % 11
    return None if remainder == 0 else 10 - remainder


def _is_valid_tax_base(base: str) -> bool:
    check = tax_code_check_digit(base[:9])
    return check is not None and base[2:9] != "0000000" and int(base[9]) == check


def validate_tax_code(value: Any, *, field: str = "tax_code") -> str:
    """A valid tax code, normalised to ``NNNNNNNNNN`` or ``NNNNNNNNNN-NNN``."""
    code = normalise_code(value)
    match = TAX_CODE_RE.fullmatch(code) if code.isascii() else None
    if match is None:
        raise error(
            field,
            _("Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số dạng NNNNNNNNNN-NNN với chi nhánh."),
            "producers.tax_code_format",
        )
    base, branch = match.group(1), match.group(2)
    if not _is_valid_tax_base(base) or branch == "000":
        raise error(
            field,
            _("Mã số thuế không hợp lệ (sai chữ số kiểm tra). Vui lòng kiểm tra lại."),
            "producers.tax_code_checksum",
        )
    return f"{base}-{branch}" if branch else base


def validate_registration_number(value: Any, *, kind: str, field: str = "tax_code") -> str:
    """Tax code, or for a household business also its registration or personal ID number."""
    if kind != ProducerKind.HOUSEHOLD:
        return validate_tax_code(value, field=field)
    code = normalise_code(value)
    if not code.isascii():
        code = "?"
    if TAX_CODE_RE.fullmatch(code):
        return validate_tax_code(code, field=field)
    if PERSONAL_ID_RE.fullmatch(code):
        return code
    has_letter = any(ch.isalpha() for ch in code)
    has_digit = any(ch.isdigit() for ch in code)
    if HOUSEHOLD_RE.fullmatch(code) and has_letter and has_digit:
        return code
    raise error(
        field,
        _(
            "Số đăng ký hộ kinh doanh không hợp lệ: nhập mã số thuế (10 chữ số), số định danh "
            "cá nhân (12 chữ số) hoặc số giấy chứng nhận đăng ký gồm 6–20 chữ cái và chữ số."
        ),
        "producers.registration_number_format",
    )


# --- contact ----------------------------------------------------------------------------------
def validate_phone(value: Any, *, field: str = "phone") -> str:
    """A Vietnamese phone number, normalised to digits starting with 0 ('' stays '')."""
    if value is None or value == "":
        return ""
    message = _(
        "Số điện thoại không hợp lệ: di động 10 chữ số (03, 05, 07, 08, 09…), "
        "cố định 11 chữ số (02…), có thể bắt đầu bằng +84."
    )
    if not isinstance(value, str):
        raise error(field, message, "producers.phone_invalid")
    digits = re.sub(r"[\s.()\-]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if digits.isascii() and (
        MOBILE_RE.fullmatch(digits) or LANDLINE_RE.fullmatch(digits) or HOTLINE_RE.fullmatch(digits)
    ):
        return digits
    raise error(field, message, "producers.phone_invalid")


def validate_email(value: Any, *, field: str = "email") -> str:
    if value is None or value == "":
        return ""
    text = value.strip() if isinstance(value, str) else ""
    try:
        EmailValidator()(text)
    except DjangoValidationError:
        raise error(field, _("Địa chỉ thư điện tử không hợp lệ."), "invalid") from None
    return text


def validate_website(value: Any, *, field: str = "website") -> str:
    if value is None or value == "":
        return ""
    text = value.strip() if isinstance(value, str) else ""
    if text and "://" not in text:
        text = "https://" + text
    try:
        URLValidator(schemes=["http", "https"])(text)
    except DjangoValidationError:
        raise error(field, _("Địa chỉ trang web không hợp lệ."), "invalid") from None
    return text


# --- numbers ----------------------------------------------------------------------------------
def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def validate_founded_year(value: Any, *, field: str = "founded_year") -> int | None:
    """A year from 1900 to the current year; None or '' means unknown."""
    if value is None or value == "":
        return None
    year = _as_int(value)
    current = clock.today().year
    if year is None or not FOUNDED_YEAR_MIN <= year <= current:
        raise error(
            field,
            _("Năm thành lập phải là một năm từ %(min)s đến %(max)s.")
            % {"min": FOUNDED_YEAR_MIN, "max": current},
            "producers.founded_year_range",
        )
    return year


def validate_count(value: Any, *, field: str) -> int | None:
    """A count of people: a whole number from 0; None or '' means unknown."""
    if value is None or value == "":
        return None
    number = _as_int(value)
    if number is None or not 0 <= number <= COUNT_MAX:
        raise error(
            field,
            _("Giá trị phải là số nguyên từ 0 đến %(max)s.") % {"max": f"{COUNT_MAX:,}"},
            "producers.count_range",
        )
    return number


def validate_bool(value: Any, *, field: str) -> bool:
    if isinstance(value, bool):
        return value
    raise error(field, _("Giá trị phải là đúng hoặc sai."), "invalid")


# --- text -------------------------------------------------------------------------------------
def validate_text(value: Any, *, field: str, max_length: int | None, required: bool = False) -> str:
    """NFC text, stripped; refuses non-strings, blanks when required, and overlong values."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise error(field, _("Giá trị phải là chuỗi ký tự."), "invalid")
    text = nfc(value)
    if "\x00" in text:
        raise error(field, _("Giá trị chứa ký tự không hợp lệ."), "invalid")
    if required and not text:
        raise error(field, _("Trường này là bắt buộc."), "required")
    if max_length is not None and len(text) > max_length:
        raise error(
            field,
            _("Tối đa %(max)s ký tự (hiện có %(len)s).") % {"max": max_length, "len": len(text)},
            "max_length",
        )
    return text


def validate_choice(value: Any, *, field: str, choices: type) -> str:
    """A value of a TextChoices class (its values are the stored codes)."""
    values = {str(v) for v in choices.values}
    text = str(value) if isinstance(value, str) else ""
    if text not in values:
        labels = ", ".join(f"{v} ({label})" for v, label in choices.choices)
        raise error(
            field, _("Giá trị không hợp lệ. Chọn một trong: %(choices)s.") % {"choices": labels}
        )
    return text
