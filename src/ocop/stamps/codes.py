"""Stamp codes: serials, signed tokens and their printed forms (ADR 0005). Pure functions, no database.

A stamp is identified by its **serial**, a random 63-bit integer that is also the primary key of
`stamps.Stamp`. What goes on the label is a **token** that carries the serial, the id of the key
that signed it and a truncated HMAC-SHA256 tag:

    token  = SERIAL(13) KID(1) TAG(15)            29 characters, Crockford base32, upper case
    SERIAL = the 63-bit serial, big-endian, 65 bits (the top two are zero)
    KID    = one Crockford character naming the signing key (settings.OCOP_STAMP_KEYS)
    TAG    = the first 72 bits of HMAC-SHA256(key, "ocop-stamp-v1" | KID | serial), 75 bits
             (the low three are zero)

Upper-case base32 fits the QR code's alphanumeric mode (5.5 bits a character instead of 8), so a
whole verification URL still makes a small code. `parse()` accepts lower case, but every other
change of a valid token is rejected: the encoding is canonical (no aliases, padding bits must be
zero), so a changed character changes the serial, the key id or the tag, and the tag no longer
matches. It runs before any database lookup: a forged token costs one HMAC.

Keys rotate without invalidating printed codes: new tokens are signed with
`OCOP_STAMP_ACTIVE_KEY`, old key ids stay in `OCOP_STAMP_KEYS` for verification. With no
settings, one key "A" is derived from SECRET_KEY (development and tests).

Printed forms:
- `verify_path(token)`           "/v/<token>"
- `gs1_path(gtin=, lot=, ...)`   GS1 Digital Link "/01/<GTIN-14>/10/<lot>/21/<serial>?s=<KID+TAG>"
  in the standard's qualifier order (01, then 22, then 10, then 21). AI 21 holds at most 20
  characters, so it carries the human serial (13 characters and a check character) and the
  signature travels in the `s` attribute; `parse_gs1()` checks it the same way.
- `human_serial(serial)`         13 characters and a mod-37 check character, printed under the QR.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from ocop.core.codes import gtin_check_digit, gtin_is_valid
from ocop.core.memo import Memo
from ocop.core.settings_cache import read_once

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"  # Crockford's check symbols, value mod 37
_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
_CHECK_VALUES = {ch: i for i, ch in enumerate(CHECK_ALPHABET)}

SERIAL_BITS = 63
SERIAL_MAX = (1 << SERIAL_BITS) - 1
SERIAL_CHARS = 13
TAG_BITS = 72
TAG_CHARS = 15
TOKEN_LENGTH = SERIAL_CHARS + 1 + TAG_CHARS
DOMAIN = b"ocop-stamp-v1"

# Global Trade Item Number as 14 digits; a GS1 lot (AI 10) is up to 20 characters of the GS1
# AI character set 82; we accept the URL-safe part of it.
LOT_PATTERN = re.compile(r"^[A-Za-z0-9\-._]{1,20}$")


class InvalidCode(ValueError):
    """A token or path that is malformed, tampered with or signed by an unknown key."""


@dataclass(frozen=True)
class Code:
    serial: int
    key_id: str

    @property
    def human(self) -> str:
        return human_serial(self.serial)


# --- keys ----------------------------------------------------------------------------------------
def _key_bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


@read_once("OCOP_STAMP_KEYS", "OCOP_STAMP_ACTIVE_KEY", "SECRET_KEY")
def keys() -> dict[str, bytes]:
    """The verification keys: settings.OCOP_STAMP_KEYS, or one key "A" derived from SECRET_KEY.

    Read once per process (every verification asks), and again after a change of the settings
    involved (`setting_changed`: tests, `override_settings`)."""
    return _read_keys()


def _read_keys() -> dict[str, bytes]:
    from django.conf import settings

    configured = getattr(settings, "OCOP_STAMP_KEYS", None)
    if configured:
        found = {str(kid).upper(): _key_bytes(value) for kid, value in configured.items()}
    else:
        derived = hmac.new(
            _key_bytes(settings.SECRET_KEY), b"ocop.stamps.key.A", hashlib.sha256
        ).digest()
        found = {"A": derived}
    for kid in found:
        if len(kid) != 1 or kid not in _VALUES:
            raise ValueError(f"stamp key id {kid!r} must be one character of {ALPHABET}")
    return found


def active_key_id() -> str:
    from django.conf import settings

    kid = str(getattr(settings, "OCOP_STAMP_ACTIVE_KEY", "") or "").upper()
    available = keys()
    if not kid:
        return sorted(available)[-1]
    if kid not in available:
        raise ValueError(f"OCOP_STAMP_ACTIVE_KEY {kid!r} is not in OCOP_STAMP_KEYS")
    return kid


# --- base32 --------------------------------------------------------------------------------------
def _encode(value: int, chars: int) -> str:
    out = []
    for _ in range(chars):
        out.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


# Crockford base32 read by int(): each symbol mapped to the digit int(…, 32) gives it, once the
# text is known to hold nothing but the alphabet (int() would also take signs, spaces, "_" and
# non-ASCII digits).
_IN_ALPHABET = re.compile(f"[{ALPHABET}]+")
_TO_INT_DIGITS = str.maketrans(ALPHABET, "0123456789abcdefghijklmnopqrstuv")


def in_alphabet(text: str) -> bool:
    """Every character is one of the code alphabet's (upper case)."""
    return _IN_ALPHABET.fullmatch(text) is not None


def _decode(text: str) -> int:
    if not _IN_ALPHABET.fullmatch(text):
        raise InvalidCode("character outside the alphabet")
    return int(text.translate(_TO_INT_DIGITS), 32)


# --- serials -------------------------------------------------------------------------------------
def new_serial() -> int:
    """A random serial in [1, 2**63 - 1] (zero is never used)."""
    while True:
        serial = secrets.randbits(SERIAL_BITS)
        if serial:
            return serial


def _check_char(serial: int) -> str:
    return CHECK_ALPHABET[serial % 37]


def human_serial(serial: int) -> str:
    """13 base32 characters and a mod-37 check character, e.g. "0F3ZK8X2M4T7QH"."""
    if not 0 < serial <= SERIAL_MAX:
        raise ValueError("serial out of range")
    return _encode(serial, SERIAL_CHARS) + _check_char(serial)


def parse_human_serial(text: str) -> int:
    """The serial of a human serial; InvalidCode for a typo (wrong check character)."""
    text = (text or "").strip().upper()
    if len(text) != SERIAL_CHARS + 1:
        raise InvalidCode("wrong length")
    serial = _decode(text[:SERIAL_CHARS])
    if not 0 < serial <= SERIAL_MAX or _check_char(serial) != text[-1]:
        raise InvalidCode("bad serial")
    return serial


# --- tokens --------------------------------------------------------------------------------------
_MACS = Memo(64)  # keys change rarely; tests use many


def _tag(key: bytes, kid: str, serial: int) -> int:
    """HMAC-SHA256 of DOMAIN + key id + serial, from a per-key state prepared once (the key's
    padding and the common prefix are hashed once, not for every code)."""
    base = _MACS.get((key, kid))
    if base is None:
        base = _MACS.keep((key, kid), hmac.new(key, DOMAIN + kid.encode(), hashlib.sha256))
    mac = base.copy()
    mac.update(serial.to_bytes(8, "big"))
    return int.from_bytes(mac.digest()[: TAG_BITS // 8], "big")


def _signature(serial: int, kid: str | None = None) -> str:
    kid = kid or active_key_id()
    tag = _tag(keys()[kid], kid, serial)
    return kid + _encode(tag << 3, TAG_CHARS)


def sign(serial: int, *, key_id: str | None = None) -> str:
    """The printed token for `serial`, signed with `key_id` (default: the active key)."""
    if not 0 < serial <= SERIAL_MAX:
        raise ValueError("serial out of range")
    return _encode(serial, SERIAL_CHARS) + _signature(serial, key_id)


class Signer:
    """Signs many serials with one key lookup (bulk issuance, print sheets)."""

    def __init__(self, key_id: str | None = None) -> None:
        self.kid = key_id or active_key_id()
        self._mac = hmac.new(keys()[self.kid], DOMAIN + self.kid.encode(), hashlib.sha256)

    def token(self, serial: int) -> str:
        mac = self._mac.copy()
        mac.update(serial.to_bytes(8, "big"))
        tag = int.from_bytes(mac.digest()[: TAG_BITS // 8], "big")
        return _encode(serial, SERIAL_CHARS) + self.kid + _encode(tag << 3, TAG_CHARS)


def _check_signature(serial: int, signature: str) -> Code:
    kid, tag_text = signature[:1], signature[1:]
    key = keys().get(kid)
    if key is None:
        raise InvalidCode("unknown key")
    if len(tag_text) != TAG_CHARS:
        raise InvalidCode("wrong length")
    raw = _decode(tag_text)
    if raw & 0b111:
        raise InvalidCode("non-canonical tag")
    if not hmac.compare_digest(
        (raw >> 3).to_bytes(9, "big"), _tag(key, kid, serial).to_bytes(9, "big")
    ):
        raise InvalidCode("bad signature")
    return Code(serial=serial, key_id=kid)


def parse(text: str) -> Code:
    """Check a token and return its serial and key id; InvalidCode otherwise. No database."""
    if not isinstance(text, str) or len(text) != TOKEN_LENGTH:
        raise InvalidCode("wrong length")
    text = text.upper()
    serial = _decode(text[:SERIAL_CHARS])
    if not 0 < serial <= SERIAL_MAX:
        raise InvalidCode("serial out of range")
    return _check_signature(serial, text[SERIAL_CHARS:])


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except InvalidCode:
        return False
    return True


# --- printed forms -------------------------------------------------------------------------------
def verify_path(token: str) -> str:
    return f"/v/{token}"


def gtin14(gtin: str) -> str:
    """A GTIN-8/12/13/14 as 14 digits (left-padded with zeros); ValueError if invalid."""
    gtin = (gtin or "").strip()
    if not gtin_is_valid(gtin):
        raise ValueError("invalid GTIN")
    return gtin.zfill(14)


def gs1_path(
    *, gtin: str, serial: int, lot: str = "", cpv: str = "", key_id: str | None = None
) -> str:
    """GS1 Digital Link path: /01/<GTIN-14>[/22/<cpv>][/10/<lot>]/21/<serial>?s=<signature>."""
    parts = [f"/01/{gtin14(gtin)}"]
    if cpv:
        parts.append(f"/22/{quote(cpv, safe='')}")
    if lot:
        parts.append(f"/10/{quote(lot, safe='')}")
    parts.append(f"/21/{human_serial(serial)}")
    return "".join(parts) + f"?s={_signature(serial, key_id)}"


@dataclass(frozen=True)
class DigitalLink:
    gtin: str
    serial: int
    key_id: str
    lot: str = ""
    cpv: str = ""


_GS1 = re.compile(
    r"^/01/(?P<gtin>\d{14})(?:/22/(?P<cpv>[^/]{1,20}))?(?:/10/(?P<lot>[^/]{1,20}))?/21/(?P<serial>[^/]+)/?$"
)


def parse_gs1(path: str, signature: str) -> DigitalLink:
    """Check a GS1 Digital Link path and its `s` attribute; InvalidCode otherwise. No database.

    The GTIN check digit and the qualifier order are checked here; whether the GTIN and lot
    belong to the stamp is for the caller's lookup.
    """
    from urllib.parse import unquote

    match = _GS1.match(path or "")
    if match is None:
        raise InvalidCode("not a GS1 Digital Link path")
    gtin = match["gtin"]
    if gtin_check_digit(gtin[:-1]) != int(gtin[-1]):
        raise InvalidCode("bad GTIN check digit")
    serial = parse_human_serial(unquote(match["serial"]))
    if not isinstance(signature, str) or len(signature) != 1 + TAG_CHARS:
        raise InvalidCode("missing or malformed signature")
    code = _check_signature(serial, signature.upper())
    return DigitalLink(
        gtin=gtin,
        serial=serial,
        key_id=code.key_id,
        lot=unquote(match["lot"] or ""),
        cpv=unquote(match["cpv"] or ""),
    )
