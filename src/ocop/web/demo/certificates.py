"""Demo data: certificates issued from the demo decisions. Called by loader.load_demo(), idempotent, through services."""

from __future__ import annotations

from typing import Any


def load(report: Any) -> None:
    """Load this section; `report.count(kind)` tallies what was created."""
