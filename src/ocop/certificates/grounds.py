"""Legal grounds for suspension and revocation, read from data/legal-grounds.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

DATA_FILE = Path(__file__).with_name("data") / "legal-grounds.yaml"


@dataclass(frozen=True)
class Ground:
    code: str
    actions: tuple[str, ...]
    tag: str
    name_vi: str
    name_en: str

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


@cache
def all_grounds() -> tuple[Ground, ...]:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return tuple(
        Ground(
            code=row["code"],
            actions=tuple(row["actions"]),
            tag=row["tag"],
            name_vi=row["name_vi"],
            name_en=row["name_en"],
        )
        for row in data["grounds"]
    )


def grounds_for(action: str) -> list[Ground]:
    return [g for g in all_grounds() if action in g.actions]


def ground(code: str) -> Ground | None:
    return next((g for g in all_grounds() if g.code == code), None)
