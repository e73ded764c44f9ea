"""Legacy three-tier processes: a district round forwards its best products to a province round.

`round_forward` takes every application of the district round that the district council scored
(status lower_scored):
- lower-tier score ≥ the threshold → forwarded: the source moves lower_scored → forwarded
  (outcome "forwarded"), and a new application of the same product, kind, pinned rule set and
  registration enters the province round in status forwarded (ready to be scheduled), with
  `previous` pointing to the source and the source's current dossier carried over;
- below the threshold → recognised at district level when the variant's district tier
  recognises the star level of that score (QĐ 148: 3★), otherwise not recognised
  (QĐ 1048: the district recognises nothing; below 50 points is 1–2★).
The threshold is the variant's `forward_min_score` (data: 50 points for QĐ 1048). A variant
stating none (QĐ 148: not found in the decision) needs `min_score` from the officer.
Applications without a pinned rule set cannot be banded and are left as they are. A repeat call
forwards nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ocop.core import audit, clock
from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.evaluation import dossier, policies, services, variants
from ocop.evaluation.constants import ApplicationStatus, Level, Outcome, RoundStatus
from ocop.evaluation.errors import RoundInvalid
from ocop.evaluation.models import Application, Round, StatusChange


@dataclass
class ForwardResult:
    threshold: Decimal
    # (source application in the district round, new application in the province round)
    forwarded: list[tuple[Application, Application]] = field(default_factory=list)
    recognised: list[Application] = field(default_factory=list)
    not_recognised: list[Application] = field(default_factory=list)
    left: list[Application] = field(default_factory=list)  # no rule set: cannot be banded


def can_forward_round(actor: Actor, source: Round) -> bool:
    """Province officer of the district round's province (admin, system: always)."""
    return policies.can_create_round(actor, source.province)


def _threshold(source: Round, target: Round, min_score: Decimal | None) -> Decimal:
    errors: dict[str, list[str]] = {}
    variant = source.process_variant
    if source.level != Level.DISTRICT or not variants.does(variant, Level.DISTRICT, "forward"):
        errors.setdefault("source", []).append(
            _("Đợt nguồn phải là đợt cấp huyện của quy trình có chuyển hồ sơ lên tỉnh.")
        )
    if target.level != Level.PROVINCE or target.province_id != source.province_id:
        errors.setdefault("target", []).append(_("Đợt nhận phải là đợt cấp tỉnh của cùng tỉnh."))
    elif target.status == RoundStatus.DECIDED:
        errors.setdefault("target", []).append(_("Đợt cấp tỉnh đã có quyết định."))
    threshold = variant.forward_min_score
    if threshold is None:
        threshold = min_score
    if threshold is None:
        errors.setdefault("min_score", []).append(
            _("Quy trình không quy định ngưỡng điểm chuyển lên tỉnh; nhập ngưỡng áp dụng.")
        )
    if errors:
        raise RoundInvalid.from_dict(errors)
    return Decimal(str(threshold))


def _receive(*, actor: Actor, source: Application, target: Round) -> Application:
    """The province round's application of a forwarded product, in status forwarded."""
    app = Application.objects.create(
        round=target,
        product_id=source.product_id,
        producer_id=source.producer_id,
        province_id=source.province_id,
        commune_id=source.commune_id,
        kind=source.kind,
        previous=source,
        ruleset_id=source.ruleset_id,
        registration=source.registration,
        self_assessment=source.self_assessment,
        submitted_at=source.submitted_at,
        lower_tier_score=source.lower_tier_score,
        status=ApplicationStatus.FORWARDED,
        is_demo=target.is_demo,
    )
    StatusChange.objects.create(
        application=app,
        verb="forward",
        from_status=ApplicationStatus.LOWER_SCORED,
        to_status=ApplicationStatus.FORWARDED,
        actor_user_id=actor.user_id,
        actor_label=actor.username[:150],
        reason=str(source.round),
        at=clock.now(),
    )
    audit.record(actor=actor, action="evaluation.application.receive", obj=app, before=None)
    dossier.dossier_carry_over(actor=actor, application=app)
    return app


@transaction.atomic
def round_forward(
    *, actor: Actor, source: Round, target: Round, min_score: Decimal | None = None
) -> ForwardResult:
    """Forward the district round `source`'s scored products to the province round `target`
    (legacy three-tier variants); see the module docstring for what happens to each one."""
    require(actor, can_forward_round, source)
    threshold = _threshold(source, target, min_score)
    variant = source.process_variant
    result = ForwardResult(threshold=threshold)
    apps = list(
        Application.objects.select_for_update(of=("self",))
        .filter(round=source, status=ApplicationStatus.LOWER_SCORED)
        .select_related("ruleset", "round__process_variant", "product__product_set")
        .order_by("id")
    )
    taken = set(
        Application.objects.filter(round=target)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .values_list("product_id", flat=True)
    )
    for app in apps:
        score = app.lower_tier_score
        if app.ruleset is None or score is None:
            result.left.append(app)
            continue
        if score >= threshold:
            if app.product_id in taken:
                result.left.append(app)
                continue
            app.outcome = Outcome.FORWARDED
            app.save(update_fields=["outcome", "updated_at"])
            moved = services.application_transition(
                actor=actor, application=app, verb="forward", reason=str(target)
            )
            result.forwarded.append((moved, _receive(actor=actor, source=moved, target=target)))
            taken.add(app.product_id)
            continue
        stars = app.ruleset.star_for(score).stars
        app.stars = stars
        if variants.recognises(variant, Level.DISTRICT, stars):
            app.outcome = Outcome.RECOGNISED
            verb, bucket = "lower_recognise", result.recognised
        else:
            app.outcome = Outcome.NOT_RECOGNISED
            verb, bucket = "lower_reject", result.not_recognised
        app.outcome_reason = _("Điểm cấp huyện %(score)s thấp hơn ngưỡng %(threshold)s.") % {
            "score": score,
            "threshold": threshold,
        }
        app.save(update_fields=["stars", "outcome", "outcome_reason", "updated_at"])
        bucket.append(services.application_transition(actor=actor, application=app, verb=verb))
    audit.record(
        actor=actor,
        action="evaluation.round.forward",
        obj=source,
        before=None,
        reason=f"{target.pk}: {len(result.forwarded)} ≥ {threshold}",
        province_id=source.province_id,
    )
    return result
