"""Test data for stamps. `StampBatchFactory()` is a requested batch of 20 codes for the product of
a valid certificate (certificates.tests.factories.CertificateFactory); `issued_batch()` approves and
issues one through the service; `activated_lot()` binds a range of it to a lot."""

from __future__ import annotations

import datetime as dt

import factory

from ocop.certificates.tests.factories import CertificateFactory
from ocop.core import clock
from ocop.core.actor import Actor
from ocop.stamps import services
from ocop.stamps.constants import BatchStatus
from ocop.stamps.models_register import Lot, StampBatch


class StampBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StampBatch

    class Params:
        certificate_obj = factory.SubFactory(CertificateFactory)

    code = factory.Sequence(lambda n: f"TEM-T-2026-{n + 1:05d}")
    product = factory.LazyAttribute(lambda o: o.certificate_obj.product)
    producer = factory.LazyAttribute(lambda o: o.product.producer)
    province = factory.LazyAttribute(lambda o: o.product.province)
    commune = factory.LazyAttribute(lambda o: o.product.commune)
    certificate = factory.LazyAttribute(lambda o: o.certificate_obj)
    quantity = 20
    status = BatchStatus.REQUESTED
    requested_at = factory.LazyFunction(clock.now)


def issued_batch(**kwargs) -> StampBatch:
    """A batch approved and issued through the services (kwargs go to StampBatchFactory)."""
    batch = StampBatchFactory(**kwargs)
    return services.batch_approve(actor=Actor.system("test"), batch=batch)


def activated_lot(batch: StampBatch, first: int = 1, last: int = 10, **values) -> Lot:
    """Activate stamps first..last of an issued batch as a lot (system actor)."""
    fields = {
        "lot_number": "LO-01",
        "production_date": clock.today() - dt.timedelta(days=1),
        "best_before": clock.today() + dt.timedelta(days=180),
        "quantity": last - first + 1,
        **values,
    }
    return services.lot_activate(
        actor=Actor.system("test"), batch=batch, first_number=first, last_number=last, **fields
    )
