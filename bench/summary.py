"""bench/results/summary.txt: one line per figure, the latest run of each (quality targets §0)."""

from __future__ import annotations

from pathlib import Path

SUMMARY = Path(__file__).resolve().parent / "results" / "summary.txt"


def record(lines: list[str]) -> None:
    """Replace the lines of these figures (first word of each line) and keep the others."""
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    figures = {line.split(" ", 1)[0] for line in lines}
    kept = []
    if SUMMARY.exists():
        kept = [ln for ln in SUMMARY.read_text().splitlines() if ln.split(" ", 1)[0] not in figures]
    SUMMARY.write_text("\n".join(sorted([*kept, *lines])) + "\n")
