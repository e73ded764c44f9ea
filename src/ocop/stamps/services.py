"""Every write of the stamp register. Each service checks the policy, validates, writes, adds a
register event and an audit entry in one transaction, and raises a DomainError on failure.

Issuance (`batch_issue`) is the exception to "one transaction": it writes in chunks, each committed
with the batch's progress (`issued_count`), so a million codes never sit in memory or in one
transaction, and a killed job resumes at the exact count (quality targets §2.4).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _

from ocop.certificates import selectors as certificate_selectors
from ocop.certificates.constants import CertificateStatus
from ocop.core import access, audit, clock
from ocop.core.actor import Actor
from ocop.core.codes import next_value
from ocop.core.errors import ErrorCollector
from ocop.core.text import nfc
from ocop.stamps import codes, policies
from ocop.stamps.constants import (
    BATCH_MAX,
    BATCH_MIN,
    ISSUE_CHUNK,
    ISSUE_INLINE_MAX,
    BatchStatus,
    RegisterEventKind,
    StampState,
)
from ocop.stamps.errors import (
    BatchNotIssued,
    BatchNotPending,
    CertificateNotInForce,
    LotNumberTaken,
    StampsNotAvailable,
)
from ocop.stamps.models_register import Lot, RegisterEvent, Stamp, StampBatch

NOTE_MAX = 2000


def _event(actor: Actor, batch: StampBatch, kind: str, **fields: Any) -> RegisterEvent:
    return RegisterEvent.objects.create(
        batch=batch,
        kind=kind,
        at=clock.now(),
        actor_user_id=actor.user_id,
        actor_label=actor.username[:150],
        **fields,
    )


def _certificate_in_force(product: Any, operation: Any, *, on: dt.date | None = None) -> Any:
    """The product's certificate in force on `on` (today), else CertificateNotInForce."""
    day = on or clock.today()
    certificate = certificate_selectors.certificate_for_product(product, day)
    if certificate is not None and certificate.in_force_on(day):
        return certificate
    if certificate is None:
        status = _("chưa được cấp")
    else:
        status = CertificateStatus(certificate_selectors.certificate_status(certificate, day)).label
    raise CertificateNotInForce(
        params={"product": product.name, "status": str(status), "operation": str(operation)}
    )


def _text(value: Any, field: str, errors: ErrorCollector, *, required: bool = False) -> str:
    text = nfc(str(value or ""))
    if required and not text:
        errors.add(field, _("Vui lòng nhập lý do."), "required")
    if len(text) > NOTE_MAX:
        errors.add(field, _("Tối đa %(limit)s ký tự.") % {"limit": NOTE_MAX}, "max_length")
    return text


def _quantity(value: Any, errors: ErrorCollector, field: str = "quantity") -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(field, _("Vui lòng nhập một số nguyên."), "invalid")
        return 0
    if not BATCH_MIN <= number <= BATCH_MAX:
        errors.add(
            field,
            _("Số lượng tem phải từ %(min)s đến %(max)s.") % {"min": BATCH_MIN, "max": BATCH_MAX},
            "out_of_range",
        )
    return number


# --- request and decision ------------------------------------------------------------------------
@transaction.atomic
def batch_request(*, actor: Actor, product: Any, quantity: Any, note: str = "") -> StampBatch:
    """A producer asks for `quantity` codes for a product whose certificate is in force."""
    access.require(actor, policies.can_request_batch, product)
    errors = ErrorCollector()
    number = _quantity(quantity, errors)
    note = _text(note, "note", errors)
    errors.raise_if_any()
    certificate = _certificate_in_force(product, _("đề nghị cấp tem"))
    year = clock.today().year
    province_code = product.province.code
    sequence = next_value(f"stamps.batch.{province_code}.{year}")
    batch = StampBatch.objects.create(
        code=f"TEM-{province_code}-{year}-{sequence:05d}",
        product=product,
        producer_id=product.producer_id,
        province_id=product.province_id,
        commune_id=product.commune_id,
        certificate=certificate,
        quantity=number,
        note=note,
        requested_by_id=actor.user_id,
        requested_at=clock.now(),
    )
    _event(actor, batch, RegisterEventKind.REQUESTED, count=number, reason=note)
    audit.record(actor=actor, action="stamps.batch.request", obj=batch)
    return batch


def _lock_pending(batch: StampBatch) -> StampBatch:
    locked = (
        StampBatch.objects.select_for_update().select_related("product__province").get(pk=batch.pk)
    )
    if locked.status != BatchStatus.REQUESTED:
        raise BatchNotPending(params={"batch": locked.code, "status": locked.get_status_display()})
    return locked


@transaction.atomic
def batch_approve(*, actor: Actor, batch: StampBatch, note: str = "") -> StampBatch:
    """The province approves a request; refused while the product's certificate is not in force.

    Side effects: up to ISSUE_INLINE_MAX codes are issued in this transaction; a larger batch is
    issued by the `batch_issue_task` background task, enqueued on commit.
    """
    access.require(actor, policies.can_decide_batch, batch)
    errors = ErrorCollector()
    note = _text(note, "note", errors)
    errors.raise_if_any()
    batch = _lock_pending(batch)
    before = audit.snapshot(batch)
    batch.certificate = _certificate_in_force(batch.product, _("phê duyệt lô tem"))
    batch.status = BatchStatus.APPROVED
    batch.decided_by_id = actor.user_id
    batch.decided_at = clock.now()
    batch.decision_note = note
    batch.key_id = codes.active_key_id()
    batch.save()
    _event(actor, batch, RegisterEventKind.APPROVED, count=batch.quantity, reason=note)
    audit.record(actor=actor, action="stamps.batch.approve", obj=batch, before=before)
    if batch.quantity <= ISSUE_INLINE_MAX:
        return batch_issue(batch_id=batch.pk)
    from ocop.stamps import tasks

    batch_id = batch.pk
    transaction.on_commit(lambda: tasks.batch_issue_task.enqueue(batch_id=batch_id))
    return batch


@transaction.atomic
def batch_reject(*, actor: Actor, batch: StampBatch, reason: str) -> StampBatch:
    """The province refuses a request, with a reason shown to the producer."""
    access.require(actor, policies.can_decide_batch, batch)
    errors = ErrorCollector()
    reason = _text(reason, "reason", errors, required=True)
    errors.raise_if_any()
    batch = _lock_pending(batch)
    before = audit.snapshot(batch)
    batch.status = BatchStatus.REJECTED
    batch.decided_by_id = actor.user_id
    batch.decided_at = clock.now()
    batch.decision_note = reason
    batch.save()
    _event(actor, batch, RegisterEventKind.REJECTED, reason=reason)
    audit.record(actor=actor, action="stamps.batch.reject", obj=batch, before=before, reason=reason)
    return batch


# --- issuance ------------------------------------------------------------------------------------
def batch_issue(*, batch_id: int, chunk: int = ISSUE_CHUNK) -> StampBatch:
    """Issue the remaining codes of an approved batch in committed chunks; idempotent.

    Each chunk locks the batch row, inserts up to `chunk` new random serials numbered after
    `issued_count` (collisions with existing serials are dropped and topped up) and advances the
    count, all in one transaction. The last chunk marks the batch issued and writes the single
    issuance register event and audit entry.
    """
    while True:
        with transaction.atomic():
            batch = StampBatch.objects.select_for_update().get(pk=batch_id)
            if batch.status != BatchStatus.APPROVED:
                return batch
            remaining = batch.quantity - batch.issued_count
            if remaining > 0:
                size = min(chunk, remaining)
                _insert_serials(batch, start=batch.issued_count + 1, count=size)
                batch.issued_count += size
                StampBatch.objects.filter(pk=batch.pk).update(issued_count=batch.issued_count)
            if batch.issued_count >= batch.quantity:
                return _finish_issue(batch)


def _finish_issue(batch: StampBatch) -> StampBatch:
    actor = Actor.system("stamps.batch_issue")
    before = audit.snapshot(batch)
    batch.status = BatchStatus.ISSUED
    batch.issued_at = clock.now()
    batch.save(update_fields=["status", "issued_at", "issued_count", "updated_at"])
    _event(
        actor,
        batch,
        RegisterEventKind.ISSUED,
        first_number=1,
        last_number=batch.quantity,
        count=batch.quantity,
    )
    audit.record(actor=actor, action="stamps.batch.issue", obj=batch, before=before)
    return batch


def _insert_serials(batch: StampBatch, *, start: int, count: int) -> None:
    """Insert `count` stamps numbered start.. with fresh random serials (top up on collision)."""
    inserted = 0
    while inserted < count:
        wanted = count - inserted
        serials = set()
        while len(serials) < wanted:
            serials.add(codes.new_serial())
        if connection.vendor == "postgresql":
            inserted += _insert_copy(batch.pk, start + inserted, list(serials))
        else:
            inserted += _insert_orm(batch.pk, start + inserted, list(serials))


def _insert_orm(batch_id: int, start: int, serials: list[int]) -> int:
    """Portable path (SQLite): drop serials that exist, then bulk_create in one statement batch."""
    taken: set[int] = set()
    for i in range(0, len(serials), 900):
        part = serials[i : i + 900]
        taken.update(Stamp.objects.filter(serial__in=part).values_list("serial", flat=True))
    fresh = [s for s in serials if s not in taken]
    Stamp.objects.bulk_create(
        (
            Stamp(serial=s, batch_id=batch_id, number=start + i, state=StampState.ISSUED)
            for i, s in enumerate(fresh)
        ),
        batch_size=2000,
    )
    return len(fresh)


# Identifiers are constants (no user input reaches these statements); values are parameters.
_TAKEN = "SELECT serial FROM stamps_stamp WHERE serial = ANY(%s)"
_COPY = "COPY stamps_stamp (serial, batch_id, number, state) FROM STDIN"


def _insert_copy(batch_id: int, start: int, serials: list[int]) -> int:
    """PostgreSQL path: drop the serials that already exist (one indexed lookup), then COPY the
    rest straight into the table, numbered consecutively. A serial inserted concurrently between
    the two makes the COPY fail on the primary key: the savepoint rolls back and the caller's
    loop draws new serials, so there is never a gap in the numbers."""
    with connection.cursor() as cursor:
        cursor.execute(_TAKEN, [serials])
        taken = {row[0] for row in cursor.fetchall()}
        fresh = [s for s in serials if s not in taken] if taken else serials
        buffer = io.StringIO()
        state = StampState.ISSUED.value
        for i, serial in enumerate(fresh):
            buffer.write(f"{serial}\t{batch_id}\t{start + i}\t{state}\n")
        from psycopg.errors import UniqueViolation

        try:
            with transaction.atomic(), cursor.cursor.copy(_COPY) as copy:
                copy.write(buffer.getvalue())
        except (IntegrityError, UniqueViolation):
            return 0
    return len(fresh)


# --- activation, returns, voids ------------------------------------------------------------------
def _lock_issued(batch: StampBatch) -> StampBatch:
    locked = StampBatch.objects.select_for_update().select_related("product").get(pk=batch.pk)
    if locked.status != BatchStatus.ISSUED:
        raise BatchNotIssued(params={"batch": locked.code, "status": locked.get_status_display()})
    return locked


def _range(batch: StampBatch, first: Any, last: Any, errors: ErrorCollector) -> tuple[int, int]:
    bounds = []
    for field, value in (("first_number", first), ("last_number", last)):
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors.add(field, _("Vui lòng nhập một số nguyên."), "invalid")
            number = 0
        else:
            if not 1 <= number <= batch.quantity:
                errors.add(
                    field,
                    _("Số thứ tự tem phải từ 1 đến %(max)s.") % {"max": batch.quantity},
                    "out_of_range",
                )
        bounds.append(number)
    if bounds[0] and bounds[1] and bounds[1] < bounds[0]:
        errors.add("last_number", _("Số cuối phải không nhỏ hơn số đầu."), "range_order")
    return bounds[0], bounds[1]


def _require_state(batch: StampBatch, first: int, last: int, states: set[str], label: Any) -> int:
    """Count the range's stamps; refuse unless all of them are in `states`."""
    qs = Stamp.objects.filter(batch_id=batch.pk, number__gte=first, number__lte=last)
    bad = qs.exclude(state__in=states).count()
    if bad:
        raise StampsNotAvailable(
            params={"count": bad, "first": first, "last": last, "state": str(label)}
        )
    return last - first + 1


def _lot_values(values: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    lot_number = nfc(str(values.get("lot_number") or ""))
    if not codes.LOT_PATTERN.match(lot_number):
        errors.add(
            "lot_number",
            _("Số lô gồm 1–20 ký tự: chữ không dấu, chữ số, dấu gạch ngang, gạch dưới, dấu chấm."),
            "invalid",
        )
    produced, best_before = values.get("production_date"), values.get("best_before")
    if not isinstance(produced, dt.date):
        errors.add("production_date", _("Vui lòng nhập ngày sản xuất."), "required")
    elif produced > clock.today():
        errors.add("production_date", _("Ngày sản xuất không được ở tương lai."), "future_date")
    if not isinstance(best_before, dt.date):
        errors.add("best_before", _("Vui lòng nhập hạn sử dụng."), "required")
    elif isinstance(produced, dt.date) and best_before < produced:
        errors.add("best_before", _("Hạn sử dụng phải sau ngày sản xuất."), "range_order")
    try:
        quantity = int(values.get("quantity"))
    except (TypeError, ValueError):
        errors.add("quantity", _("Vui lòng nhập một số nguyên."), "invalid")
        quantity = 0
    else:
        if quantity < 1:
            errors.add("quantity", _("Số lượng sản phẩm phải lớn hơn 0."), "out_of_range")
    return {
        "lot_number": lot_number,
        "production_date": produced,
        "best_before": best_before,
        "quantity": quantity,
    }


@transaction.atomic
def lot_activate(
    *, actor: Actor, batch: StampBatch, first_number: Any, last_number: Any, **values: Any
) -> Lot:
    """Bind the issued stamps first..last of a batch to a production lot (lot_number,
    production_date, best_before, quantity). Refused while the product's certificate is not in
    force, today or on the production date (expired, suspended, revoked, superseded)."""
    access.require(actor, policies.can_activate_batch, batch)
    batch = _lock_issued(batch)
    errors = ErrorCollector()
    first, last = _range(batch, first_number, last_number, errors)
    cleaned = _lot_values(values, errors)
    errors.raise_if_any()
    certificate = _certificate_in_force(batch.product, _("kích hoạt tem"))
    _certificate_in_force(batch.product, _("kích hoạt tem"), on=cleaned["production_date"])
    if Lot.objects.filter(batch=batch, lot_number=cleaned["lot_number"]).exists():
        raise LotNumberTaken(params={"lot": cleaned["lot_number"]})
    count = _require_state(batch, first, last, {StampState.ISSUED}, StampState.ISSUED.label)
    lot = Lot.objects.create(
        batch=batch,
        certificate=certificate,
        first_number=first,
        last_number=last,
        stamp_count=count,
        activated_at=clock.now(),
        activated_by_id=actor.user_id,
        **cleaned,
    )
    Stamp.objects.filter(batch_id=batch.pk, number__gte=first, number__lte=last).update(
        state=StampState.ACTIVATED, lot=lot
    )
    _event(
        actor,
        batch,
        RegisterEventKind.ACTIVATED,
        first_number=first,
        last_number=last,
        count=count,
        lot=lot,
    )
    audit.record(actor=actor, action="stamps.lot.activate", obj=lot, province_id=batch.province_id)
    return lot


@transaction.atomic
def stamps_return(
    *, actor: Actor, batch: StampBatch, first_number: Any, last_number: Any, reason: str
) -> int:
    """The producer gives back unused stamps (all of the range must be issued, not activated):
    they become void. Returns the number of stamps."""
    return _void(actor, batch, first_number, last_number, reason, returned=True)


@transaction.atomic
def stamps_void(
    *, actor: Actor, batch: StampBatch, first_number: Any, last_number: Any, reason: str
) -> int:
    """The province voids stamps (issued or activated; none of them already void), with a reason
    the register keeps. Returns the number of stamps."""
    return _void(actor, batch, first_number, last_number, reason, returned=False)


def _void(
    actor: Actor, batch: StampBatch, first: Any, last: Any, reason: str, *, returned: bool
) -> int:
    policy = policies.can_return_stamps if returned else policies.can_void_stamps
    access.require(actor, policy, batch)
    batch = _lock_issued(batch)
    errors = ErrorCollector()
    first_n, last_n = _range(batch, first, last, errors)
    reason = _text(reason, "reason", errors, required=True)
    errors.raise_if_any()
    if returned:
        allowed, label = {StampState.ISSUED}, StampState.ISSUED.label
    else:
        allowed, label = {StampState.ISSUED, StampState.ACTIVATED}, _("chưa hủy")
    count = _require_state(batch, first_n, last_n, allowed, label)
    Stamp.objects.filter(batch_id=batch.pk, number__gte=first_n, number__lte=last_n).update(
        state=StampState.VOIDED
    )
    kind = RegisterEventKind.RETURNED if returned else RegisterEventKind.VOIDED
    _event(actor, batch, kind, first_number=first_n, last_number=last_n, count=count, reason=reason)
    audit.record(
        actor=actor,
        action="stamps.stamps.return" if returned else "stamps.stamps.void",
        obj=batch,
        after={"first_number": first_n, "last_number": last_n, "count": count},
        reason=reason,
    )
    return count
