"""Resolve a free-text address (legacy or current format) to a current commune, or say why not.

The address is read right to left, as Vietnamese addresses are written ("…, xã, huyện, tỉnh"), twice:
once against the legacy map (province → district → commune, before 01/07/2025) and once against the
current one (province → commune); see `ocop.geo.reading`. The reading that explains more of the
input wins; when both explain it equally but disagree, the answer is ambiguous.

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
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ocop.core.text import nfc
from ocop.geo import naming
from ocop.geo.models import Commune, LegacyCommune, LegacyDistrict, LegacyProvince, Province
from ocop.geo.reading import CURRENT_LEVELS, LEGACY_LEVELS, Level, Reading, Token, split_segments

EXACT, PARTIAL, AMBIGUOUS, NOT_FOUND = "exact", "partial", "ambiguous", "not_found"
STATUSES = (EXACT, PARTIAL, AMBIGUOUS, NOT_FOUND)
MAX_CANDIDATES = 50
MAX_SUGGESTIONS = 10
MAX_SEGMENTS = 6  # the units are at the right end; earlier parts are street and village


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
    segments = split_segments(text)[-MAX_SEGMENTS:]
    if not segments:
        return Resolution(NOT_FOUND, text, message=_("Vui lòng nhập địa chỉ cần tra cứu."))
    resolution = _resolve_segments(text, segments)
    if resolution is None:
        return _not_found(text, segments)
    return resolution


def _resolve_segments(text: str, segments: list[list[Token]]) -> Resolution | None:
    legacy = Reading(segments, LEGACY_LEVELS)
    current = Reading(segments, CURRENT_LEVELS)
    if not legacy.consumed and not current.consumed:
        return None
    if legacy.consumed != current.consumed:
        winner = legacy if legacy.consumed > current.consumed else current
        return _outcome(winner, text)
    return _combine(text, _outcome(legacy, text), _outcome(current, text))


# --- what a reading says -----------------------------------------------------------------------


def _outcome(reading: Reading, text: str) -> Resolution:
    reading.narrow()
    if reading.levels[0].legacy:
        return _legacy_outcome(reading, text)
    return _current_outcome(reading, text)


def _legacy_outcome(reading: Reading, text: str) -> Resolution:
    communes = reading.found.get("legacy_commune")
    districts = reading.found.get("legacy_district")
    provinces = reading.found.get("legacy_province") or []
    legacy = {
        "legacy_province": reading.single("legacy_province"),
        "legacy_district": reading.single("legacy_district"),
        "legacy_commune": reading.single("legacy_commune"),
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
            unknown=reading.unknown,
        )
    province = provinces[0]
    return Resolution(
        PARTIAL,
        text,
        province=province.successor,
        legacy_province=province,
        candidates=_suggestions(reading, province.successor),
        message=_partial_province_message(
            _("%(old)s (trước 01/07/2025), nay thuộc %(new)s")
            % {"old": province.name, "new": province.successor.name},
            reading.unknown,
        ),
    )


def _current_outcome(reading: Reading, text: str) -> Resolution:
    communes = reading.found.get("commune")
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
    province = reading.found["province"][0]
    return Resolution(
        PARTIAL,
        text,
        province=province,
        candidates=_suggestions(reading, province),
        message=_partial_province_message(province.name, reading.unknown),
    )


def _suggestions(reading: Reading, province: Province) -> list[Commune]:
    if reading.unknown is None:
        return []
    words = naming.words(reading.unknown[1])
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
    unknown: tuple[Level, str] | None = None,
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


def _not_found(text: str, segments: list[list[Token]]) -> Resolution:
    """Nothing matched from the right: suggest what the rest matches, then near names."""
    suggestions: list[Commune] = []
    if len(segments) > 1:  # the rightmost part may be garbled ("tỉnh Quang Nom")
        rest = _resolve_segments(text, segments[:-1])
        suggestions += _options(rest) if rest else []
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


def _unknown_message(unknown: tuple[Level, str]) -> str:
    return _("Không tìm thấy «%(name)s» trong địa bàn đã nêu.") % {"name": unknown[1]}


def _partial_province_message(place: str, unknown: tuple[Level, str] | None) -> str:
    message = _("Địa chỉ chỉ xác định đến cấp tỉnh: %(place)s. Vui lòng chọn xã/phường.") % {
        "place": place
    }
    if unknown is not None:
        message = _unknown_message(unknown) + " " + message
    return message
