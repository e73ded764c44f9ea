"""Name keys for matching administrative units in free-text addresses.

A unit is matched on its *short* name (the name without its type: "Xã Bình Đào" → "Bình Đào") in
two forms: a folded key without diacritics ("binh dao", stored in `short_key`) to find candidates,
and a tone key that keeps the diacritics but not where the tone mark sits ("Hoà" = "Hòa"), to tell
apart names that fold alike ("Sơn Hà" / "Sơn Hạ", both in one province).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from ocop.core.text import fold, nfc

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = ("'", "’", "‘", "`")
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}

# The words that introduce a unit's type in an address, folded, mapped to the folded division
# types they can announce. "Thành phố" names a centrally-run city or a (legacy) district-level one.
TYPE_WORDS: dict[tuple[str, ...], frozenset[str]] = {
    ("tinh",): frozenset({"tinh"}),
    ("thanh", "pho"): frozenset({"thanh pho", "thanh pho trung uong"}),
    ("tp",): frozenset({"thanh pho", "thanh pho trung uong"}),
    ("huyen",): frozenset({"huyen"}),
    ("quan",): frozenset({"quan"}),
    ("q",): frozenset({"quan"}),
    ("thi", "xa"): frozenset({"thi xa"}),
    ("tx",): frozenset({"thi xa"}),
    ("xa",): frozenset({"xa"}),
    ("phuong",): frozenset({"phuong"}),
    ("p",): frozenset({"phuong"}),
    ("thi", "tran"): frozenset({"thi tran"}),
    ("tt",): frozenset({"thi tran"}),
    ("dac", "khu"): frozenset({"dac khu"}),
}
_TYPE_WORDS_LONGEST_FIRST = sorted(TYPE_WORDS, key=len, reverse=True)

# Words that start a street-level place ("đường Thăng An", "thôn Bình Đào"): a unit name right after
# one of them is a street or village name, not the unit.
STREET_WORDS = frozenset(
    {"duong", "pho", "ngo", "ngach", "hem", "kiet", "thon", "ap", "xom", "to", "khu", "so", "lo"}
)

# How a division type is written at the start of a unit's name, when it differs from the type.
_NAME_PREFIX = {"thanh pho trung uong": "thanh pho"}


def words(text: str | None) -> list[str]:
    """Folded words, apostrophes dropped ("Ch'ơm" → "chom"), numbers without leading zeros."""
    return [_folded_word(w) for w in raw_words(text)]


@functools.lru_cache(maxsize=65536)
def _folded_word(word: str) -> str:
    return _number(fold(word))


def raw_words(text: str | None) -> list[str]:
    """Lower-case words with their diacritics, split like `words` (one raw word per folded word)."""
    value = nfc(text).lower()
    for mark in _APOSTROPHES:
        value = value.replace(mark, "")
    return _WORD.findall(value)


def key(text: str | None) -> str:
    return " ".join(words(text))


def tone_word(word: str) -> str:
    """A word's letters with the tone mark moved to the end: "hoà" and "hòa" → "hoa\u0300"."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONE_MARKS]
    letters = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    return unicodedata.normalize("NFC", letters) + "".join(tones[-1:])


def tone_key(text: str | None) -> str:
    return " ".join(_number(tone_word(w)) for w in raw_words(text))


def division_key(division_type: str) -> str:
    return key(division_type)


def short_name(name: str, division_type: str) -> str:
    """The name without its leading type: ("Xã Bình Đào", "xã") → "Bình Đào"."""
    clean = " ".join(nfc(name).split())
    dtype = division_key(division_type)
    prefix = _NAME_PREFIX.get(dtype, dtype)
    if not prefix:
        return clean
    prefix_len = len(prefix.split())
    name_words = clean.split()
    if len(name_words) > prefix_len and key(" ".join(name_words[:prefix_len])) == prefix:
        return " ".join(name_words[prefix_len:])
    return clean


def short_key(name: str, division_type: str) -> str:
    return key(short_name(name, division_type))


def split_type(tokens: list[str]) -> tuple[frozenset[str] | None, int]:
    """The division types announced at the start of `tokens` and how many tokens announce them."""
    for type_words in _TYPE_WORDS_LONGEST_FIRST:
        size = len(type_words)
        if len(tokens) > size and tuple(tokens[:size]) == type_words:
            return TYPE_WORDS[type_words], size
    return None, 0


def ends_with_type_word(tokens: list[str]) -> bool:
    return any(len(tokens) >= len(tw) and tuple(tokens[-len(tw) :]) == tw for tw in TYPE_WORDS)


def _number(word: str) -> str:
    return str(int(word)) if word.isdigit() else word
