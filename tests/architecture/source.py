"""Read the project's own modules as syntax trees (no import side effects)."""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

SRC = Path(settings.SRC_DIR)  # src/ocop
PACKAGE = "ocop"


@dataclass(frozen=True)
class Module:
    path: Path
    name: str  # dotted, e.g. ocop.producers.services

    @property
    def app(self) -> str:
        return self.name.split(".")[1] if self.name.count(".") >= 1 else ""

    @property
    def parts(self) -> list[str]:
        return self.name.split(".")

    @property
    def in_tests(self) -> bool:
        return "tests" in self.parts[2:]

    @property
    def in_migrations(self) -> bool:
        return "migrations" in self.parts[2:]

    @property
    def relative(self) -> str:
        root = SRC.parent.parent
        return (
            str(self.path.relative_to(root)) if self.path.is_relative_to(root) else str(self.path)
        )

    @property
    def tree(self) -> ast.Module:
        return _parse(self.path)


@cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def modules() -> Iterator[Module]:
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield Module(path=path, name=".".join(parts))


def where(module: Module, node: ast.AST) -> str:
    return f"{module.relative}:{getattr(node, 'lineno', '?')}"
