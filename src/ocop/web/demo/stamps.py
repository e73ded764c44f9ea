"""Demo data: stamp batches, activated lots and scans. Called by loader.load_demo(), idempotent, through services."""

from __future__ import annotations

from typing import Any


def load(report: Any) -> None:
    """Load this section; `report.count(kind)` tallies what was created."""
