"""Every read of the evaluation app, scoped to the actor (outside the scope looks missing)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from ocop.core.actor import Actor
from ocop.core.errors import NotFound
from ocop.evaluation import dossier, policies, scoring
from ocop.evaluation.models import Application, ProcessVariant, Round, StatusChange

# Dossier reads live in evaluation.dossier; re-exported here, the app's read entry point.
dossier_checklist = dossier.dossier_checklist
dossier_diff = dossier.dossier_diff
document_get = dossier.document_get
display_score = scoring.display_score


def variant_list() -> QuerySet[ProcessVariant]:
    """Process variants are reference data (not scoped)."""
    return ProcessVariant.objects.order_by("-effective_from")


def variant_in_force(*, on) -> ProcessVariant | None:
    """The variant whose [effective_from, effective_to] contains `on` (latest start wins)."""
    for variant in variant_list().exclude(is_demo=True):
        if variant.effective_from <= on and (
            variant.effective_to is None or on <= variant.effective_to
        ):
            return variant
    return None


def round_list(*, actor: Actor, year: int | None = None) -> QuerySet[Round]:
    qs = policies.scope_rounds(actor, Round.objects.select_related("province", "process_variant"))
    if year is not None:
        qs = qs.filter(year=year)
    return qs


def round_get(*, actor: Actor, public_id: uuid.UUID | str) -> Round:
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound() from None
    found = round_list(actor=actor).filter(public_id=public_id).first()
    if found is None:
        raise NotFound()
    return found


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related(
        "round__process_variant", "product", "producer", "province", "commune", "ruleset"
    )


def application_list(
    *,
    actor: Actor,
    round: Round | None = None,
    status: str | None = None,  # noqa: A002
) -> QuerySet[Application]:
    qs = policies.scope_applications(actor, _applications())
    if round is not None:
        qs = qs.filter(round=round)
    if status:
        qs = qs.filter(status=status)
    return qs


def application_get(*, actor: Actor, public_id: uuid.UUID | str) -> Application:
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound() from None
    found = application_list(actor=actor).filter(public_id=public_id).first()
    if found is None:
        raise NotFound()
    return found


def application_history(*, actor: Actor, application: Any) -> QuerySet[StatusChange]:
    """The moves of an application the actor may see, oldest first."""
    visible = application_get(actor=actor, public_id=application.public_id)
    return visible.status_changes.select_related("actor_user").order_by("at", "id")
