"""Writing the immutable rows of a validated rule set (the caller holds the transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ocop.core import clock, text
from ocop.criteria.constants import (
    RuleSetStatus,
)
from ocop.criteria.errors import NoRuleSet, ProductSetsNotLoaded
from ocop.criteria.models import Criterion, Option, Part, RuleSet, Section, StarBand
from ocop.criteria.spec import RuleSetSpec, content_hash, jsonable
from ocop.products.models import ProductSet


@dataclass(frozen=True)
class Source:
    """Where a spec came from: the YAML kept on the rule set, and the uploaded file's digest."""

    text: str
    format: str
    sha256: str
    name: str = ""


def persist(spec: RuleSetSpec, *, source: Source, status: str, created_by=None):
    """Write the rows of a validated spec (caller holds the transaction and checked the rules)."""
    sets = ProductSet.objects.filter(classification__code=spec.classification)
    if not spec.applies_to_all:
        sets = sets.filter(code__in=spec.product_sets)
    sets = list(sets)
    missing = sorted(set(spec.product_sets) - {s.code for s in sets})
    if missing or not sets:
        raise ProductSetsNotLoaded(codes=", ".join(missing) or spec.classification)
    supersedes = None
    if spec.supersedes:
        supersedes = RuleSet.objects.filter(code=spec.supersedes).first()
        if supersedes is None:  # validate() reports it first; this guards direct callers
            raise NoRuleSet(product_set=spec.supersedes, on="—")
    ruleset = RuleSet(
        code=spec.code,
        title_vi=spec.title_vi,
        title_en=spec.title_en,
        legal_basis=_json(spec.legal_basis),
        instrument=spec.instrument[:200],
        search_text=text.fold(" ".join([spec.code, spec.instrument, spec.title_vi]))[:800],
        effective_from=spec.effective_from,
        effective_to=spec.effective_to,
        classification_code=spec.classification,
        applies_to_all=spec.applies_to_all,
        status=status,
        confidence=spec.confidence,
        verification=_json(spec.verification),
        content_hash=content_hash(spec),
        source_text=source.text,
        source_format=source.format,
        source_sha256=source.sha256,
        source_name=source.name[:200],
        scale_total=spec.total_max,
        aggregation=_json(spec.aggregation),
        recognition=_json(spec.recognition),
        known_issues=_json(list(spec.known_issues)),
        supersedes=supersedes,
        is_demo=status == RuleSetStatus.DEMONSTRATION,
        created_at=clock.now(),
        created_by=created_by,
    )
    ruleset.save(force_insert=True)
    ruleset.product_sets.set(sets)
    StarBand.objects.bulk_create(
        StarBand(
            ruleset=ruleset,
            stars=b.stars,
            min_inclusive=b.min_inclusive,
            max_exclusive=b.max_exclusive,
            max_inclusive=b.max_inclusive,
            certifiable=b.certifiable,
            national_level=b.national_level,
        )
        for b in spec.star_bands
    )
    _persist_tree(ruleset, spec)
    return ruleset


def _persist_tree(ruleset, spec: RuleSetSpec) -> None:
    """Parts → sections → criteria → options, one bulk insert per level (ids come back)."""
    parts = Part.objects.bulk_create(
        Part(
            ruleset=ruleset,
            code=p.code,
            name_vi=p.name_vi,
            name_en=p.name_en,
            max_points=p.max_points,
            note=p.note,
            extra=_json(p.extra),
            position=index,
        )
        for index, p in enumerate(spec.parts)
    )
    section_specs = [
        (part, s, i)
        for part, p in zip(parts, spec.parts, strict=True)
        for i, s in enumerate(p.sections)
    ]
    sections = Section.objects.bulk_create(
        Section(
            ruleset=ruleset,
            part=part,
            code=s.code,
            source_code=s.source_code,
            name_vi=s.name_vi,
            name_en=s.name_en,
            max_points=s.max_points,
            max_points_unknown=s.max_points_unknown,
            complete=s.complete,
            topics_no_points=list(s.topics_no_points),
            note=s.note,
            extra=_json(s.extra),
            position=index,
        )
        for part, s, index in section_specs
    )
    criterion_specs = [
        (section, c)
        for section, (_part, s, _i) in zip(sections, section_specs, strict=True)
        for c in s.criteria
    ]
    criteria = Criterion.objects.bulk_create(
        Criterion(
            ruleset=ruleset,
            part_id=section.part_id,
            section=section,
            code=c.code,
            source_code=c.source_code,
            name_vi=c.name_vi,
            name_en=c.name_en,
            mandatory=c.mandatory,
            structure_uncertain=c.structure_uncertain,
            max_points=c.max_points,
            min_points=c.min_points,
            note=c.note,
            extra=_json(c.extra),
            position=position,
        )
        for position, (section, c) in enumerate(criterion_specs, start=1)
    )
    Option.objects.bulk_create(
        Option(
            ruleset=ruleset,
            criterion=criterion,
            code=o.code,
            points=o.points,
            label_vi=o.label_vi,
            label_en=o.label_en,
            aspect=o.aspect,
            extra=_json(o.extra),
            position=index,
        )
        for criterion, (_section, c) in zip(criteria, criterion_specs, strict=True)
        for index, o in enumerate(c.options)
    )


def _json(value: Any) -> Any:
    return jsonable(value)
