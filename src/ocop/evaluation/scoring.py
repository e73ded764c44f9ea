"""Aggregating council members' totals: pure functions, no database, no rounding before banding.

The product's score is the arithmetic mean of the members' totals (criteria/README.md "Scoring"),
kept as an exact Decimal; the star is the band of the application's rule set containing it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol


class Band(Protocol):
    stars: int

    def contains(self, score: Decimal) -> bool: ...


def mean_total(totals: Iterable[Decimal | int | str]) -> Decimal:
    """Arithmetic mean of members' totals, unrounded. No totals: ValueError."""
    values = [Decimal(str(t)) for t in totals]
    if not values:
        raise ValueError("no totals to aggregate")
    return sum(values, Decimal(0)) / len(values)


def band_for(bands: Iterable[Band], score: Decimal) -> Band | None:
    """The band containing `score` (half-open bands; the top one closed), or None."""
    return next((b for b in bands if b.contains(score)), None)


def stars_for(ruleset: Any, score: Decimal) -> int:
    """Star level of `score` on a rule set (criteria.RuleSet.star_for; out of range raises)."""
    return ruleset.star_for(score).stars


def proposes_national(ruleset: Any, score: Decimal) -> bool:
    """Score at or above the rule set's national threshold: proposed to the ministry (5★)."""
    threshold = ruleset.national_threshold
    return threshold is not None and score >= threshold


def divergent_members(
    totals: Mapping[Hashable, Decimal | int | str], threshold: Decimal | int | str
) -> set[Hashable]:
    """Members whose total differs from the mean of the OTHER members' totals by more than
    `threshold` (a provincial setting: Round.divergence_threshold). One member: nobody."""
    values = {k: Decimal(str(v)) for k, v in totals.items()}
    limit = Decimal(str(threshold))
    if len(values) < 2:
        return set()
    # |v - sum_others / m| > limit  <=>  |v * m - sum_others| > limit * m  (exact, no division)
    m = len(values) - 1
    grand = sum(values.values(), Decimal(0))
    return {k for k, v in values.items() if abs(v * m - (grand - v)) > limit * m}


DISPLAY_DECIMALS = 2


def display(score: Decimal | int | str, ruleset: Any = None) -> Decimal:
    """A score as published: rounded half-up to the rule set's decimals (`score_decimals`,
    e.g. "keep at least 2 decimals"), 2 when the rule set states none. Never used for banding."""
    decimals = getattr(ruleset, "score_decimals", None) if ruleset is not None else None
    places = DISPLAY_DECIMALS if decimals is None else max(int(decimals), 0)
    return Decimal(str(score)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def display_score(application: Any) -> str | None:
    """An application's council score as published ("69.67"); None before scoring."""
    if application.score is None:
        return None
    return str(display(application.score, application.ruleset))
