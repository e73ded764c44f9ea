"""Every read of the criteria app. Rule sets are national reference data: a permitted actor sees
all of them; `ruleset_for` is the one place that picks the rule set for a product set and a date.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet

from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.errors import NotFound
from ocop.core.text import fold
from ocop.criteria import loader, policies, validation
from ocop.criteria.constants import FRAME_TIER, NEVER_ACTIVE_STATUSES, RuleSetStatus
from ocop.criteria.errors import NoRuleSet, RuleSetNotScorable
from ocop.criteria.models import Criterion, Option, Part, RuleSet, Section, StarBand
from ocop.products.models import ProductSet


def _base() -> QuerySet[RuleSet]:
    return RuleSet.objects.prefetch_related(
        Prefetch("product_sets", queryset=ProductSet.objects.order_by("code")),
        Prefetch("star_bands", queryset=StarBand.objects.order_by("min_inclusive")),
    )


def ruleset_list(
    *,
    actor: Actor,
    q: str = "",
    status: str = "",
    product_set: str = "",
    on: dt.date | None = None,
) -> QuerySet[RuleSet]:
    """Rule sets, newest first, with product sets and bands prefetched and criteria counted."""
    require(actor, policies.can_view_rulesets)
    qs = _base().annotate(
        criteria_count=Count("criteria", distinct=True),
        superseded_count=Count("superseded_by_set", distinct=True),
    )
    if q:
        qs = qs.filter(search_text__contains=fold(q))
    if status:
        qs = qs.filter(status=status)
    if product_set:
        qs = qs.filter(product_sets__code=product_set)
    if on is not None:
        qs = qs.filter(effective_from__lte=on).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on)
        )
    return qs.order_by("-effective_from", "code").distinct()


def ruleset_get(*, actor: Actor, code: str) -> RuleSet:
    """One rule set with its whole tree prefetched (parts → sections → criteria → options)."""
    require(actor, policies.can_view_rulesets)
    ruleset = ruleset_tree_queryset().filter(code=code).first()
    if ruleset is None:
        raise NotFound()
    return ruleset


def ruleset_tree_queryset() -> QuerySet[RuleSet]:
    options = Prefetch("options", queryset=Option.objects.order_by("position"))
    criteria = Prefetch(
        "criteria", queryset=Criterion.objects.order_by("position").prefetch_related(options)
    )
    sections = Prefetch(
        "sections", queryset=Section.objects.order_by("position").prefetch_related(criteria)
    )
    parts = Prefetch("parts", queryset=Part.objects.order_by("position").prefetch_related(sections))
    return (
        _base()
        .select_related("confirmed_by", "created_by", "supersedes")
        .prefetch_related(parts, "superseded_by_set")
    )


def ruleset_spec(ruleset: RuleSet):
    """The parsed source of a stored rule set (what exports write)."""
    spec, _problems = loader.parse_document(loader.read_yaml(ruleset.source_text))
    return spec


def _product_set(product_set: ProductSet | str) -> ProductSet:
    if isinstance(product_set, ProductSet):
        return product_set
    found = ProductSet.objects.filter(code=product_set).first()
    if found is None:
        raise NoRuleSet(product_set=product_set, on="—")
    return found


def _rank(ruleset: RuleSet) -> int:
    """Preference when several rule sets cover the date: a scorable sheet, then a skeleton."""
    if ruleset.is_scorable:
        return 0
    if ruleset.status in FRAME_TIER:
        return 1
    if ruleset.status in NEVER_ACTIVE_STATUSES:
        return 3
    return 2


def _refusal(ruleset: RuleSet) -> RuleSetNotScorable:
    reasons = {
        RuleSetStatus.SKELETON: "bộ khung chưa có bảng điểm; chỉ dùng để nhập tổng điểm từng phần "
        "của kết quả cũ",
        RuleSetStatus.FRAGMENT_UNVERIFIED: "trích đoạn chưa xác minh, không bao giờ được kích hoạt",
        RuleSetStatus.TEST_FIXTURE_INVALID: "dữ liệu kiểm thử",
        RuleSetStatus.DEMONSTRATION: "dữ liệu trình diễn chỉ dùng ở chế độ trình diễn",
    }
    return RuleSetNotScorable(
        ruleset=ruleset.code,
        state=ruleset.get_status_display(),
        reason=reasons.get(ruleset.status, ruleset.status),
    )


def ruleset_for(
    *, product_set: ProductSet | str, on: dt.date, scorable_only: bool = True
) -> RuleSet:
    """The rule set in force for `product_set` on `on` (inclusive range), not superseded.

    With `scorable_only` (the default, for opening score sheets) an unscorable match (skeleton,
    fragment, demonstration outside demo mode) raises RuleSetNotScorable; with False the best
    match is returned (a skeleton for importing historic part totals). None at all: NoRuleSet.
    """
    ps = _product_set(product_set)
    candidates = sorted(
        ruleset_tree_queryset()
        .filter(product_sets=ps, superseded_by_set__isnull=True, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on)),
        key=lambda rs: (_rank(rs), -rs.effective_from.toordinal(), rs.code),
    )
    if not candidates:
        raise NoRuleSet(product_set=ps.code, on=on.strftime("%d/%m/%Y"))
    best = candidates[0]
    if scorable_only and not best.is_scorable:
        raise _refusal(best)
    return best


def ruleset_for_actor(
    *, actor: Actor, product_set: str, on: dt.date, scorable_only: bool = True
) -> RuleSet:
    """`ruleset_for` behind the view permission (API and pages)."""
    require(actor, policies.can_view_rulesets)
    return ruleset_for(product_set=product_set, on=on, scorable_only=scorable_only)


def ruleset_validate(*, actor: Actor, data: bytes) -> loader.Report:
    """Validate an upload (YAML or Excel) without saving anything."""
    require(actor, policies.can_import_ruleset)
    return validation.upload_report(data)
