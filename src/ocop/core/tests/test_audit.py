import pytest
from django.db import transaction

from ocop.core import audit
from ocop.core.actor import Actor
from ocop.core.models import AuditEvent, Counter


def _record(n: int) -> None:
    with transaction.atomic():
        counter = Counter.objects.create(scope=f"s{n}")
        audit.record(actor=Actor.system("test"), action="core.counter.create", obj=counter)


@pytest.mark.django_db
def test_audit_entries_form_a_chain_that_verifies():
    for n in range(3):
        _record(n)
    assert AuditEvent.objects.count() == 3
    assert audit.verify_chain() is None


@pytest.mark.django_db
def test_tampering_with_an_entry_is_refused_by_the_database():
    _record(1)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(action="tampered")


@pytest.mark.django_db
def test_verify_chain_names_the_first_broken_entry():
    for n in range(3):
        _record(n)
    second = AuditEvent.objects.order_by("id")[1]
    second.action = "forged"  # in memory only: recomputing its hash shows the mismatch
    assert audit.chain_hash(second.prev_hash, audit.payload_of(second)) != second.hash


def test_audit_record_refuses_to_run_outside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        audit.record(actor=Actor.system("x"), action="x", object_type="x", object_id="1")
