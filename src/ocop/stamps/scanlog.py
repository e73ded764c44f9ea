"""The scan log off the request path: an in-process buffer flushed in batches (ADR 0006).

A verification calls `record(scan)`: an append to a deque under a lock, no I/O. A daemon thread
per process flushes the buffer every OCOP_SCAN_FLUSH_SECONDS (default 1 s) or as soon as
OCOP_SCAN_FLUSH_ROWS (default 500) scans wait. A flush writes, in one transaction, one multi-row
INSERT of scan events, one of rejected tokens and one upsert of the per-code counters
(`ScanTally`); then the anomaly rules run over the batch (`stamps.anomalies`).

Shutdown: `atexit`, multiprocessing's exit finalizers (granian workers) and a SIGTERM handler
flush what is left, so a normal stop loses nothing; a
crash (kill -9, power loss) loses at most one interval. A failed flush never fails verification:
the rows go back to the buffer (bounded by OCOP_SCAN_BUFFER_MAX_ROWS) and, beyond that, are counted
as dropped and logged as an error.

Settings (all optional): OCOP_SCAN_FLUSH_ROWS, OCOP_SCAN_FLUSH_SECONDS, OCOP_SCAN_BUFFER_MAX_ROWS,
OCOP_SCAN_FLUSH_THREAD (False: no thread and no exit hooks, flush explicitly — the default
under the test suite), OCOP_SCAN_HASH_KEY
(key of the client-address hash; derived from SECRET_KEY when empty).
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import datetime as dt
import hashlib
import hmac
import logging
import multiprocessing.util
import os
import secrets
import signal
import struct
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)

from ocop.core.memo import Memo
from ocop.core.settings_cache import read_once
from ocop.geo.models import Province
from ocop.stamps.models_scan import RejectedScan, ScanEvent, ScanTally

logger = logging.getLogger("ocop.stamps.scanlog")

USER_AGENT_MAX = 300
TOKEN_MAX = 64


@dataclass(slots=True)
class Scan:
    """One verification as the request path saw it (plain data; written later)."""

    at: dt.datetime
    token: str
    outcome: str
    channel: str
    client_hash: str
    serial: int | None = None
    certificate_status: str = ""
    province_id: int | None = None
    place_code: str = ""
    place_name: str = ""
    user_agent: str = ""


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


CLIENT_HASHES_KEPT = 4096


@read_once("OCOP_SCAN_HASH_KEY", "SECRET_KEY")
def _client_hashing() -> tuple[bytes, Memo]:
    """(the client-address hash key, the hashes of the last few thousand addresses under it)."""
    configured = _setting("OCOP_SCAN_HASH_KEY", "")
    derived = (
        configured
        or hmac.new(
            settings.SECRET_KEY.encode(), b"ocop.stamps.scan-client", hashlib.sha256
        ).hexdigest()
    )
    return derived.encode(), Memo(CLIENT_HASHES_KEPT)


@read_once("OCOP_SCAN_FLUSH_ROWS")
def _flush_rows() -> int:
    return int(_setting("OCOP_SCAN_FLUSH_ROWS", 500))


def client_hash(address: str) -> str:
    """A keyed hash of the client address (personal data is never stored raw). The last few
    thousand addresses' hashes are kept in memory: a phone scans several codes, a carrier's
    gateway many."""
    key, kept = _client_hashing()
    address = address or ""
    digest = kept.get(address)
    if digest is None:
        digest = kept.keep(
            address, hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]
        )
    return digest


# --- writing one batch -----------------------------------------------------------------------------
# Rows go in as plain tuples, not model instances: building and compiling 500 ORM objects per batch
# cost the flusher (which shares the workers' GIL) more than the requests it logs. PostgreSQL takes
# them through COPY, SQLite through one executemany in the batch's transaction.
EVENT_COLUMNS = (
    "stamp_serial",
    "scanned_at",
    "event_id",
    "outcome",
    "certificate_status",
    "province_id",
    "place_code",
    "place_name",
    "client_hash",
    "user_agent",
    "channel",
)
REJECTED_COLUMNS = (
    "scanned_at",
    "token",
    "outcome",
    "place_code",
    "client_hash",
    "user_agent",
    "channel",
)


def event_ids(count: int) -> list[int]:
    """`count` random positive 63-bit event ids from ONE read of the system's random source.

    A read per id (`secrets.randbits`) is a system call that lets go of the interpreter lock and
    takes it back: 500 times a batch, each time against the request thread, which then waited
    for the lock (seen as futex storms in the workers under load)."""
    raw = secrets.token_bytes(8 * count)
    return [(value >> 1) or 1 for value in struct.unpack(f">{count}Q", raw)]


def clean_text(value: str, limit: int) -> str:
    """Client-supplied text as a scan keeps it (stamps.verify.record, where the text comes in):
    at most `limit` characters, without NUL, which PostgreSQL's text and JSON columns refuse (a
    `/v/%00…` path or a header carrying one would fail its batch, and the alerts built from
    it). Whatever else the database refuses, a flush writes around (`_write_one_by_one`)."""
    return value.replace("\x00", "")[:limit] if "\x00" in value else value[:limit]


def _event_rows(scans: list[Scan]) -> list[tuple]:
    return [
        (
            scan.serial,
            scan.at,
            event_id,
            scan.outcome,
            scan.certificate_status,
            scan.province_id,
            scan.place_code[:4],
            scan.place_name[:100],
            scan.client_hash,
            scan.user_agent[:USER_AGENT_MAX],
            scan.channel,
        )
        for scan, event_id in zip(scans, event_ids(len(scans)), strict=True)
    ]


def _rejected_row(scan: Scan) -> tuple:
    return (
        scan.at,
        scan.token[:TOKEN_MAX],
        scan.outcome,
        scan.place_code[:4],
        scan.client_hash,
        scan.user_agent[:USER_AGENT_MAX],
        scan.channel,
    )


def _insert_rows(model: Any, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Append rows to a log table: one COPY on PostgreSQL, multi-row INSERTs elsewhere (as many
    rows per statement as the backend's parameter limit allows)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    meta = model._meta
    table = qn(meta.db_table)
    names = ", ".join(qn(meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({names}) FROM STDIN"
            started = time.monotonic()
            # psycopg's own cursor: its errors are made Django's here, as the wrapper does.
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            if connection.queries_logged:  # Django's query log sees execute() only
                connection.queries_log.append(
                    {
                        "sql": f"{sql} -- {len(rows)} rows",
                        "time": f"{time.monotonic() - started:.3f}",
                    }
                )
            return
        adapt = connection.ops.adapt_datetimefield_value
        at = columns.index("scanned_at")
        size = max(1, (connection.features.max_query_params or 999) // len(columns))
        row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params = [v for r in chunk for v in (*r[:at], adapt(r[at]), *r[at + 1 :])]
            values = ", ".join([row_marks] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {values}", params)  # noqa: S608


def _tallies(scans: list[Scan]) -> dict[int, list[Any]]:
    """serial -> [count, first_at, first_place, last_at] over the batch."""
    out: dict[int, list[Any]] = {}
    for scan in scans:
        row = out.get(scan.serial)  # type: ignore[arg-type]
        if row is None:
            out[scan.serial] = [1, scan.at, scan.place_name[:100], scan.at]  # type: ignore[index]
            continue
        row[0] += 1
        if scan.at < row[1]:
            row[1], row[2] = scan.at, scan.place_name[:100]
        row[3] = max(row[3], scan.at)
    return out


def _upsert_tallies(scans: list[Scan]) -> dict[int, int]:
    """One INSERT … ON CONFLICT DO UPDATE … RETURNING per chunk (same syntax on PostgreSQL and
    SQLite ≥ 3.35); returns each code's count after the batch, for the anomaly rules."""
    rows = _tallies(scans)
    if not rows:
        return {}
    qn = connection.ops.quote_name
    table = qn(ScanTally._meta.db_table)
    update = (
        f"ON CONFLICT (serial) DO UPDATE SET "
        f"scan_count = {table}.scan_count + excluded.scan_count, "
        f"first_place = CASE WHEN excluded.first_at < {table}.first_at "
        f"THEN excluded.first_place ELSE {table}.first_place END, "
        f"first_at = CASE WHEN excluded.first_at < {table}.first_at "
        f"THEN excluded.first_at ELSE {table}.first_at END, "
        f"last_at = CASE WHEN excluded.last_at > {table}.last_at "
        f"THEN excluded.last_at ELSE {table}.last_at END "
        f"RETURNING serial, scan_count"
    )
    head = f"INSERT INTO {table} (serial, scan_count, first_at, first_place, last_at) "  # noqa: S608
    counts: dict[int, int] = {}
    items = list(rows.items())
    if connection.vendor == "postgresql":
        # Five array parameters instead of five per row: the statement stays small to send and
        # to parse, whatever the batch size. They travel bound on the server side, in binary (%b):
        # Django's client-side binding would quote every element of the arrays in Python
        # (~40 µs a scan, more than the rest of the flush, in the workers' process and GIL).
        columns = list(zip(*[(k, *v) for k, v in items], strict=True))
        unnest = (
            "SELECT * FROM unnest(%b::bigint[], %b::bigint[], %b::timestamptz[], "
            "%b::text[], %b::timestamptz[]) "
        )
        with _server_bound_cursor() as cursor:
            cursor.execute(head + unnest + update, [list(c) for c in columns])  # noqa: S608
            counts.update(cursor.fetchall())
        return counts
    with connection.cursor() as cursor:
        adapt = connection.ops.adapt_datetimefield_value
        size = max(1, (connection.features.max_query_params or 999) // 5)
        for start in range(0, len(items), size):
            chunk = items[start : start + size]
            params: list[Any] = []
            for serial, (count, first_at, first_place, last_at) in chunk:
                params += [serial, count, adapt(first_at), first_place, adapt(last_at)]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(head + f"VALUES {values} " + update, params)
            counts.update(cursor.fetchall())
    return counts


def _server_bound_cursor() -> Any:
    """A cursor of the (PostgreSQL) connection that binds parameters on the server (binary where
    the type has a binary form),
    never as a named prepared statement, wrapped as Django wraps its own (errors translated,
    queries logged and counted when they are being recorded)."""
    import psycopg  # PostgreSQL only

    connection.ensure_connection()
    return connection._prepare_cursor(psycopg.Cursor(connection.connection))


def _name_places(scans: list[Scan]) -> None:
    """Resolve shared province codes to names (one query per batch that has any); unknown codes
    are dropped, since the code came from the client."""
    wanted = {s.place_code for s in scans if s.place_code}
    if not wanted:
        return
    names = dict(Province.objects.filter(code__in=wanted).values_list("code", "name"))
    for scan in scans:
        if scan.place_code:
            scan.place_name = names.get(scan.place_code, "")
            scan.place_code = scan.place_code if scan.place_name else ""


def write_batch(scans: list[Scan]) -> dict[int, int]:
    """Write one batch durably: events, rejected tokens and counters in one transaction.

    Returns serial -> the code's scan count after the batch (read back from the counters' upsert,
    so the "scanned more than N times" rule needs no query of its own)."""
    _name_places(scans)
    with_serial = [s for s in scans if s.serial is not None]
    without = [s for s in scans if s.serial is None]
    with transaction.atomic():
        _insert_rows(ScanEvent, EVENT_COLUMNS, _event_rows(with_serial))
        _insert_rows(RejectedScan, REJECTED_COLUMNS, [_rejected_row(s) for s in without])
        return _upsert_tallies(with_serial)


# --- the buffer --------------------------------------------------------------------------------------
class ScanBuffer:
    """A thread-safe FIFO of scans with a flusher thread; one per process."""

    def __init__(self) -> None:
        self._rows: collections.deque[Scan] = collections.deque()
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.dropped = 0
        self.flushed = 0

    # request path ----------------------------------------------------------------------------
    def record(self, scan: Scan) -> None:
        with self._lock:
            self._rows.append(scan)
            size = len(self._rows)
        if size >= _flush_rows():
            self._wake.set()

    def __len__(self) -> int:
        return len(self._rows)

    def pending(self) -> list[Scan]:
        with self._lock:
            return list(self._rows)

    # flushing --------------------------------------------------------------------------------
    def _take(self, limit: int) -> list[Scan]:
        with self._lock:
            count = min(limit, len(self._rows))
            return [self._rows.popleft() for _ in range(count)]

    def _give_back(self, batch: list[Scan]) -> None:
        cap = int(_setting("OCOP_SCAN_BUFFER_MAX_ROWS", 100_000))
        with self._lock:
            room = max(0, cap - len(self._rows))
            kept = batch[:room]
            self._rows.extendleft(reversed(kept))
            lost = len(batch) - len(kept)
        if lost:
            self.dropped += lost
            logger.error("scan log: %d scans dropped (buffer full after failed flushes)", lost)

    def flush(self, *, evaluate: bool = True, limit: int | None = None) -> int:
        """Write what is buffered, in batches of OCOP_SCAN_FLUSH_ROWS; returns rows written.

        Without `limit`, until the buffer is empty (shutdown, tests, commands). The flusher
        thread passes the number of rows waiting when it woke: scans that arrive meanwhile wait
        for the next round. (Draining until empty under steady traffic wrote a few rows per
        transaction, back to back — each batch's fixed cost, the transaction, the statements and
        the anomaly rules, paid for every handful of scans.)"""
        size = _flush_rows()
        written = 0
        with self._flush_lock:
            while limit is None or written < limit:
                batch = self._take(size if limit is None else min(size, limit - written))
                if not batch:
                    return written
                unwritten: list[Scan] = []
                try:
                    counts = write_batch(batch)
                except (OperationalError, InterfaceError):  # the database is away: keep them
                    logger.exception("scan log: flush of %d scans failed", len(batch))
                    self._give_back(batch)
                    return written
                except DatabaseError:  # the data: one bad scan must not stall the log
                    logger.exception("scan log: a batch of %d scans was refused", len(batch))
                    counts, unwritten = self._write_one_by_one(batch)
                    if unwritten:  # the database went away meanwhile: the rest waits
                        self._give_back(unwritten)
                        batch = batch[: len(batch) - len(unwritten)]
                except Exception:  # noqa: BLE001 - unknown: keep the rows for the next round
                    logger.exception("scan log: flush of %d scans failed", len(batch))
                    self._give_back(batch)
                    return written
                written += len(batch)
                self.flushed += len(batch)
                if evaluate:
                    _evaluate(batch, counts)
                if unwritten:
                    return written
        return written

    def _write_one_by_one(self, batch: list[Scan]) -> tuple[dict[int, int], list[Scan]]:
        """Write a refused batch scan by scan: the scans the database takes are kept, those it
        refuses alone are counted as dropped and logged (given back, they would fail every
        later round and hold up every scan behind them). Returns the counts and the scans left
        unwritten because the database went away meanwhile (those are not the scans' fault)."""
        counts: dict[int, int] = {}
        for position, scan in enumerate(batch):
            try:
                counts.update(write_batch([scan]))
            except (OperationalError, InterfaceError):
                logger.exception("scan log: flush of %d scans failed", len(batch) - position)
                return counts, batch[position:]
            except DatabaseError:
                self.dropped += 1
                logger.exception("scan log: scan of %r refused by the database", scan.token)
        return counts, []

    def _run(self) -> None:
        interval = float(_setting("OCOP_SCAN_FLUSH_SECONDS", 1.0))
        while not self._stopping:
            self._wake.wait(interval)
            self._wake.clear()
            if len(self):
                _name_session()
            self.flush(limit=len(self))
            _close_connection()

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._run, name="ocop-scan-flusher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and flush what is left (shutdown; safe to call twice)."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self.flush()


def _evaluate(batch: list[Scan], counts: dict[int, int] | None) -> None:
    from ocop.stamps import anomalies

    try:
        anomalies.evaluate(batch, counts=counts)
    except Exception:  # noqa: BLE001 - rules must never lose the (already written) scans
        logger.exception("scan log: anomaly rules failed on a batch of %d scans", len(batch))


FLUSHER_APPLICATION = "ocop-scan-flusher"


def _name_session() -> None:
    """Name the flusher thread's PostgreSQL session (pg_stat_activity.application_name), once per
    connection, so operators — and the bench's CPU accounting — tell the scan log's writes from
    the requests' reads."""
    if connection.vendor != "postgresql":
        return
    with contextlib.suppress(Exception):  # diagnostics only: never in the way of a flush
        connection.ensure_connection()
        raw = connection.connection
        if getattr(connection, "_ocop_named_session", None) is raw:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('application_name', %s, false)", [FLUSHER_APPLICATION]
            )
        connection._ocop_named_session = raw


def _close_connection() -> None:
    with contextlib.suppress(Exception):
        connection.close_if_unusable_or_obsolete()


# --- the process's buffer ------------------------------------------------------------------------------
_buffer: ScanBuffer | None = None
_buffer_pid: int | None = None
_setup_lock = threading.Lock()
# This process's id, kept current across forks (os.getpid() is a system call on every scan).
_pid = os.getpid()


def _forked() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_forked)


def buffer() -> ScanBuffer:
    """This process's buffer (a forked worker gets a fresh one and its own thread)."""
    global _buffer, _buffer_pid
    pid = _pid
    if _buffer is not None and _buffer_pid == pid:
        return _buffer
    with _setup_lock:
        if _buffer is None or _buffer_pid != pid:
            _buffer, _buffer_pid = ScanBuffer(), pid
            if _setting("OCOP_SCAN_FLUSH_THREAD", not getattr(settings, "TESTING", False)):
                # Under the test suite neither the thread nor the exit hooks run: tests flush
                # explicitly, and an exit-time flush would write into the non-test database.
                _install_shutdown_hooks(_buffer)
                _buffer.start()
    return _buffer


def record(scan: Scan) -> None:
    """Buffer one scan (the request path's only call: no I/O)."""
    buffer().record(scan)


def flush() -> int:
    """Write everything buffered now (tests, management commands, shutdown)."""
    return buffer().flush()


def _install_shutdown_hooks(target: ScanBuffer) -> None:
    atexit.register(target.stop)
    # Workers started by multiprocessing (granian) leave through os._exit after running
    # multiprocessing's own finalizers, never atexit: register there too (stop() is idempotent).
    multiprocessing.util.Finalize(None, target.stop, exitpriority=100)
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be set from the main thread; atexit still flushes
    with contextlib.suppress(ValueError, OSError):
        previous = signal.getsignal(signal.SIGTERM)

        def on_sigterm(signum, frame):  # pragma: no cover - exercised by the bench's shutdown
            target.stop()
            if callable(previous):
                previous(signum, frame)
                return
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)

        signal.signal(signal.SIGTERM, on_sigterm)
