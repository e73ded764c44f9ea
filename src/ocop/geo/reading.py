"""Reading a free-text address right to left against one map (legacy or current).

Each level (province, then district, then commune) matches the longest run of words at the right
end of what is left of the input against the units' short names (`short_key`) inside the unit
matched one level up. Type words bind: "huyện Hòa Vang" is a district, never the commune "Xã Hòa
Vang"; a name right after a street word ("đường", "thôn") is not a unit. A level that is not named
is skipped; a level named with its type but not found stops the reading (`unknown`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import Model, Prefetch, QuerySet

from ocop.geo import naming
from ocop.geo.models import Commune, LegacyCommune, LegacyDistrict, LegacyProvince, Province

_MAX_SPAN = 8  # words in one unit's name with its type ("thành phố phan rang tháp chàm")
_SEPARATORS = re.compile(r"[,;\n|/]+")
_COUNTRY = (("viet", "nam"), ("vietnam",), ("vn",))


PROVINCE_TYPES = frozenset({"tinh", "thanh pho", "thanh pho trung uong"})
DISTRICT_TYPES = frozenset({"huyen", "quan", "thi xa", "thanh pho"})
LEGACY_COMMUNE_TYPES = frozenset({"xa", "phuong", "thi tran"})
COMMUNE_TYPES = frozenset({"xa", "phuong", "dac khu"})


@dataclass(frozen=True)
class Token:
    word: str  # folded
    tone: str  # with diacritics, tone mark position normalised
    raw: str  # as written, lower-case


def split_segments(text: str) -> list[list[Token]]:
    segments = []
    for part in _SEPARATORS.split(text):
        raw = naming.raw_words(part)
        tokens = [Token(naming.words(w)[0], naming.tone_key(w), w) for w in raw]
        if tokens:
            segments.append(tokens)
    if segments:
        while segments[-1] and segments[-1][-1].word.isdigit() and len(segments[-1][-1].word) > 3:
            segments[-1] = segments[-1][:-1]  # a postal code
        last = [t.word for t in segments[-1]]
        for country in _COUNTRY:
            if tuple(last[-len(country) :]) == country:
                segments[-1] = segments[-1][: -len(country)]
                break
        if not segments[-1]:
            segments.pop()
    return segments


@dataclass(frozen=True)
class Span:
    start: int  # index in the remaining tokens of the segment
    types: frozenset[str] | None  # announced by the input's type word, if any
    name: str  # folded name key
    tone: str
    size: int  # tokens consumed, type word included


def candidate_spans(tokens: list[Token]) -> list[Span]:
    """Candidate unit names ending at the right end of `tokens`, longest first."""
    spans = []
    words = [t.word for t in tokens]
    for size in range(min(len(tokens), _MAX_SPAN), 0, -1):
        start = len(tokens) - size
        types, type_size = naming.split_type(words[start:])
        before = words[:start]
        if (
            types is None
            and before
            and (naming.ends_with_type_word(before) or before[-1] in naming.STREET_WORDS)
        ):
            continue  # "huyện Hòa Vang" is not "Hòa Vang"; "đường Thăng An" is a street
        name_tokens = tokens[start + type_size :]
        spans.append(
            Span(
                start=start,
                types=types,
                name=" ".join(t.word for t in name_tokens),
                tone=" ".join(t.tone for t in name_tokens),
                size=size,
            )
        )
    return spans


def announced_types(tokens: list[Token]) -> tuple[frozenset[str] | None, str]:
    """Types announced by the last type word in `tokens`, and the words from there on."""
    words = [t.word for t in tokens]
    for start in range(len(words) - 1, -1, -1):
        types, _size = naming.split_type(words[start:])
        if types is not None:
            return types, " ".join(t.raw for t in tokens[start:])
    return None, ""


@dataclass(frozen=True)
class Level:
    """One level of a map: which table, which type words, and how to scope it."""

    name: str
    model: type[Model]
    types: frozenset[str]
    legacy: bool

    def queryset(self, scope: dict[str, list[Model]]) -> QuerySet:
        qs = self.model.objects.all()
        if self.name == "legacy_district" and scope.get("legacy_province"):
            qs = qs.filter(province__in=scope["legacy_province"])
        elif self.name == "legacy_commune":
            if scope.get("legacy_district"):
                qs = qs.filter(district__in=scope["legacy_district"])
            elif scope.get("legacy_province"):
                qs = qs.filter(district__province__in=scope["legacy_province"])
        elif self.name == "commune" and scope.get("province"):
            qs = qs.filter(province__in=scope["province"])
        return _with_related(self.name, qs)

    def match(self, tokens: list[Token], scope: dict[str, list[Model]]):
        """The longest span at the end of `tokens` naming units of this level, and the units."""
        spans = candidate_spans(tokens)
        names = {s.name for s in spans}
        aliases = _province_aliases(self.legacy) if self.name.endswith("province") else {}
        codes = {aliases[n.replace(" ", "")] for n in names if n.replace(" ", "") in aliases}
        units = list(self.queryset(scope).filter(short_key__in=names))
        if codes:
            units += [u for u in self.queryset(scope).filter(code__in=codes) if u not in units]
        for span in spans:
            fitting = [
                u
                for u in units
                if (u.short_key == span.name or u.code in _alias_codes(aliases, span.name))
                and (span.types is None or naming.division_key(u.division_type) in span.types)
            ]
            if fitting:
                return span, _narrow_by_tone(fitting, span)
        return None, []


def _narrow_by_tone(units: list[Any], span: Span) -> list[Any]:
    same = [
        u for u in units if naming.tone_key(naming.short_name(u.name, u.division_type)) == span.tone
    ]
    return same or units


def _alias_codes(aliases: dict[str, str], name: str) -> set[str]:
    code = aliases.get(name.replace(" ", ""))
    return {code} if code else set()


@cache
def _province_aliases(legacy: bool) -> dict[str, str]:
    """Short forms the package knows for provinces ("hcm", "hn", "vungtau") -> province code."""
    from vietnamadminunits.database import query

    table = "admin_units_legacy" if legacy else "admin_units"
    rows = query(f"SELECT DISTINCT provinceCode, provinceAlias FROM {table}")  # noqa: S608
    aliases = {}
    for row in rows:
        for alias in re.findall(r"[a-z0-9]+", row["provinceAlias"] or ""):
            aliases[alias] = row["provinceCode"]
    return aliases


def _with_related(level: str, qs: QuerySet) -> QuerySet:
    if level == "legacy_commune":
        return qs.select_related(
            "district__province__successor", "successor__province"
        ).prefetch_related(
            Prefetch("successors", queryset=Commune.objects.select_related("province"))
        )
    if level == "legacy_district":
        return qs.select_related("province__successor").prefetch_related(
            Prefetch("successors", queryset=Commune.objects.select_related("province"))
        )
    if level == "legacy_province":
        return qs.select_related("successor")
    if level == "commune":
        return qs.select_related("province")
    return qs


LEGACY_PROVINCE = Level("legacy_province", LegacyProvince, PROVINCE_TYPES, legacy=True)
LEGACY_DISTRICT = Level("legacy_district", LegacyDistrict, DISTRICT_TYPES, legacy=True)
LEGACY_COMMUNE = Level("legacy_commune", LegacyCommune, LEGACY_COMMUNE_TYPES, legacy=True)
PROVINCE = Level("province", Province, PROVINCE_TYPES, legacy=False)
COMMUNE = Level("commune", Commune, COMMUNE_TYPES, legacy=False)


class Reading:
    """One right-to-left reading of the input against one map."""

    def __init__(self, segments: list[list[Token]], levels: tuple[Level, ...]) -> None:
        self.levels = levels
        self.found: dict[str, list[Any]] = {}
        self.consumed = 0
        self.unknown: tuple[Level, str] | None = None
        self._read([list(s) for s in segments])

    def _read(self, segments: list[list[Token]]) -> None:
        for index, level in enumerate(self.levels):
            while segments and not segments[-1]:
                segments.pop()
            if not segments:
                return
            span, units = level.match(segments[-1], self.found)
            if span is not None:
                self.found[level.name] = units
                self.consumed += span.size
                segments[-1] = segments[-1][: span.start]
                continue
            announced, words = announced_types(segments[-1])
            if announced is None:
                continue  # an untyped name may belong to the next level
            later = frozenset().union(*(lv.types for lv in self.levels[index + 1 :]))
            if announced & later:
                continue
            if announced & level.types:
                self.unknown = (level, words)
            return

    def narrow(self) -> None:
        """Keep only upper units that contain a matched lower unit."""
        communes = self.found.get("legacy_commune")
        if communes and "legacy_district" in self.found:
            ids = {c.district_id for c in communes}
            self.found["legacy_district"] = [
                d for d in self.found["legacy_district"] if d.pk in ids
            ]
        districts = self.found.get("legacy_district")
        if districts and "legacy_province" in self.found:
            ids = {d.province_id for d in districts}
            self.found["legacy_province"] = [
                p for p in self.found["legacy_province"] if p.pk in ids
            ]

    def single(self, level: str) -> Any:
        units = self.found.get(level) or []
        return units[0] if len(units) == 1 else None


LEGACY_LEVELS = (LEGACY_PROVINCE, LEGACY_DISTRICT, LEGACY_COMMUNE)
CURRENT_LEVELS = (PROVINCE, COMMUNE)
