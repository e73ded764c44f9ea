"""Load and validate `ocop-criteria/v1` rule sets (README "Rules the loader / validator must enforce").

Pure functions first: `read_yaml(text)` → mapping, `check_document(data, taxonomy=, existing=)` →
`Report` listing every problem with its location and, for sums, both sides (parsing in
criteria.parse, the rules in criteria.rules). `current_taxonomy()` and `existing_ranges()` read
what the rules compare against. Writing is criteria.persist; services (criteria.services) wrap it
with the policy check, the "same code, same hash" rule and the audit entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from ocop.criteria.errors import UploadUnreadable
from ocop.criteria.parse import parse_document
from ocop.criteria.rules import ActiveRange, Taxonomy, validate
from ocop.criteria.spec import Problem, RuleSetSpec, content_hash, to_document

RULESETS_DIR = Path(__file__).resolve().parent / "rulesets"
PRODUCT_SETS_FILE = (
    Path(__file__).resolve().parent.parent / "products" / "data" / "product-sets.yaml"
)
MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a rule set is ~50 kB; anything far larger is not one


@dataclass
class Report:
    """The outcome of validating one document: valid only when `problems` is empty."""

    spec: RuleSetSpec | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.spec is not None and not self.problems

    @property
    def content_hash(self) -> str | None:
        return content_hash(self.spec) if self.spec is not None else None

    def errors(self) -> list[dict[str, Any]]:
        return [p.as_error() for p in self.problems]

    def summary(self) -> dict[str, Any] | None:
        return self.spec.summary() if self.spec is not None else None


# --- reading ---------------------------------------------------------------------------------
def read_yaml(text: str) -> Any:
    """Parse YAML safely: no tags, no aliases (no 'billion laughs'), bounded size."""
    if len(text.encode("utf-8")) > MAX_SOURCE_BYTES:
        raise UploadUnreadable(reason=_("tệp quá lớn"))
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise UploadUnreadable(reason=_("YAML không được dùng tham chiếu (alias)"))
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (dòng {mark.line + 1})" if mark is not None else ""
        raise UploadUnreadable(reason=_("YAML không hợp lệ") + where) from exc


def decode_text(data: bytes) -> str:
    if b"\x00" in data:
        raise UploadUnreadable(reason=_("tệp không phải văn bản"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadUnreadable(reason=_("tệp phải mã hóa UTF-8")) from exc


def dump_yaml(spec: RuleSetSpec, *, status: str | None = None) -> str:
    header = "# ocop-criteria/v1 — generated from the project's stored rule set\n"
    body = yaml.safe_dump(
        to_document(spec, status=status), allow_unicode=True, sort_keys=False, width=100
    )
    return header + body


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- taxonomy and existing ranges --------------------------------------------------------------
def taxonomy_from_file(path: Path = PRODUCT_SETS_FILE) -> dict[str, frozenset[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        str(c["id"]): frozenset(str(s["code"]) for s in c.get("product_sets") or [])
        for c in data.get("classifications") or []
    }


def taxonomy_from_db() -> dict[str, frozenset[str]]:
    from ocop.products.models import ProductSet

    out: dict[str, set[str]] = {}
    for cls_code, set_code in ProductSet.objects.values_list("classification__code", "code"):
        out.setdefault(cls_code, set()).add(set_code)
    return {k: frozenset(v) for k, v in out.items()}


def current_taxonomy() -> dict[str, frozenset[str]]:
    """ProductSet rows once loaded; the project's classification file before that."""
    return taxonomy_from_db() or taxonomy_from_file()


def existing_ranges() -> list[ActiveRange]:
    """Every loaded rule set not yet superseded, with its product sets (rule 7 input)."""
    from ocop.criteria.models import RuleSet

    rows = RuleSet.objects.filter(superseded_by_set__isnull=True).prefetch_related("product_sets")
    return [
        ActiveRange(
            code=rs.code,
            status=rs.status,
            product_sets=frozenset(ps.code for ps in rs.product_sets.all()),
            effective_from=rs.effective_from,
            effective_to=rs.effective_to,
        )
        for rs in rows
    ]


def check_document(
    data: Any, *, taxonomy: Taxonomy, existing: Iterable[ActiveRange] = ()
) -> Report:
    """Parse and validate a v1 mapping; the report lists shape and rule problems together."""
    spec, problems = parse_document(data)
    if spec is not None:
        problems = problems + validate(spec, taxonomy=taxonomy, existing=existing)
    return Report(spec=spec, problems=problems)


def check_yaml(text: str, *, taxonomy: Taxonomy, existing: Iterable[ActiveRange] = ()) -> Report:
    return check_document(read_yaml(text), taxonomy=taxonomy, existing=existing)


def shipped_files() -> list[Path]:
    return sorted(RULESETS_DIR.glob("*.yaml"))
