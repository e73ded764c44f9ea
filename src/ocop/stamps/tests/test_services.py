"""The stamp register: request, decision, issuance, activation per lot, returns and voids."""

import datetime as dt

import pytest

from ocop.core import clock
from ocop.core.actor import Actor
from ocop.core.errors import PermissionDenied, ValidationFailed
from ocop.core.models import AuditEvent
from ocop.stamps import codes, selectors, services
from ocop.stamps.constants import BatchStatus, RegisterEventKind, StampState
from ocop.stamps.errors import (
    BatchNotIssued,
    BatchNotPending,
    CertificateNotInForce,
    LotNumberTaken,
    StampsNotAvailable,
)
from ocop.stamps.models_register import Lot, RegisterEvent, Stamp, StampBatch
from ocop.stamps.tests.conftest import TODAY
from ocop.stamps.tests.factories import StampBatchFactory, activated_lot, issued_batch

pytestmark = pytest.mark.django_db


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=clock.LOCAL_TZ)


def lot_fields(**overrides):
    return {
        "lot_number": "L2026-06",
        "production_date": TODAY - dt.timedelta(days=2),
        "best_before": TODAY + dt.timedelta(days=365),
        "quantity": 50,
        **overrides,
    }


# --- request --------------------------------------------------------------------------------------
def test_a_producer_requests_a_batch_for_its_certified_product(
    producer_actor, product, certificate
):
    batch = services.batch_request(actor=producer_actor, product=product, quantity=25, note="Tết")
    assert batch.status == BatchStatus.REQUESTED
    assert batch.certificate == certificate
    assert batch.code == f"TEM-{product.province.code}-2026-00001"
    assert (batch.province_id, batch.producer_id) == (product.province_id, product.producer_id)
    assert list(batch.events.values_list("kind", flat=True)) == [RegisterEventKind.REQUESTED]
    assert AuditEvent.objects.filter(
        action="stamps.batch.request", object_id=str(batch.pk)
    ).exists()
    assert not Stamp.objects.exists()


@pytest.mark.parametrize("quantity", [0, -1, 1_000_001, "abc", None, 2.5j])
def test_a_quantity_outside_1_to_a_million_is_refused(producer_actor, product, quantity):
    with pytest.raises(ValidationFailed) as caught:
        services.batch_request(actor=producer_actor, product=product, quantity=quantity)
    assert "quantity" in caught.value.field_errors()
    assert not StampBatch.objects.exists()


def test_another_producer_cannot_request_for_the_product(product, other_officer):
    with pytest.raises(PermissionDenied):
        services.batch_request(actor=other_officer, product=product, quantity=5)


@pytest.mark.parametrize(
    "events",
    [
        {"revoked_at": at(TODAY - dt.timedelta(days=1))},
        {"suspended_at": at(TODAY - dt.timedelta(days=3))},
        {"valid_until": TODAY - dt.timedelta(days=1)},
    ],
    ids=["revoked", "suspended", "expired"],
)
def test_no_request_without_a_certificate_in_force(producer_actor, product, certificate, events):
    for field, value in events.items():
        setattr(certificate, field, value)
    certificate.expiring_from = min(certificate.expiring_from, certificate.valid_until)
    certificate.save()
    with pytest.raises(CertificateNotInForce):
        services.batch_request(actor=producer_actor, product=product, quantity=5)
    assert not StampBatch.objects.exists()


# --- decision and issuance -------------------------------------------------------------------------
def test_approval_issues_numbered_signed_codes(officer, product):
    batch = StampBatchFactory(certificate_obj=product.certificates.get(), quantity=30)
    batch = services.batch_approve(actor=officer, batch=batch, note="Đồng ý")
    assert batch.status == BatchStatus.ISSUED
    assert batch.issued_count == 30
    assert batch.key_id == "B"
    numbers = list(
        Stamp.objects.filter(batch=batch).order_by("number").values_list("number", flat=True)
    )
    assert numbers == list(range(1, 31))
    serials = list(Stamp.objects.filter(batch=batch).values_list("serial", flat=True))
    assert len(set(serials)) == 30 and all(0 < s <= codes.SERIAL_MAX for s in serials)
    assert sorted(serials) != serials or len(serials) < 3  # random, not sequential
    kinds = list(batch.events.values_list("kind", flat=True))
    assert kinds == [RegisterEventKind.APPROVED, RegisterEventKind.ISSUED]
    assert (
        AuditEvent.objects.filter(action="stamps.batch.issue", object_id=str(batch.pk)).count() == 1
    )


def test_issuance_in_small_chunks_gives_the_exact_count_without_gaps(product):
    batch = StampBatchFactory(certificate_obj=product.certificates.get(), quantity=23)
    StampBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.APPROVED)
    services.batch_issue(batch_id=batch.pk, chunk=5)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ISSUED
    numbers = sorted(Stamp.objects.filter(batch=batch).values_list("number", flat=True))
    assert numbers == list(range(1, 24))
    assert RegisterEvent.objects.filter(batch=batch, kind=RegisterEventKind.ISSUED).count() == 1


def test_an_interrupted_issuance_resumes_at_the_committed_count(product):
    batch = StampBatchFactory(certificate_obj=product.certificates.get(), quantity=12)
    StampBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.APPROVED)
    services._insert_serials(batch, start=1, count=7)  # a chunk committed before a crash
    StampBatch.objects.filter(pk=batch.pk).update(issued_count=7)
    services.batch_issue(batch_id=batch.pk, chunk=50)
    assert sorted(Stamp.objects.filter(batch=batch).values_list("number", flat=True)) == list(
        range(1, 13)
    )
    # Running it again changes nothing (idempotent).
    services.batch_issue(batch_id=batch.pk)
    assert Stamp.objects.filter(batch=batch).count() == 12


def test_colliding_serials_are_dropped_and_topped_up(product, monkeypatch):
    first = issued_batch(certificate_obj=product.certificates.get(), quantity=3)
    taken = list(Stamp.objects.filter(batch=first).values_list("serial", flat=True))
    drawn = iter([*taken, 11, 12, 13, 14, 15])
    monkeypatch.setattr(codes, "new_serial", lambda: next(drawn))
    second = issued_batch(certificate_obj=product.certificates.get(), quantity=4)
    assert sorted(Stamp.objects.filter(batch=second).values_list("serial", flat=True)) == [
        11,
        12,
        13,
        14,
    ]
    assert sorted(Stamp.objects.filter(batch=second).values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
    ]


def test_large_batches_are_issued_by_the_background_task(
    officer, product, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "ISSUE_INLINE_MAX", 5)
    batch = StampBatchFactory(certificate_obj=product.certificates.get(), quantity=8)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        approved = services.batch_approve(actor=officer, batch=batch)
        assert approved.status == BatchStatus.APPROVED
        assert not Stamp.objects.filter(batch=batch).exists()
    assert len(callbacks) == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ISSUED
    assert Stamp.objects.filter(batch=batch).count() == 8


def test_approval_is_refused_while_the_certificate_is_revoked(officer, product, certificate):
    batch = StampBatchFactory(certificate_obj=certificate)
    certificate.revoked_at = at(TODAY)
    certificate.save()
    with pytest.raises(CertificateNotInForce):
        services.batch_approve(actor=officer, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REQUESTED
    assert not Stamp.objects.exists()


def test_only_the_batch_province_officers_decide(product, other_officer, producer_actor):
    batch = StampBatchFactory(certificate_obj=product.certificates.get())
    for actor in (other_officer, producer_actor):
        with pytest.raises(PermissionDenied):
            services.batch_approve(actor=actor, batch=batch)


def test_a_rejection_needs_a_reason_and_closes_the_request(officer, product):
    batch = StampBatchFactory(certificate_obj=product.certificates.get())
    with pytest.raises(ValidationFailed):
        services.batch_reject(actor=officer, batch=batch, reason="  ")
    services.batch_reject(actor=officer, batch=batch, reason="Sai số lượng")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REJECTED
    with pytest.raises(BatchNotPending):
        services.batch_approve(actor=officer, batch=batch)


# --- activation --------------------------------------------------------------------------------------
def test_activation_binds_a_range_to_a_lot(producer_actor, product, certificate):
    batch = issued_batch(certificate_obj=certificate, quantity=20)
    lot = services.lot_activate(
        actor=producer_actor, batch=batch, first_number=3, last_number=12, **lot_fields()
    )
    assert lot.stamp_count == 10 and lot.certificate == certificate
    states = dict(Stamp.objects.filter(batch=batch, number=3).values_list("state", "lot_id"))
    assert states == {StampState.ACTIVATED: lot.pk}
    assert Stamp.objects.filter(batch=batch, state=StampState.ACTIVATED).count() == 10
    assert (
        Stamp.objects.filter(batch=batch, number__in=[2, 13], state=StampState.ISSUED).count() == 2
    )
    event = batch.events.get(kind=RegisterEventKind.ACTIVATED)
    assert (event.first_number, event.last_number, event.count, event.lot) == (3, 12, 10, lot)
    assert AuditEvent.objects.filter(action="stamps.lot.activate", object_id=str(lot.pk)).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"revoked_at": at(TODAY)},
        {"suspended_at": at(TODAY - dt.timedelta(days=1))},
        {"superseded_at": at(TODAY - dt.timedelta(days=1))},
        {"valid_until": TODAY - dt.timedelta(days=1)},
    ],
    ids=["revoked", "suspended", "superseded", "expired"],
)
def test_activation_is_refused_while_the_certificate_is_not_in_force(
    producer_actor, certificate, change
):
    batch = issued_batch(certificate_obj=certificate, quantity=5)
    for field, value in change.items():
        setattr(certificate, field, value)
    certificate.expiring_from = min(certificate.expiring_from, certificate.valid_until)
    certificate.save()
    with pytest.raises(CertificateNotInForce):
        services.lot_activate(
            actor=producer_actor, batch=batch, first_number=1, last_number=5, **lot_fields()
        )
    assert not Lot.objects.exists()
    assert Stamp.objects.filter(state=StampState.ISSUED).count() == 5


def test_activation_is_refused_for_a_production_date_before_the_certificate(
    producer_actor, certificate
):
    batch = issued_batch(certificate_obj=certificate, quantity=5)
    before = certificate.valid_from - dt.timedelta(days=1)
    with pytest.raises(CertificateNotInForce):
        services.lot_activate(
            actor=producer_actor,
            batch=batch,
            first_number=1,
            last_number=5,
            **lot_fields(production_date=before),
        )


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"lot_number": "lô có dấu"}, "lot_number"),
        ({"lot_number": ""}, "lot_number"),
        ({"production_date": TODAY + dt.timedelta(days=1)}, "production_date"),
        ({"best_before": TODAY - dt.timedelta(days=30)}, "best_before"),
        ({"quantity": 0}, "quantity"),
        ({"production_date": None}, "production_date"),
    ],
)
def test_bad_lot_values_are_refused_with_field_errors(
    producer_actor, certificate, fields, error_field
):
    batch = issued_batch(certificate_obj=certificate, quantity=5)
    with pytest.raises(ValidationFailed) as caught:
        services.lot_activate(
            actor=producer_actor, batch=batch, first_number=1, last_number=5, **lot_fields(**fields)
        )
    assert error_field in caught.value.field_errors()
    assert not Lot.objects.exists()


@pytest.mark.parametrize(("first", "last"), [(0, 3), (4, 2), (1, 6), ("x", 2)])
def test_ranges_outside_the_batch_are_refused(producer_actor, certificate, first, last):
    batch = issued_batch(certificate_obj=certificate, quantity=5)
    with pytest.raises(ValidationFailed):
        services.lot_activate(
            actor=producer_actor, batch=batch, first_number=first, last_number=last, **lot_fields()
        )


def test_stamps_cannot_be_activated_twice(producer_actor, certificate):
    batch = issued_batch(certificate_obj=certificate, quantity=10)
    activated_lot(batch, 1, 5)
    with pytest.raises(StampsNotAvailable):
        services.lot_activate(
            actor=producer_actor, batch=batch, first_number=5, last_number=8, **lot_fields()
        )
    with pytest.raises(LotNumberTaken):
        services.lot_activate(
            actor=producer_actor,
            batch=batch,
            first_number=6,
            last_number=8,
            **lot_fields(lot_number="LO-01"),
        )


def test_a_requested_batch_cannot_be_activated(producer_actor, certificate):
    batch = StampBatchFactory(certificate_obj=certificate)
    with pytest.raises(BatchNotIssued):
        services.lot_activate(
            actor=producer_actor, batch=batch, first_number=1, last_number=2, **lot_fields()
        )


# --- returns and voids --------------------------------------------------------------------------------
def test_a_producer_returns_unused_stamps_only(producer_actor, certificate):
    batch = issued_batch(certificate_obj=certificate, quantity=10)
    activated_lot(batch, 1, 4)
    with pytest.raises(StampsNotAvailable):
        services.stamps_return(
            actor=producer_actor, batch=batch, first_number=3, last_number=6, reason="Thừa"
        )
    count = services.stamps_return(
        actor=producer_actor, batch=batch, first_number=5, last_number=10, reason="Thừa"
    )
    assert count == 6
    assert Stamp.objects.filter(batch=batch, state=StampState.VOIDED).count() == 6
    assert batch.events.filter(kind=RegisterEventKind.RETURNED, count=6).exists()


def test_the_province_voids_activated_stamps_with_a_reason(officer, producer_actor, certificate):
    batch = issued_batch(certificate_obj=certificate, quantity=10)
    activated_lot(batch, 1, 4)
    with pytest.raises(PermissionDenied):
        services.stamps_void(
            actor=producer_actor, batch=batch, first_number=1, last_number=2, reason="x"
        )
    with pytest.raises(ValidationFailed):
        services.stamps_void(actor=officer, batch=batch, first_number=1, last_number=2, reason="")
    assert (
        services.stamps_void(
            actor=officer, batch=batch, first_number=1, last_number=2, reason="Tem in lỗi"
        )
        == 2
    )
    with pytest.raises(StampsNotAvailable):
        services.stamps_void(actor=officer, batch=batch, first_number=2, last_number=3, reason="x")
    assert AuditEvent.objects.filter(action="stamps.stamps.void", reason="Tem in lỗi").exists()


# --- the verification lookup -------------------------------------------------------------------------
def test_stamp_lookup_reads_everything_in_one_query(certificate, django_assert_num_queries):
    batch = issued_batch(certificate_obj=certificate, quantity=5)
    lot = activated_lot(batch, 1, 3)
    serial = Stamp.objects.get(batch=batch, number=2).serial
    with django_assert_num_queries(1):
        stamp = selectors.stamp_lookup(serial)
        seen = (
            stamp.state,
            stamp.lot.lot_number,
            stamp.batch.product.name,
            stamp.batch.product.producer.name,
            stamp.batch.product.commune.name,
            stamp.batch.product.province.name,
            selectors.stamp_certificate(stamp).number,
        )
    assert seen[0] == StampState.ACTIVATED and seen[1] == lot.lot_number
    assert seen[-1] == certificate.number
    assert selectors.stamp_lookup(12345) is None


def test_stamp_lookup_of_an_issued_stamp_gives_the_batch_certificate(certificate):
    batch = issued_batch(certificate_obj=certificate, quantity=2)
    stamp = selectors.stamp_lookup(Stamp.objects.filter(batch=batch).first().serial)
    assert stamp.lot is None and selectors.stamp_certificate(stamp) == certificate


def test_system_actor_may_issue(product):
    batch = issued_batch(certificate_obj=product.certificates.get(), quantity=1)
    assert Actor.system("x").is_system and batch.issued_count == 1


def test_a_serial_taken_between_check_and_copy_is_retried_without_a_gap(product, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the COPY path runs on PostgreSQL only")
    first = issued_batch(certificate_obj=product.certificates.get(), quantity=2)
    taken = Stamp.objects.filter(batch=first).values_list("serial", flat=True)[0]
    # The existence check misses it, as if another transaction inserted it meanwhile.
    monkeypatch.setattr(
        services, "_TAKEN", "SELECT serial FROM stamps_stamp WHERE false AND serial = ANY(%s)"
    )
    drawn = iter([taken, 21, 22, 23])
    monkeypatch.setattr(codes, "new_serial", lambda: next(drawn))
    second = issued_batch(certificate_obj=product.certificates.get(), quantity=2)
    rows = sorted(Stamp.objects.filter(batch=second).values_list("number", "serial"))
    assert [n for n, _ in rows] == [1, 2]
    assert taken not in [s for _, s in rows]
