"""Resolve a free-text address (legacy or current format) to a current commune, or say why not.

The address is read right to left, as Vietnamese addresses are written ("…, xã, huyện, tỉnh"), twice:
once against the legacy map (province → district → commune, before 01/07/2025) and once against the
current one (province → commune). Each reading matches the words of the input against the units'
names in our tables, inside the unit matched one level up, and respects the type words the input
uses ("huyện Hòa Vang" is a district, never the commune "Xã Hòa Vang"). The reading that explains
more of the input wins; when both explain it equally but disagree, the answer is ambiguous.

Only a single, named, existing unit is reported as certain (status "exact"). A legacy commune that
the reform split between several current communes, a district, a province, a name shared by several
units, or a name not found come back as "ambiguous", "partial" or "not_found" with candidates.

`vietnamadminunits` is the source of the legacy units and of the official conversion (imported into
our tables by `geo_load`) and of province aliases ("HCM"). Its `convert_address` is not called here:
for a split commune with a street it geocodes the address online, and for a partial or garbled
input it answers with a best match that the caller cannot tell from a certain one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext as _

from ocop.core.text import nfc
from ocop.geo import naming
from ocop.geo.models import Commune, LegacyCommune, LegacyDistrict, LegacyProvince, Province

EXACT, PARTIAL, AMBIGUOUS, NOT_FOUND = "exact", "partial", "ambiguous", "not_found"
STATUSES = (EXACT, PARTIAL, AMBIGUOUS, NOT_FOUND)
MAX_CANDIDATES = 50
MAX_SUGGESTIONS = 10
_MAX_SPAN = 8  # words in one unit's name with its type ("thành phố phan rang tháp chàm")
_SEPARATORS = re.compile(r"[,;\n|/]+")
_COUNTRY = (("viet", "nam"), ("vietnam",), ("vn",))

PROVINCE_TYPES = frozenset({"tinh", "thanh pho", "thanh pho trung uong"})
DISTRICT_TYPES = frozenset({"huyen", "quan", "thi xa", "thanh pho"})
LEGACY_COMMUNE_TYPES = frozenset({"xa", "phuong", "thi tran"})
COMMUNE_TYPES = frozenset({"xa", "phuong", "dac khu"})


@dataclass(frozen=True)
class Resolution:
    """What an address names, in current units; only `status == "exact"` is certain."""

    status: str
    input: str
    province: Province | None = None
    commune: Commune | None = None
    legacy_province: LegacyProvince | None = None
    legacy_district: LegacyDistrict | None = None
    legacy_commune: LegacyCommune | None = None
    candidates: list[Commune] = field(default_factory=list)
    message: str = ""

    @property
    def is_certain(self) -> bool:
        return self.status == EXACT


def resolve(address: str) -> Resolution:
    text = " ".join(nfc(address).split())
    segments = _segments(text)
    if not segments:
        return Resolution(NOT_FOUND, text, message=_("Vui lòng nhập địa chỉ cần tra cứu."))
    legacy = _Reading(segments, (_LEGACY_PROVINCE, _LEGACY_DISTRICT, _LEGACY_COMMUNE))
    current = _Reading(segments, (_PROVINCE, _COMMUNE))
    if not legacy.consumed and not current.consumed:
        return _not_found(text, segments)
    if legacy.consumed != current.consumed:
        winner = legacy if legacy.consumed > current.consumed else current
        return winner.outcome(text)
    return _combine(text, legacy.outcome(text), current.outcome(text))


# --- reading the input ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    word: str  # folded
    tone: str  # with diacritics, tone mark position normalised
    raw: str  # as written, lower-case


def _segments(text: str) -> list[list[_Token]]:
    segments = []
    for part in _SEPARATORS.split(text):
        raw = naming.raw_words(part)
        tokens = [_Token(naming.words(w)[0], naming.tone_key(w), w) for w in raw]
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
class _Span:
    start: int  # index in the remaining tokens of the segment
    types: frozenset[str] | None  # announced by the input's type word, if any
    name: str  # folded name key
    tone: str
    size: int  # tokens consumed, type word included


def _spans(tokens: list[_Token]) -> list[_Span]:
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
            _Span(
                start=start,
                types=types,
                name=" ".join(t.word for t in name_tokens),
                tone=" ".join(t.tone for t in name_tokens),
                size=size,
            )
        )
    return spans


def _announced_types(tokens: list[_Token]) -> tuple[frozenset[str] | None, str]:
    """Types announced by the last type word in `tokens`, and the words from there on."""
    words = [t.word for t in tokens]
    for start in range(len(words) - 1, -1, -1):
        types, _size = naming.split_type(words[start:])
        if types is not None:
            return types, " ".join(t.raw for t in tokens[start:])
    return None, ""


@dataclass(frozen=True)
class _Level:
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

    def match(self, tokens: list[_Token], scope: dict[str, list[Model]]):
        """The longest span at the end of `tokens` naming units of this level, and the units."""
        spans = _spans(tokens)
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


def _narrow_by_tone(units: list[Any], span: _Span) -> list[Any]:
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


_LEGACY_PROVINCE = _Level("legacy_province", LegacyProvince, PROVINCE_TYPES, legacy=True)
_LEGACY_DISTRICT = _Level("legacy_district", LegacyDistrict, DISTRICT_TYPES, legacy=True)
_LEGACY_COMMUNE = _Level("legacy_commune", LegacyCommune, LEGACY_COMMUNE_TYPES, legacy=True)
_PROVINCE = _Level("province", Province, PROVINCE_TYPES, legacy=False)
_COMMUNE = _Level("commune", Commune, COMMUNE_TYPES, legacy=False)


class _Reading:
    """One right-to-left reading of the input against one map."""

    def __init__(self, segments: list[list[_Token]], levels: tuple[_Level, ...]) -> None:
        self.levels = levels
        self.found: dict[str, list[Any]] = {}
        self.consumed = 0
        self.unknown: tuple[_Level, str] | None = None
        self.leftover_province: list[_Token] = []
        self._read([list(s) for s in segments])

    def _read(self, segments: list[list[_Token]]) -> None:
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
            announced, words = _announced_types(segments[-1])
            if announced is None:
                continue  # an untyped name may belong to the next level
            later = frozenset().union(*(lv.types for lv in self.levels[index + 1 :]))
            if announced & later:
                continue
            if announced & level.types:
                self.unknown = (level, words)
            return

    # --- what the reading says ----------------------------------------------------------------

    def outcome(self, text: str) -> Resolution:
        self._narrow()
        if self.levels[0].legacy:
            return self._legacy_outcome(text)
        return self._current_outcome(text)

    def _narrow(self) -> None:
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

    def _single(self, level: str) -> Any:
        units = self.found.get(level) or []
        return units[0] if len(units) == 1 else None

    def _legacy_outcome(self, text: str) -> Resolution:
        communes = self.found.get("legacy_commune")
        districts = self.found.get("legacy_district")
        provinces = self.found.get("legacy_province") or []
        legacy = {
            "legacy_province": self._single("legacy_province"),
            "legacy_district": self._single("legacy_district"),
            "legacy_commune": self._single("legacy_commune"),
        }
        if communes:
            successors = _ordered_successors(communes)
            if legacy["legacy_commune"] is not None:
                legacy["legacy_district"] = legacy["legacy_commune"].district
                legacy["legacy_province"] = legacy["legacy_district"].province
            return _from_successors(text, successors, legacy, _legacy_label(communes))
        if districts:
            successors = _unique(c for d in districts for c in d.successors.all())
            if len(districts) == 1:
                legacy["legacy_province"] = districts[0].province
            return _from_successors(
                text,
                successors,
                legacy,
                _legacy_label(districts),
                partial=True,
                unknown=self.unknown,
            )
        province = provinces[0]
        return Resolution(
            PARTIAL,
            text,
            province=province.successor,
            legacy_province=province,
            candidates=self._suggestions(province.successor),
            message=_partial_province_message(
                _("%(old)s (trước 01/07/2025), nay thuộc %(new)s")
                % {"old": province.name, "new": province.successor.name},
                self.unknown,
            ),
        )

    def _current_outcome(self, text: str) -> Resolution:
        communes = self.found.get("commune")
        if communes:
            communes = sorted(communes, key=lambda c: c.code)
            if len(communes) == 1:
                commune = communes[0]
                return Resolution(
                    EXACT,
                    text,
                    province=commune.province,
                    commune=commune,
                    message=_("Xác định được: %(place)s.") % {"place": _place(commune)},
                )
            return Resolution(
                AMBIGUOUS,
                text,
                province=_common_province(communes),
                candidates=communes[:MAX_CANDIDATES],
                message=_ambiguous_message(communes),
            )
        province = self.found["province"][0]
        return Resolution(
            PARTIAL,
            text,
            province=province,
            candidates=self._suggestions(province),
            message=_partial_province_message(province.name, self.unknown),
        )

    def _suggestions(self, province: Province) -> list[Commune]:
        if self.unknown is None:
            return []
        words = naming.words(self.unknown[1])
        _types, size = naming.split_type(words)
        return _near_names(" ".join(words[size:]), province=province)


def _ordered_successors(communes: list[LegacyCommune]) -> list[Commune]:
    ordered = []
    for legacy in sorted(communes, key=lambda c: c.code):
        parts = sorted(legacy.successors.all(), key=lambda c: (c.pk != legacy.successor_id, c.code))
        ordered.extend(parts or ([legacy.successor] if legacy.successor else []))
    return _unique(ordered)


def _from_successors(
    text: str,
    successors: list[Commune],
    legacy: dict[str, Any],
    label: str,
    *,
    partial: bool = False,
    unknown: tuple[_Level, str] | None = None,
) -> Resolution:
    province = _common_province(successors)
    if len(successors) == 1 and unknown is None:
        commune = successors[0]
        return Resolution(
            EXACT,
            text,
            province=commune.province,
            commune=commune,
            message=_("%(old)s (trước 01/07/2025) nay là %(new)s.")
            % {"old": label, "new": _place(commune)},
            **legacy,
        )
    if partial and province is not None:
        message = _(
            "Địa chỉ chỉ xác định đến %(old)s (trước 01/07/2025), nay thuộc %(province)s. "
            "Cấp huyện đã bỏ từ 01/07/2025: vui lòng chọn một trong %(count)s xã/phường hiện nay."
        ) % {"old": label, "province": province.name, "count": len(successors)}
        if unknown is not None:
            message = _unknown_message(unknown) + " " + message
        status = PARTIAL
    elif partial:
        message = _ambiguous_message(successors, label=label)
        status = AMBIGUOUS
    elif legacy.get("legacy_commune") is not None:
        message = _(
            "%(old)s (trước 01/07/2025) đã được chia vào nhiều xã/phường: %(names)s. "
            "Vui lòng chọn đơn vị đúng."
        ) % {"old": label, "names": _names(successors)}
        status = AMBIGUOUS
    else:
        message = _ambiguous_message(successors, label=label)
        status = AMBIGUOUS
    return Resolution(
        status,
        text,
        province=province,
        candidates=successors[:MAX_CANDIDATES],
        message=message,
        **legacy,
    )


def _combine(text: str, legacy: Resolution, current: Resolution) -> Resolution:
    """Both maps explain the input equally well: agree, or list both answers."""
    if current.commune is not None and current.commune == legacy.commune:
        return current
    candidates = _unique([*_options(current), *_options(legacy)])
    both_partial = current.status == legacy.status == PARTIAL
    if both_partial and current.province == legacy.province:
        # The same province in both maps, nothing certain below it: keep the suggestions of both.
        return Resolution(
            PARTIAL,
            text,
            province=current.province,
            candidates=candidates[:MAX_CANDIDATES],
            message=current.message,
        )
    if not candidates:
        return current
    return Resolution(
        AMBIGUOUS,
        text,
        province=_common_province(candidates),
        candidates=candidates[:MAX_CANDIDATES],
        message=_(
            "«%(input)s» có thể hiểu theo địa giới hiện nay hoặc trước 01/07/2025, với các kết "
            "quả khác nhau. Vui lòng chọn đơn vị đúng hoặc ghi rõ loại đơn vị (xã, huyện, tỉnh)."
        )
        % {"input": text},
    )


def _options(resolution: Resolution) -> list[Commune]:
    return [resolution.commune] if resolution.commune else resolution.candidates


def _not_found(text: str, segments: list[list[_Token]]) -> Resolution:
    """Nothing matched from the right: suggest what the rest matches, then near names."""
    suggestions: list[Commune] = []
    if len(segments) > 1:
        rest = resolve(", ".join(" ".join(t.raw for t in seg) for seg in segments[:-1]))
        suggestions += _options(rest)
    for tokens in segments:
        words = [t.word for t in tokens]
        _types, size = naming.split_type(words)
        suggestions += _near_names(" ".join(words[size:]))
    suggestions = _unique(suggestions)[:MAX_SUGGESTIONS]
    message = _("Không tìm thấy đơn vị hành chính nào khớp với «%(input)s».") % {"input": text}
    if suggestions:
        message += " " + _("Có thể bạn muốn tìm một trong các đơn vị gợi ý.")
    return Resolution(NOT_FOUND, text, candidates=suggestions, message=message)


def _near_names(name: str, *, province: Province | None = None) -> list[Commune]:
    """Current communes whose name, or whose legacy communes' name, is close to `name`."""
    if not name:
        return []
    current = Commune.objects.select_related("province")
    legacy = LegacyCommune.objects.all()
    if province is not None:
        current = current.filter(province=province)
        legacy = legacy.filter(successor__province=province)
    current_keys = set(current.values_list("short_key", flat=True))
    legacy_keys = set(legacy.values_list("short_key", flat=True))
    close_current = difflib.get_close_matches(name, current_keys, n=MAX_SUGGESTIONS, cutoff=0.8)
    close_legacy = difflib.get_close_matches(name, legacy_keys, n=MAX_SUGGESTIONS, cutoff=0.8)
    found = list(current.filter(short_key__in=close_current).order_by("code"))
    found += [
        c.successor
        for c in legacy.filter(short_key__in=close_legacy, successor__isnull=False)
        .select_related("successor__province")
        .order_by("code")
    ]
    rank = {key: i for i, key in enumerate(close_current)}
    found.sort(key=lambda c: rank.get(c.short_key, len(rank)))
    return _unique(found)[:MAX_SUGGESTIONS]


# --- small helpers ----------------------------------------------------------------------------


def _unique(items) -> list[Any]:
    seen, out = set(), []
    for item in items:
        if item is not None and item.pk not in seen:
            seen.add(item.pk)
            out.append(item)
    return out


def _common_province(communes: list[Commune]) -> Province | None:
    provinces = {c.province_id for c in communes}
    return communes[0].province if len(provinces) == 1 else None


def _place(commune: Commune) -> str:
    return f"{commune.name}, {commune.province.name}"


def _names(communes: list[Commune]) -> str:
    return ", ".join(c.name for c in communes[:MAX_SUGGESTIONS]) + (
        ", …" if len(communes) > MAX_SUGGESTIONS else ""
    )


def _legacy_label(units: list[Any]) -> str:
    unit = units[0]
    if isinstance(unit, LegacyCommune):
        return (
            f"{unit.name}, {unit.district.name}, {unit.district.province.name}"
            if len(units) == 1
            else unit.name
        )
    if isinstance(unit, LegacyDistrict):
        return f"{unit.name}, {unit.province.name}" if len(units) == 1 else unit.name
    return unit.name


def _ambiguous_message(communes: list[Commune], *, label: str | None = None) -> str:
    return _(
        "«%(name)s» khớp với nhiều đơn vị hành chính (%(count)s kết quả). Vui lòng chọn đơn vị "
        "đúng hoặc ghi rõ thêm huyện, tỉnh."
    ) % {"name": label or communes[0].name, "count": len(communes)}


def _unknown_message(unknown: tuple[_Level, str]) -> str:
    return _("Không tìm thấy «%(name)s» trong địa bàn đã nêu.") % {"name": unknown[1]}


def _partial_province_message(place: str, unknown: tuple[_Level, str] | None) -> str:
    message = _("Địa chỉ chỉ xác định đến cấp tỉnh: %(place)s. Vui lòng chọn xã/phường.") % {
        "place": place
    }
    if unknown is not None:
        message = _unknown_message(unknown) + " " + message
    return message
