"""A tiny English catalogue for journeys, so the language switch can be seen to work before the
project's own English catalogue exists (written as a GNU .mo file, no gettext tools needed)."""

from __future__ import annotations

import struct
from pathlib import Path


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """Write `messages` (msgid → msgstr) as a little-endian GNU .mo catalogue."""
    entries = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    ids = sorted(entries)
    keys = [k.encode() for k in ids]
    values = [entries[k].encode() for k in ids]
    header = 7 * 4
    key_table = header
    value_table = key_table + len(ids) * 8
    data_start = value_table + len(ids) * 8
    key_offsets, value_offsets, blob = [], [], b""
    for key in keys:
        key_offsets.append((len(key), data_start + len(blob)))
        blob += key + b"\0"
    for value in values:
        value_offsets.append((len(value), data_start + len(blob)))
        blob += value + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, len(ids), key_table, value_table, 0, 0)
    out += b"".join(struct.pack("<2I", *o) for o in key_offsets)
    out += b"".join(struct.pack("<2I", *o) for o in value_offsets)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out + blob)


def english_locale_dir(root: Path, messages: dict[str, str]) -> Path:
    write_mo(root / "en" / "LC_MESSAGES" / "django.mo", messages)
    return root
