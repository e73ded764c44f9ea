"""Ninja schemas of the criteria API. Points and scores are decimal strings, dates ISO 8601."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema

from ocop.core.schemas import ProblemOut


class StarBandOut(Schema):
    stars: int
    min_inclusive: Decimal
    max_exclusive: Decimal | None
    max_inclusive: Decimal | None
    certifiable: bool
    national_level: bool


class OptionOut(Schema):
    code: str
    points: Decimal
    label_vi: str
    label_en: str
    aspect: str


class CriterionOut(Schema):
    code: str
    source_code: str
    name_vi: str
    name_en: str
    mandatory: str
    structure_uncertain: bool
    max_points: Decimal
    min_points: Decimal
    note: str
    options: list[OptionOut]

    @staticmethod
    def resolve_options(obj) -> list:
        return list(obj.options.all())


class SectionOut(Schema):
    code: str
    source_code: str
    name_vi: str
    name_en: str
    max_points: Decimal | None
    max_points_unknown: bool
    complete: bool
    topics_no_points: list[str]
    note: str
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_criteria(obj) -> list:
        return list(obj.criteria.all())


class PartOut(Schema):
    code: str
    name_vi: str
    name_en: str
    max_points: Decimal
    sections: list[SectionOut]

    @staticmethod
    def resolve_sections(obj) -> list:
        return list(obj.sections.all())


class RuleSetSummaryOut(Schema):
    code: str
    title_vi: str
    title_en: str
    instrument: str
    effective_from: dt.date
    effective_to: dt.date | None
    classification_code: str
    applies_to_all: bool
    product_sets: list[str]
    status: str
    status_label: str
    confidence: str
    is_scorable: bool
    needs_unverified_banner: bool
    is_demo: bool
    content_hash: str
    supersedes: str | None
    confirmed_at: dt.datetime | None

    @staticmethod
    def resolve_product_sets(obj) -> list[str]:
        return [ps.code for ps in obj.product_sets.all()]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_supersedes(obj) -> str | None:
        return obj.supersedes.code if obj.supersedes_id else None


class RuleSetOut(RuleSetSummaryOut):
    legal_basis: dict[str, Any]
    scale_total: Decimal
    part_maxima: dict[str, Decimal]
    aggregation: dict[str, Any]
    recognition: dict[str, Any]
    known_issues: list[dict[str, Any]]
    confirmation_note: str
    parts: list[PartOut]
    star_bands: list[StarBandOut]

    @staticmethod
    def resolve_parts(obj) -> list:
        return list(obj.parts.all())

    @staticmethod
    def resolve_star_bands(obj) -> list:
        return list(obj.star_bands.all())

    @staticmethod
    def resolve_part_maxima(obj) -> dict[str, Decimal]:
        return obj.part_maxima()


class RuleProblemOut(Schema):
    """One broken rule of a rule set, with the declared and computed sums where they apply."""

    loc: list[str]
    code: str
    message: str
    declared: str | None = None
    computed: str | None = None


class ValidationReportOut(Schema):
    valid: bool
    code: str | None
    content_hash: str | None
    criteria: int | None
    options: int | None
    problems: list[RuleProblemOut]


class ConfirmIn(Schema):
    note: str


class ProblemDetailOut(ProblemOut):
    """RFC 9457 problem details (application/problem+json); `errors` lists every rule broken."""

    errors: list[RuleProblemOut] | None = None
