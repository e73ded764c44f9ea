"""The English catalogue: complete, not fuzzy, compiled, and used when the user picks English.

Message IDs are the Vietnamese UI text (docs/adr/0002-vietnamese-source-strings.md). Extraction may lag
behind new strings (`make messages` refreshes it); what is checked here is that every entry in the
catalogue is translated and that the committed .mo matches the committed .po.
"""

import ast
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

CATALOGUE_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = CATALOGUE_DIR / "django.po"
MO_FILE = CATALOGUE_DIR / "django.mo"

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> dict[str, str]:
        return {k: v for k, v in self.fields.items() if k.startswith("msgstr")}


def parse_po(text: str) -> list[Entry]:
    """Active entries of a .po file (obsolete `#~` entries and comments are skipped)."""
    entries: list[Entry] = []
    current: Entry | None = None
    key = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            current = None
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                if current is None:
                    current = Entry(line=number)
                    entries.append(current)
                current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith('"'):
            current.fields[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current.fields[key] = ast.literal_eval(value)
    return [entry for entry in entries if "msgid" in entry.fields]


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO_FILE.exists(), f"{PO_FILE} is missing"
    return [entry for entry in parse_po(PO_FILE.read_text(encoding="utf-8")) if entry.msgid]


def test_parser_reads_plurals_continuations_and_flags():
    sample = (
        'msgid ""\nmsgstr "Language: en\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "a"\n"b %(n)s"\nmsgid_plural "c"\n'
        'msgstr[0] ""\nmsgstr[1] "d"\n\n#~ msgid "old"\n#~ msgstr ""\n'
    )
    header, entry = parse_po(sample)
    assert header.msgid == ""
    assert entry.msgid == "ab %(n)s"
    assert entry.flags == {"fuzzy", "python-format"}
    assert entry.translations == {"msgstr[0]": "", "msgstr[1]": "d"}


def test_catalogue_is_substantial(entries):
    assert len(entries) > 500


def test_no_empty_translations(entries):
    empty = [
        f"line {e.line}: {e.msgid!r}"
        for e in entries
        if not e.translations or not all(v.strip() for v in e.translations.values())
    ]
    assert not empty, "untranslated entries:\n" + "\n".join(empty)


def test_no_fuzzy_entries():
    fuzzy = [
        f"line {e.line}: {e.msgid!r}"
        for e in parse_po(PO_FILE.read_text(encoding="utf-8"))
        if "fuzzy" in e.flags
    ]
    assert not fuzzy, "fuzzy entries (review them and drop the flag):\n" + "\n".join(fuzzy)


def test_placeholders_are_kept(entries):
    wrong = []
    for e in entries:
        if "python-format" not in e.flags and "python-brace-format" not in e.flags:
            continue
        expected = set(PLACEHOLDER.findall(e.msgid))
        for key, value in e.translations.items():
            if set(PLACEHOLDER.findall(value)) != expected:
                wrong.append(f"line {e.line} {key}: {e.msgid!r} -> {value!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_message_ids_are_nfc(entries):
    not_nfc = [e.msgid for e in entries if unicodedata.normalize("NFC", e.msgid) != e.msgid]
    assert not not_nfc, f"message IDs must be stored NFC: {not_nfc}"


def test_mo_is_compiled_from_the_po(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed")
    compiled = tmp_path / "django.mo"
    # The same invocation as `manage.py compilemessages`.
    subprocess.run([msgfmt, "--check-format", "-o", str(compiled), str(PO_FILE)], check=True)
    assert MO_FILE.exists(), "django.mo is missing: run `manage.py compilemessages -l en`"
    assert compiled.read_bytes() == MO_FILE.read_bytes(), (
        "django.mo is out of date: run `manage.py compilemessages -l en` and commit it"
    )


@pytest.mark.parametrize(
    ("source", "english"),
    [
        ("Hệ thống quản lý OCOP", "OCOP Management System"),
        ("Chủ thể OCOP", "OCOP producer"),
        ("Sản phẩm", "Products"),
        ("Hợp tác xã (HTX)", "Cooperative (HTX)"),
        ("Đăng nhập", "Sign in"),
    ],
)
def test_known_strings_translate_to_english(source, english):
    with translation.override("en"):
        assert translation.gettext(source) == english
    with translation.override("vi"):
        assert translation.gettext(source) == source


def test_plural_forms_follow_english_rules():
    with translation.override("en"):
        one = translation.ngettext("%(n)s phiên bản cũ", "%(n)s phiên bản cũ", 1) % {"n": 1}
        many = translation.ngettext("%(n)s phiên bản cũ", "%(n)s phiên bản cũ", 3) % {"n": 3}
    assert (one, many) == ("1 older version", "3 older versions")


@pytest.mark.django_db
def test_home_page_is_english_with_the_language_cookie():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/").content.decode()
    assert '<html lang="en"' in body
    assert "One Commune One Product" in body
    assert "Sign in to the system" in body
    assert "Đăng nhập hệ thống" not in body


@pytest.mark.django_db
def test_home_page_is_vietnamese_without_the_cookie():
    body = Client().get("/").content.decode()
    assert '<html lang="vi"' in body
    assert "Đăng nhập hệ thống" in body
    assert "Sign in to the system" not in body
