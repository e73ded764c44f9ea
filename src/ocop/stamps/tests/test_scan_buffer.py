"""The scan log: buffered on the request path, written in batches, nothing lost on shutdown."""

import datetime as dt
import os
import signal

import pytest
from django.db import DataError, OperationalError, connection
from django.test.utils import CaptureQueriesContext

from ocop.core import clock
from ocop.geo.tests.factories import ProvinceFactory
from ocop.stamps import scanlog
from ocop.stamps.models import RejectedScan, ScanEvent, ScanTally
from ocop.stamps.tests.verify_support import TODAY, fresh_buffer, scan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with clock.freeze(TODAY), fresh_buffer():
        yield


def inserts_into(queries, model) -> int:
    """Statements that add rows to the model's table: INSERT, or COPY (scan log on PostgreSQL)."""
    table = model._meta.db_table
    return sum(
        1 for q in queries if q["sql"].upper().startswith(("INSERT", "COPY")) and table in q["sql"]
    )


def test_recording_a_scan_touches_no_database(django_assert_num_queries):
    buf = scanlog.ScanBuffer()

    with django_assert_num_queries(0):
        for n in range(50):
            buf.record(scan(serial=n + 1))

    assert len(buf) == 50
    assert ScanEvent.objects.count() == 0


def test_a_flush_writes_every_scan_with_one_insert_per_table(settings):
    settings.OCOP_SCAN_FLUSH_ROWS = 60
    buf = scanlog.ScanBuffer()
    for n in range(40):
        buf.record(scan(serial=n % 7 + 1))
    for _ in range(5):
        buf.record(scan(token="bad", outcome="malformed"))

    with CaptureQueriesContext(connection) as ctx:
        written = buf.flush(evaluate=False)

    assert written == 45
    assert ScanEvent.objects.count() == 40
    assert RejectedScan.objects.count() == 5
    assert inserts_into(ctx.captured_queries, ScanEvent) == 1
    assert inserts_into(ctx.captured_queries, RejectedScan) == 1
    assert inserts_into(ctx.captured_queries, ScanTally) == 1
    assert len(buf) == 0


def test_large_buffers_are_written_in_batches_of_the_configured_size(settings):
    settings.OCOP_SCAN_FLUSH_ROWS = 10
    buf = scanlog.ScanBuffer()
    for n in range(25):
        buf.record(scan(serial=n + 1))

    with CaptureQueriesContext(connection) as ctx:
        buf.flush(evaluate=False)

    assert ScanEvent.objects.count() == 25
    assert inserts_into(ctx.captured_queries, ScanEvent) == 3


def test_counters_add_up_across_batches_and_keep_the_first_scan(settings):
    place = ProvinceFactory()
    buf = scanlog.ScanBuffer()
    first = clock.now() - dt.timedelta(hours=2)
    buf.record(scan(serial=5, at=clock.now()))
    buf.record(scan(serial=5, at=first, place_code=place.code))
    buf.flush(evaluate=False)
    buf.record(scan(serial=5, at=clock.now() + dt.timedelta(minutes=1)))
    buf.record(scan(serial=6))
    buf.flush(evaluate=False)

    tally = ScanTally.objects.get(serial=5)
    assert tally.scan_count == 3
    assert tally.first_at == first
    assert tally.first_place == place.name
    assert tally.last_at == clock.now() + dt.timedelta(minutes=1)
    assert ScanTally.objects.get(serial=6).scan_count == 1


def test_an_unknown_shared_place_is_dropped():
    buf = scanlog.ScanBuffer()
    buf.record(scan(serial=9, place_code="99"))

    buf.flush(evaluate=False)

    event = ScanEvent.objects.get()
    assert (event.place_code, event.place_name) == ("", "")


@pytest.mark.parametrize("error", [OperationalError, RuntimeError])
def test_a_failed_flush_keeps_the_scans_for_the_next_one(monkeypatch, error):
    buf = scanlog.ScanBuffer()
    for n in range(3):
        buf.record(scan(serial=n + 1))

    def broken(batch):
        raise error("database down")

    monkeypatch.setattr(scanlog, "write_batch", broken)
    assert buf.flush() == 0
    assert len(buf) == 3
    monkeypatch.undo()

    assert buf.flush() == 3
    assert ScanEvent.objects.count() == 3
    assert buf.dropped == 0


def test_scans_beyond_the_buffer_cap_are_counted_as_dropped(monkeypatch, settings):
    settings.OCOP_SCAN_BUFFER_MAX_ROWS = 2
    buf = scanlog.ScanBuffer()
    for n in range(3):
        buf.record(scan(serial=n + 1))
    monkeypatch.setattr(scanlog, "write_batch", lambda batch: (_ for _ in ()).throw(OSError()))

    buf.flush()

    assert len(buf) == 2
    assert buf.dropped == 1


def test_a_normal_shutdown_flushes_every_buffered_scan(monkeypatch):
    """atexit, SIGTERM and multiprocessing's exit finalizers all stop the buffer, which writes
    what is left."""
    hooks, handlers = [], {}
    monkeypatch.setattr(scanlog.atexit, "register", hooks.append)
    monkeypatch.setattr(
        scanlog.signal, "getsignal", lambda sig: lambda *a: handlers.setdefault("prev", a)
    )
    monkeypatch.setattr(scanlog.signal, "signal", lambda sig, fn: handlers.__setitem__(sig, fn))
    finalizers = []
    monkeypatch.setattr(
        scanlog.multiprocessing.util,
        "Finalize",
        lambda obj, callback, exitpriority=None: finalizers.append((callback, exitpriority)),
    )
    buf = scanlog.ScanBuffer()
    scanlog._install_shutdown_hooks(buf)
    for n in range(7):
        buf.record(scan(serial=n + 1))

    hooks[0]()  # what the interpreter runs on exit

    assert ScanEvent.objects.count() == 7
    for n in range(4):
        buf.record(scan(serial=100 + n))
    handlers[signal.SIGTERM](signal.SIGTERM, None)  # what a SIGTERM runs

    assert ScanEvent.objects.count() == 11
    assert handlers["prev"] == (signal.SIGTERM, None)  # the server's own handler still runs
    buf.record(scan(serial=200))
    callback, priority = finalizers[0]  # what a multiprocessing worker (granian) runs on exit
    callback()

    assert priority is not None
    assert ScanEvent.objects.count() == 12


def test_each_process_gets_its_own_buffer():
    first = scanlog.buffer()
    child = os.fork()
    if child == 0:  # a forked worker: its own buffer, under its own process id
        ok = scanlog.buffer() is not first and scanlog._pid == os.getpid()
        os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    assert scanlog.buffer() is first


def test_event_ids_are_positive_63_bit_and_distinct():
    ids = scanlog.event_ids(2000)

    assert len(ids) == len(set(ids)) == 2000
    assert all(0 < i < 2**63 for i in ids)
    assert max(ids) > 2**60  # the whole range is used, not a few bits of it
    assert scanlog.event_ids(0) == []


def test_client_addresses_are_stored_as_keyed_hashes(settings):
    one = scanlog.client_hash("203.0.113.5")
    settings.OCOP_SCAN_HASH_KEY = "another key"

    assert len(one) == 32 and "203" not in one
    assert scanlog.client_hash("203.0.113.5") != one


def test_a_flushers_round_writes_what_was_waiting_and_leaves_later_scans_for_the_next(
    settings, monkeypatch
):
    """Under steady traffic a round must not chase the scans that arrive while it writes
    (that wrote a handful of rows per transaction, back to back); an explicit flush drains all."""
    settings.OCOP_SCAN_FLUSH_ROWS = 2
    buf = scanlog.ScanBuffer()
    for n in range(5):
        buf.record(scan(serial=n + 1))
    real_write = scanlog.write_batch
    arrivals = iter(range(100, 200))

    def write_while_traffic_goes_on(batch):
        buf.record(scan(serial=next(arrivals)))  # a scan answered during the write
        return real_write(batch)

    monkeypatch.setattr(scanlog, "write_batch", write_while_traffic_goes_on)

    written = buf.flush(limit=len(buf))
    left_after_round = len(buf)
    monkeypatch.setattr(scanlog, "write_batch", real_write)
    drained = buf.flush()

    assert written == 5
    assert left_after_round == 3  # one arrival per batch of two: three batches
    assert drained == 3 and len(buf) == 0
    assert ScanEvent.objects.count() == 8


def test_a_batch_the_database_refuses_is_written_scan_by_scan(monkeypatch):
    """A scan the database refuses (bad data, not a database away) is dropped alone: given back,
    it would fail every later round and hold up every scan behind it."""
    buf = scanlog.ScanBuffer()
    for n in range(5):
        buf.record(scan(serial=n + 1, token="BAD" if n == 2 else "X" * 29))
    write = scanlog.write_batch

    def refusing(batch):
        if any(s.token == "BAD" for s in batch):
            raise DataError("refused")
        return write(batch)

    monkeypatch.setattr(scanlog, "write_batch", refusing)

    assert buf.flush() == 5  # taken off the buffer: four written, one dropped
    assert len(buf) == 0 and buf.dropped == 1
    assert sorted(ScanEvent.objects.values_list("stamp_serial", flat=True)) == [1, 2, 4, 5]
    assert buf.flush() == 0


def test_scans_left_when_the_database_goes_away_during_a_scan_by_scan_write_are_kept(
    monkeypatch,
):
    """A database away is not the scans' fault: written one by one after a refused batch, the
    scans not yet written when the connection fails wait for the next round, none dropped."""
    buf = scanlog.ScanBuffer()
    for n in range(5):
        buf.record(scan(serial=n + 1, token="BAD" if n == 1 else "X" * 29))
    write = scanlog.write_batch

    def refusing_then_away(batch):
        if any(s.token == "BAD" for s in batch):
            raise DataError("refused")
        if any(s.serial == 4 for s in batch):
            raise OperationalError("server closed the connection")
        return write(batch)

    monkeypatch.setattr(scanlog, "write_batch", refusing_then_away)

    assert buf.flush() == 3  # 1 written, 2 dropped (its own data), 3 written; then away
    assert buf.dropped == 1
    assert [s.serial for s in buf.pending()] == [4, 5]
    assert sorted(ScanEvent.objects.values_list("stamp_serial", flat=True)) == [1, 3]

    monkeypatch.setattr(scanlog, "write_batch", write)
    assert buf.flush() == 2
    assert sorted(ScanEvent.objects.values_list("stamp_serial", flat=True)) == [1, 3, 4, 5]


def test_a_nul_in_a_path_or_a_header_is_logged_without_it_and_stalls_nothing(client):
    """PostgreSQL's text columns refuse NUL: `/v/%00…` once failed its whole batch, every round."""
    client.get("/v/%00AB%00", HTTP_USER_AGENT="app\x00/1")
    client.get("/api/v1/public/verify/A%00B")
    buf = scanlog.buffer()
    assert len(buf) == 2

    assert scanlog.flush() == 2

    rows = sorted(RejectedScan.objects.values_list("token", "user_agent"))
    assert rows == [("A\x00B".replace("\x00", ""), ""), ("AB", "app/1")]
    assert len(buf) == 0 and buf.dropped == 0


def test_clean_text_removes_nul_and_cuts():
    assert scanlog.clean_text("a\x00b\x00c", 2) == "ab"
    assert scanlog.clean_text("abc", 2) == "ab"
    assert scanlog.clean_text("", 5) == ""


def test_a_row_the_database_refuses_raises_djangos_error_on_every_path():
    """The COPY path goes through psycopg's own cursor: its errors are Django's too, so a flush
    tells bad data (written scan by scan) from a database away (kept for the next round)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores NUL in text")
    row = scanlog._rejected_row(scan())[:1] + ("A\x00B",) + scanlog._rejected_row(scan())[2:]

    with pytest.raises(DataError):
        scanlog._insert_rows(RejectedScan, scanlog.REJECTED_COLUMNS, [row])


def test_the_public_verification_answers_a_nul_in_its_path_itself_and_logs_the_scan(client):
    """The site answers a NUL in a path with a 400 before the view (core NulGuardMiddleware);
    the verification views answer it themselves: a malformed code, logged like any scan."""
    page = client.get("/v/%00AB")
    api = client.get("/api/v1/public/verify/%00AB")

    assert page.status_code == api.status_code == 400
    assert api.json()["code"] == "stamps.verify.malformed"
    assert [s.token for s in scanlog.buffer().pending()] == ["AB", "AB"]
