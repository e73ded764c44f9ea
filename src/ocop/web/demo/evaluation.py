"""Demo data: evaluation rounds (a historic QĐ 1048 round, a current two-tier round). Called by loader.load_demo(), idempotent, through services."""

from __future__ import annotations

from typing import Any


def load(report: Any) -> None:
    """Load this section; `report.count(kind)` tallies what was created."""
