"""Demo data: a stamp batch for a certified demo product, issued, with one activated lot.
Called by loader.load_demo() after the certificates section; idempotent, through services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ocop.certificates import selectors as certificate_selectors
from ocop.certificates.models import Certificate
from ocop.core import clock
from ocop.core.actor import Actor
from ocop.stamps import services
from ocop.stamps.constants import BatchStatus
from ocop.stamps.models_register import Lot, StampBatch

DEMO_QUANTITY = 200
DEMO_LOT = {"first_number": 1, "last_number": 50, "lot_number": "DEMO-L01", "quantity": 50}


def _demo_certificate() -> Certificate | None:
    """The first certificate in force today, demo ones first (None before the certificates demo)."""
    in_force = Certificate.objects.filter(certificate_selectors.in_force_q(clock.today()))
    return (
        in_force.select_related("product__province", "product__producer")
        .order_by("-is_demo", "id")
        .first()
    )


def load(report: Any) -> None:
    """Load this section; `report.count(kind)` tallies what was created."""
    certificate = _demo_certificate()
    if certificate is None:
        return
    actor = Actor.system("demo")
    batch = StampBatch.objects.filter(product=certificate.product, is_demo=True).first()
    if batch is None:
        batch = services.batch_request(
            actor=actor,
            product=certificate.product,
            quantity=DEMO_QUANTITY,
            note="Lô tem trình diễn",
        )
        StampBatch.objects.filter(pk=batch.pk).update(is_demo=True)
        report.count("stamp_batches")
    if batch.status == BatchStatus.REQUESTED:
        batch = services.batch_approve(actor=actor, batch=batch, note="Phê duyệt trình diễn")
    if batch.status == BatchStatus.ISSUED and not Lot.objects.filter(batch=batch).exists():
        today = clock.today()
        produced = max(today - dt.timedelta(days=7), certificate.valid_from)
        services.lot_activate(
            actor=actor,
            batch=batch,
            production_date=produced,
            best_before=produced + dt.timedelta(days=365),
            **DEMO_LOT,
        )
        report.count("stamp_lots")
