"""Test data for verification, scan log and alert tests: stamps in every state, signed tokens.

Builds register rows with factory_boy directly (the register's own services are tested in their
modules); `genuine_stamp()` is an activated stamp of a lot under a certificate valid on TODAY.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import factory

from ocop.certificates.tests.factories import CertificateFactory
from ocop.core import clock
from ocop.stamps import codes, scanlog
from ocop.stamps.constants import BatchStatus, StampState
from ocop.stamps.models import Alert, AlertKind, Lot, Stamp, StampBatch
from ocop.stamps.models_scan import AlertStatus

# A day inside CertificateFactory's validity (01/03/2025 – 01/03/2028), away from its edges.
TODAY = dt.date(2026, 1, 15)
GTIN = "8930000000019"  # a valid GTIN-13 (check digit 9)


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StampBatch

    code = factory.Sequence(lambda n: f"LT-TEST-{n:06d}")
    certificate = factory.SubFactory(CertificateFactory)
    product = factory.LazyAttribute(lambda o: o.certificate.product)
    producer = factory.LazyAttribute(lambda o: o.certificate.producer)
    province = factory.LazyAttribute(lambda o: o.certificate.province)
    commune = factory.LazyAttribute(lambda o: o.certificate.commune)
    quantity = 100
    status = BatchStatus.ISSUED
    requested_at = factory.LazyFunction(clock.now)
    key_id = "A"
    issued_count = 100


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    batch = factory.SubFactory(BatchFactory)
    certificate = factory.LazyAttribute(lambda o: o.batch.certificate)
    lot_number = factory.Sequence(lambda n: f"L{n:05d}")
    production_date = dt.date(2025, 12, 1)
    best_before = dt.date(2026, 12, 1)
    quantity = 100
    first_number = 1
    last_number = 100
    activated_at = factory.LazyFunction(clock.now)


class StampFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stamp

    serial = factory.LazyFunction(codes.new_serial)
    batch = factory.SubFactory(BatchFactory)
    number = factory.Sequence(lambda n: n + 1)
    state = StampState.ACTIVATED
    lot = factory.SubFactory(LotFactory, batch=factory.SelfAttribute("..batch"))


class AlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alert

    kind = AlertKind.MANY_SCANS
    status = AlertStatus.OPEN
    province = None
    stamp_serial = factory.LazyFunction(codes.new_serial)
    dedup_key = factory.LazyAttribute(lambda o: f"{o.kind}:{o.stamp_serial}")
    summary = "Mã bị quét quá nhiều lần."
    first_seen_at = factory.LazyFunction(clock.now)
    last_seen_at = factory.LazyFunction(clock.now)
    evidence = factory.LazyFunction(
        lambda: [{"at": "2026-01-15T09:00:00+07:00", "outcome": "genuine", "place": "Hà Nội"}]
    )


def genuine_stamp(**kwargs) -> Stamp:
    return StampFactory(**kwargs)


def inactive_stamp(**kwargs) -> Stamp:
    return StampFactory(state=StampState.ISSUED, lot=None, **kwargs)


def voided_stamp(**kwargs) -> Stamp:
    return StampFactory(state=StampState.VOIDED, **kwargs)


def token(stamp: Stamp) -> str:
    return codes.sign(stamp.serial)


def forged_token(stamp: Stamp) -> str:
    """The stamp's token with one tag character changed (a tampered copy)."""
    good = token(stamp)
    last = good[-2]
    swap = "1" if last != "1" else "2"
    return good[:-2] + swap + good[-1]


def scan(**kwargs) -> scanlog.Scan:
    values = {
        "at": clock.now(),
        "token": "X" * 29,
        "outcome": "genuine",
        "channel": "page",
        "client_hash": "c" * 32,
    }
    values.update(kwargs)
    return scanlog.Scan(**values)


def scanned_stamp() -> Stamp:
    """A genuine stamp whose one earlier scan is already written to the log."""
    stamp = genuine_stamp()
    scanlog.write_batch([scan(token=token(stamp), serial=stamp.serial)])
    return stamp


@contextmanager
def fresh_buffer():
    """A clean buffer for this test (nothing left from another test)."""
    buf = scanlog.buffer()
    buf._take(len(buf) + 1)
    try:
        yield buf
    finally:
        buf._take(len(buf) + 1)
