"""Every read of the stamps register, scoped to the actor (an object outside the scope raises
NotFound, like a missing one), plus the one-query lookup used by public verification.

Public contract for verification (`stamp_lookup`): given a serial from a checked token, one SELECT
returns the stamp with its batch, lot, product, producer, commune, province and the certificate
(the lot's certificate once activated, else the batch's), or None.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from ocop.accounts.constants import Role
from ocop.certificates import selectors as certificate_selectors
from ocop.certificates.models import Certificate
from ocop.core import clock
from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.errors import NotFound
from ocop.products import policies as product_policies
from ocop.products.models import Product
from ocop.stamps import policies
from ocop.stamps.constants import STREAM_CHUNK, BatchStatus
from ocop.stamps.models_register import Lot, RegisterEvent, Stamp, StampBatch

LOOKUP_RELATED = (
    "batch__product__producer",
    "batch__product__commune",
    "batch__product__province",
    "batch__certificate",
    "lot__certificate",
)


# --- public verification -------------------------------------------------------------------------
def stamp_lookup(serial: int) -> Stamp | None:
    """The stamp `serial` with everything the verification page shows, in ONE query, or None.

    Read: `stamp.state`, `stamp.batch` (`.key_id`, `.code`), `stamp.lot` (None until activated:
    `.lot_number`, `.production_date`, `.best_before`), `stamp.batch.product` (`.name`, `.gtin`,
    `.producer.name`, `.commune.name`, `.province.name`) and `stamp_certificate(stamp)` (no query)
    for the certificate whose live status to show (`certificates.selectors.certificate_status`).
    Call it only with a serial from `codes.parse()`: forged tokens never reach the database.
    """
    return Stamp.objects.select_related(*LOOKUP_RELATED).filter(serial=serial).first()


def stamp_certificate(stamp: Stamp) -> Any:
    """The certificate that speaks for a looked-up stamp: its lot's, else its batch's (no query)."""
    if stamp.lot_id is not None:
        return stamp.lot.certificate
    return stamp.batch.certificate


# --- batches -------------------------------------------------------------------------------------
def _batches() -> QuerySet[StampBatch]:
    return StampBatch.objects.select_related(
        "product", "producer", "province", "commune", "certificate"
    )


def batch_list(
    *, actor: Actor, status: str | None = None, product: str | None = None
) -> QuerySet[StampBatch]:
    require(actor, policies.can_list_batches)
    qs = policies.scope_batches(actor, _batches())
    if status in BatchStatus.values:
        qs = qs.filter(status=status)
    if product:
        try:
            qs = qs.filter(product__public_id=uuid.UUID(str(product)))
        except ValueError:
            return qs.none()
    return qs.order_by("-requested_at", "-id")


def batch_get(*, actor: Actor, public_id: Any) -> StampBatch:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound() from None
    batch = policies.scope_batches(actor, _batches()).filter(public_id=key).first()
    if batch is None:
        raise NotFound()
    return batch


def batch_lots(*, batch: StampBatch) -> QuerySet[Lot]:
    return Lot.objects.filter(batch=batch).select_related("certificate").order_by("first_number")


def batch_events(*, batch: StampBatch) -> QuerySet[RegisterEvent]:
    return RegisterEvent.objects.filter(batch=batch).select_related("lot").order_by("at", "id")


def batch_state_counts(*, batch: StampBatch) -> dict[str, int]:
    """Stamps per state (one grouped query)."""
    from django.db.models import Count

    rows = Stamp.objects.filter(batch=batch).values("state").annotate(n=Count("serial"))
    return {row["state"]: row["n"] for row in rows.order_by()}


@dataclass(frozen=True)
class PrintRow:
    number: int
    serial: int
    state: str


def batch_stamps(
    *, batch: StampBatch, first: int = 1, last: int | None = None, chunk: int = STREAM_CHUNK
) -> Iterator[PrintRow]:
    """The batch's stamps in number order, read by keyset pages of `chunk` rows (no server-side
    cursor, constant memory)."""
    after = first - 1
    end = last if last is not None else batch.quantity
    while after < end:
        page = list(
            Stamp.objects.filter(batch_id=batch.pk, number__gt=after, number__lte=end)
            .order_by("number")
            .values_list("number", "serial", "state")[:chunk]
        )
        if not page:
            return
        for number, serial, state in page:
            yield PrintRow(number, serial, state)
        after = page[-1][0]


# --- what a producer may ask stamps for ----------------------------------------------------------
def requestable_products(*, actor: Actor) -> QuerySet[Product]:
    """Products the actor may request stamps for whose certificate is in force today (one query)."""
    if not policies.can_request_batch(actor):
        return Product.objects.none()
    qs = product_policies.scope_products(actor, Product.objects.select_related("producer"))
    if not (actor.is_system or actor.has_role(Role.ADMIN)):
        qs = qs.filter(producer__representatives__user_id=actor.user_id)
    in_force = Certificate.objects.filter(certificate_selectors.in_force_q(clock.today()))
    return qs.filter(pk__in=in_force.values("product_id")).order_by("name", "id")


def product_for_request(*, actor: Actor, public_id: Any) -> Product:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound() from None
    qs = product_policies.scope_products(actor, Product.objects.select_related("producer"))
    product = qs.filter(public_id=key).first()
    if product is None:
        raise NotFound()
    return product
