"""Public verification of a stamp code: the use case behind /v/<code>, GS1 Digital Link paths and
GET /api/v1/public/verify/{code}.

The path is built for the quality targets (§2.1): the token's signature is checked first, so a
forged or malformed token costs no query; a signed one costs one SELECT (the budget is two) —
the stamp joined to its lot, batch, product and certificate and to the code's counters
(`ScanTally`) — and no write: the scan goes to the in-process buffer (`scanlog.record`). The
certificate status is derived from the certificate row itself, so a revocation shows at once.
Nothing here touches the session, `request.user` or a database cache.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import re
import threading
import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.models import F, OuterRef, Subquery
from django.utils import translation
from django.utils.translation import gettext as _

from ocop.certificates import selectors as certificate_selectors
from ocop.certificates.constants import IN_FORCE, CertificateStatus
from ocop.certificates.models import Certificate
from ocop.core import clock
from ocop.core.settings_cache import read_once
from ocop.stamps import codes, scanlog
from ocop.stamps.constants import StampState
from ocop.stamps.models_register import Stamp, StampBatch
from ocop.stamps.models_scan import ScanOutcome

PLACE_PATTERN = re.compile(r"^\d{2}$")
PLACE_COOKIE = "ocop_tinh"

STATUS_BY_OUTCOME = {
    ScanOutcome.GENUINE: 200,
    ScanOutcome.NOT_IN_FORCE: 200,
    ScanOutcome.INACTIVE: 404,
    ScanOutcome.VOIDED: 410,
    ScanOutcome.MISMATCH: 404,
    ScanOutcome.UNKNOWN: 404,
    ScanOutcome.FORGED: 404,
    ScanOutcome.MALFORMED: 400,
}


@dataclass
class Verdict:
    """What a verification answers (the page, the GS1 path and the API show the same facts)."""

    outcome: str
    token: str
    serial: int | None = None
    stamp_state: str = ""
    product_name: str = ""
    product_code: str = ""
    producer_name: str = ""
    commune_name: str = ""
    province_name: str = ""
    province_id: int | None = None
    stars: int | None = None
    certificate_number: str = ""
    certificate_status: str = ""
    certificate_valid_until: dt.date | None = None
    status_reason: str = ""
    lot_number: str = ""
    production_date: dt.date | None = None
    best_before: dt.date | None = None
    scan_count: int = 0
    first_scanned_at: dt.datetime | None = None
    first_scanned_place: str = ""

    # --- derived ----------------------------------------------------------------------------
    @property
    def http_status(self) -> int:
        return STATUS_BY_OUTCOME[self.outcome]  # the outcomes are str enums: same hash, same key

    @property
    def genuine(self) -> bool:
        """The code is one we issued and activated (whatever its certificate's status)."""
        return self.outcome in (ScanOutcome.GENUINE, ScanOutcome.NOT_IN_FORCE)

    @property
    def valid(self) -> bool:
        return self.outcome == ScanOutcome.GENUINE

    @property
    def human_serial(self) -> str:
        if self.serial is None:
            return ""
        try:
            return codes.human_serial(self.serial)
        except ValueError:
            return ""

    @property
    def certificate_status_label(self) -> str:
        if not self.certificate_status:
            return ""
        return translated_once(
            "status",
            self.certificate_status,
            lambda: CertificateStatus(self.certificate_status).label,
            self.language,
        )

    @property
    def outcome_label(self) -> str:
        return str(ScanOutcome(self.outcome).label)

    @property
    def headline(self) -> str:
        return translated_once(
            "headline", self.outcome, HEADLINES[ScanOutcome(self.outcome)], self.language
        )

    @cached_property
    def language(self) -> str:
        """The active language, read once per verdict (each read goes through the request's
        context-local state, several µs)."""
        return translation.get_language() or settings.LANGUAGE_CODE

    @property
    def shown(self) -> tuple:
        """Everything the answer shows but the code's own serial and counters, in the active
        language: the page and the API keep the rest of an answer under this key, so any change
        — a revocation, a new status day, an edited name — makes a new key (nothing to
        invalidate)."""
        return (
            self.language,
            self.outcome,
            self.serial is None,
            self.certificate_status,
            self.certificate_number,
            self.certificate_valid_until,
            self.status_reason,
            self.product_name,
            self.product_code,
            self.producer_name,
            self.commune_name,
            self.province_name,
            self.stars,
            self.lot_number,
            self.production_date,
            self.best_before,
        )

    @property
    def error_code(self) -> str:
        return f"stamps.verify.{self.outcome}"

    def as_dict(self) -> dict[str, Any]:
        """The JSON answer (ISO dates; times with their offset)."""
        return {
            "outcome": self.outcome,
            "genuine": self.genuine,
            "valid": self.valid,
            "message": self.headline,
            "serial": self.human_serial or None,
            "product": {
                "name": self.product_name,
                "code": self.product_code,
                "stars": self.stars,
                "producer": self.producer_name,
                "commune": self.commune_name,
                "province": self.province_name,
            }
            if self.genuine
            else None,
            "certificate": {
                "number": self.certificate_number,
                "status": self.certificate_status,
                "status_label": self.certificate_status_label,
                "valid_until": iso(self.certificate_valid_until),
                "reason": self.status_reason,
            }
            if self.genuine
            else None,
            "lot": {
                "number": self.lot_number,
                "production_date": iso(self.production_date),
                "best_before": iso(self.best_before),
            }
            if self.genuine
            else None,
            "scans": {
                "count": self.scan_count,
                "first_at": iso(self.first_scanned_at),
                "first_place": self.first_scanned_place,
            }
            if self.serial is not None and self.outcome != ScanOutcome.UNKNOWN
            else None,
        }


def iso(value: Any) -> Any:
    """A date or time as the JSON answer writes it (times in local time, with their offset)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(clock.LOCAL_TZ).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_TRANSLATED: dict[tuple[str, str, str | None], str] = {}


def translated_once(kind: str, key: str, make: Any, language: str | None = None) -> str:
    """A fixed text in the active language (`language`, when the caller has read it already),
    translated once per process and language (gettext costs more than the rest of the answer's
    assembly)."""
    cache_key = (kind, key, language or translation.get_language())
    text = _TRANSLATED.get(cache_key)
    if text is None:
        text = _TRANSLATED[cache_key] = str(make())
    return text


HEADLINES = {
    ScanOutcome.GENUINE: lambda: _("Tem thật. Sản phẩm OCOP có giấy chứng nhận còn hiệu lực."),
    ScanOutcome.NOT_IN_FORCE: lambda: _(
        "Tem thật, nhưng giấy chứng nhận OCOP của sản phẩm hiện không còn hiệu lực."
    ),
    ScanOutcome.INACTIVE: lambda: _(
        "Không hợp lệ: tem này chưa được kích hoạt cho lô hàng nào, không phải tem đang lưu hành."
    ),
    ScanOutcome.VOIDED: lambda: _("Không hợp lệ: tem này đã bị hủy, không còn giá trị."),
    ScanOutcome.MISMATCH: lambda: _(
        "Không phải tem thật: thông tin sản phẩm hoặc lô trong đường dẫn không khớp với tem."
    ),
    ScanOutcome.UNKNOWN: lambda: _("Không phải tem thật: mã này không có trong sổ đăng ký tem."),
    ScanOutcome.FORGED: lambda: _("Không phải tem thật: mã đã bị làm giả hoặc bị sửa đổi."),
    ScanOutcome.MALFORMED: lambda: _(
        "Mã không hợp lệ: mã không đúng định dạng tem OCOP. Vui lòng quét lại hoặc nhập đúng mã."
    ),
}


# --- reading --------------------------------------------------------------------------------------
# The hot path reads only the columns the answer shows, through SQL compiled once per process from
# an ORM queryset (`_Prepared`): compiling a seven-table select_related query and building seven
# wide model instances costs several times the database round trip. Columns:
STAMP_COLUMNS = (
    "serial",
    "state",
    "lot_id",
    "batch_province_id",
    "batch_gtin",
    "lot__lot_number",
    "lot__production_date",
    "lot__best_before",
)
CERTIFICATE_COLUMNS = (
    "number",
    "valid_from",
    "valid_until",
    "expiring_from",
    "revoked_at",
    "superseded_at",
    "suspended_at",
    "product_name",
    "product_code",
    "producer_name",
    "commune_name",
    "province_name",
    "stars",
    "revocation_public_reason",
    "suspension_public_reason",
    "supersession_reason",
)
LOOKUP_COLUMNS = STAMP_COLUMNS + tuple(f"lot__certificate__{c}" for c in CERTIFICATE_COLUMNS)
# The code's counters ride along (a LEFT JOIN on ScanTally's primary key), so a genuine code
# costs one round trip: the quality targets allow two.
TALLY_COLUMNS = ("tally_count", "tally_first_at", "tally_first_place")


GTIN_COLUMN = "batch_gtin"


def _lookup_queryset(*, with_gtin: bool):
    """The lookup: stamp → counters (`Stamp.tally`, a LEFT JOIN on ScanTally's primary key) and
    stamp → lot → certificate joined; the batch's province (and, for GS1 paths, its product's
    GTIN) as scalar subqueries on the batch's key. PostgreSQL plans it once per session (the
    prepared statement, or the lookup's function), SQLite once per statement cache entry (see
    `_Prepared`)."""
    batch = StampBatch.objects.filter(pk=OuterRef("batch_id")).order_by()
    columns = LOOKUP_COLUMNS if with_gtin else tuple(c for c in LOOKUP_COLUMNS if c != GTIN_COLUMN)
    extra = {"batch_gtin": Subquery(batch.values("product__gtin")[:1])} if with_gtin else {}
    return (
        Stamp.objects.filter(serial=1)
        .annotate(
            batch_province_id=Subquery(batch.values("province_id")[:1]),
            **extra,
            tally_count=F("tally__scan_count"),
            tally_first_at=F("tally__first_at"),
            tally_first_place=F("tally__first_place"),
        )
        .values_list(*columns, *TALLY_COLUMNS)
    )


class _Prepared:
    """One-row SELECT compiled once from a queryset filtered on a single parameter; each call
    runs the same SQL with another value and applies the ORM's converters (dates on SQLite).

    On PostgreSQL the lookup is planned once per database session instead of once per request
    (planning was four fifths of its database time), two ways (ADR 0007): by default the SELECT
    is prepared by name, its generic plan made with sequential scans off (`_OneRowQuery`); with
    `OCOP_DB_PREPARED_STATEMENTS` off (a transaction-mode PgBouncer before 1.21 cannot carry
    named statements, quality targets §3), and through a cursor (inside a transaction, or while
    queries are recorded), it calls a PL/pgSQL function installed by `migrate`
    (`install_lookup_functions`) that keeps the SELECT's plan for the session under the same
    precautions."""

    def __init__(self, name: str, build) -> None:
        self.name = name
        self._build = build
        # alias → (SQL for a cursor or unnamed, SQL prepared by name, converters)
        self._compiled: dict[str, tuple[str, str, tuple]] = {}

    def select(self, alias: str = DEFAULT_DB_ALIAS) -> tuple[str, Any]:
        """(SQL with one %s, compiler) of the queryset."""
        compiler = self._build().query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if len(params) != 1 or sql.count("%s") != 1 or "%%" in sql:
            raise RuntimeError("a prepared lookup takes exactly one parameter")
        return sql, compiler

    def function_name(self, alias: str = DEFAULT_DB_ALIAS) -> str:
        """The PostgreSQL function's name: the lookup's name and a digest of its SQL, so a
        change of the query (a new column, a model change) installs a new function."""
        sql, _compiler = self.select(alias)
        digest = hashlib.sha256(sql.encode()).hexdigest()[:12]
        return f"{LOOKUP_FUNCTION_PREFIX}{self.name}_{digest}"

    def _compile(self, alias: str):
        """(SQL run through a cursor or unnamed, SQL prepared by name, converters). On
        PostgreSQL the first calls the lookup's function (its plan kept for the session); the
        second is the SELECT itself, whose plan the prepared statement keeps (`_OneRowQuery`)."""
        sql, compiler = self.select(alias)
        plain = sql
        if connections[alias].vendor == "postgresql":
            sql = f"SELECT * FROM {self.function_name(alias)}(%s)"  # noqa: S608 (our own name)
        fields = [col[0] for col in compiler.select[: compiler.col_count]]
        return sql, plain, tuple(compiler.get_converters(fields).items())

    def one(self, value: Any) -> list | None:
        alias = DEFAULT_DB_ALIAS
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiled = self._compiled[alias] = self._compile(alias)
        sql, plain, converters = compiled
        connection = connections[alias]
        row = _fetch_one(connection, sql, value, plain)
        if row is None:
            return None
        row = list(row)
        # What SQLCompiler.apply_converters does, for one row.
        for position, (functions, expression) in converters:
            cell = row[position]
            for convert in functions:
                cell = convert(cell, expression, connection)
            row[position] = cell
        return row


LOOKUP_FUNCTION_PREFIX = "ocop_stamp_lookup_"


def install_lookup_functions(using: str = DEFAULT_DB_ALIAS, **signal: Any) -> list[str]:
    """Create the PostgreSQL functions of the verification lookups (post_migrate; idempotent)
    and drop those of earlier versions of the query. Returns the functions' names.

    `flush` (the test suite's transactional tests) sends post_migrate too, without a migration
    plan: functions survive its TRUNCATE, so nothing is done then."""
    conn = connections[using]
    if conn.vendor != "postgresql" or ("signal" in signal and signal.get("plan") is None):
        return []
    names = []
    with conn.cursor() as cursor:
        for lookup in LOOKUPS:
            sql, _compiler = lookup.select(using)
            name = lookup.function_name(using)
            names.append(name)
            # The columns' types, as PostgreSQL reads the query (no row fetched).
            cursor.execute(f"SELECT * FROM ({sql}) AS q LIMIT 0", [0])  # noqa: S608
            oids = [column.type_code for column in cursor.description]
            cursor.execute("SELECT " + ", ".join("format_type(%s, NULL)" for _oid in oids), oids)
            types = cursor.fetchone()
            columns = ", ".join(f"c{i} {t}" for i, t in enumerate(types))
            body = sql.replace("%s", "p_serial")
            # The plan is made at the session's first call and kept: it must not depend on the
            # statistics of that moment (a counters table still empty then would be read by
            # sequential scans for the rest of the session). Every step is a key lookup, so
            # sequential scans are switched off inside the function.
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {name}(p_serial bigint) "
                f"RETURNS TABLE ({columns}) LANGUAGE plpgsql STABLE "
                f"SET enable_seqscan = off SET plan_cache_mode = force_generic_plan "
                f"AS $lookup$\n"
                f"#variable_conflict use_column\nBEGIN\nRETURN QUERY {body};\nEND\n$lookup$"
            )
        cursor.execute(
            "SELECT oid::regprocedure::text FROM pg_proc WHERE proname LIKE %s "
            "AND pronamespace = current_schema()::regnamespace",
            [LOOKUP_FUNCTION_PREFIX.replace("_", r"\_") + "%"],
        )
        stale = [sig for (sig,) in cursor.fetchall() if sig.split("(")[0] not in names]
        for signature in stale:
            cursor.execute(f"DROP FUNCTION IF EXISTS {signature}")
    return names


def missing_lookup_functions(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The lookup functions this code calls that the database lacks (PostgreSQL; none elsewhere)."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return []
    wanted = [lookup.function_name(using) for lookup in LOOKUPS]
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT proname FROM pg_proc WHERE proname = ANY(%s) "
            "AND pronamespace = current_schema()::regnamespace",
            [wanted],
        )
        present = {name for (name,) in cursor.fetchall()}
    return [name for name in wanted if name not in present]


def readiness_check() -> Any:
    """/readyz: not ready while the verification's lookup functions are missing (code newer
    than the database's last `migrate`)."""
    from ocop.core.readiness import NotReady

    if missing_lookup_functions():
        return NotReady(
            "stamps.lookup_functions_missing",
            "Cơ sở dữ liệu thiếu hàm tra cứu tem của phiên bản này: hãy chạy migrate.",
        )
    return None


def _fetch_one(conn: Any, sql: str, value: Any, prepared_sql: str | None = None) -> Any:
    """Run the lookup; with CONN_HEALTH_CHECKS, the lookup is the reused connection's check.

    Django checks a reused connection with a `SELECT 1` before the request's first query: a round
    trip as costly as the lookup itself. Here the (read-only) lookup takes its place: if the reused
    connection turns out dead, it is closed and the lookup runs once more on a new one, which is
    what the check would have done. Inside a transaction nothing is retried."""
    stands_in = (
        conn.connection is not None
        and conn.health_check_enabled
        and not conn.health_check_done
        and not conn.in_atomic_block
    )
    if stands_in:
        conn.health_check_done = True
    try:
        return _execute_one(conn, sql, value, prepared_sql)
    except (OperationalError, InterfaceError):
        if not stands_in:
            raise
    conn.close()
    return _execute_one(conn, sql, value, prepared_sql)


def _execute_one(conn: Any, sql: str, value: Any, prepared_sql: str | None = None) -> Any:
    """One row of `sql` with one integer parameter (on PostgreSQL's libpq path, `prepared_sql`
    is the statement prepared by name when it differs: see `_OneRowQuery`).

    In autocommit mode (a request's default), unless queries are being recorded (DEBUG, the test
    suite's query counters) or execute wrappers are installed, the statement goes straight to the
    driver: on PostgreSQL to libpq in one call (`_OneRowQuery`), on SQLite to the sqlite3
    connection (its own statement cache; Django's cursor wrapper rewrites the placeholders with
    a regular expression on every call and cost ~3× the query). Otherwise it goes through
    `connection.cursor()`, so a recorded run is counted like every other query and a transaction
    is begun as usual. Same SQL, same parameter, same row either way (tested)."""
    direct = conn.vendor in ("postgresql", "sqlite")
    if not direct or conn.queries_logged or conn.execute_wrappers or not conn.get_autocommit():
        with conn.cursor() as cursor:
            cursor.execute(sql, [value])
            return cursor.fetchone()
    conn.ensure_connection()
    raw = conn.connection
    if conn.vendor == "sqlite":
        with conn.wrap_database_errors:
            return raw.execute(_one_parameter(sql, "?"), (value,)).fetchone()
    kept = getattr(conn, "_ocop_one_row", None)
    if kept is None or kept.raw is not raw:
        kept = conn._ocop_one_row = _OneRowQuery(raw)
    with conn.wrap_database_errors:
        return kept.one(sql, value, prepared_sql)


@functools.cache
def _one_parameter(sql: str, placeholder: str) -> str:
    """`sql`, written with Django's one `%s`, in the driver's own placeholder (`?` for sqlite3,
    `$1` for libpq); computed once per statement."""
    if sql.count("%s") != 1 or "%%" in sql or placeholder in sql:
        raise RuntimeError("a one-row query takes exactly one %s parameter")
    return sql.replace("%s", placeholder)


try:  # psycopg's libpq wrapper (PostgreSQL only)
    from psycopg.pq import ConnStatus, ExecStatus, Format

    TUPLES_OK, COMMAND_OK, FAILED = (
        ExecStatus.TUPLES_OK,
        ExecStatus.COMMAND_OK,
        ExecStatus.FATAL_ERROR,
    )
    _CONNECTION_OK = ConnStatus.OK
    BINARY = Format.BINARY
except ImportError:  # pragma: no cover (psycopg is a dependency)
    pass


class _OneRowQuery:
    """A one-row, one-integer-parameter SELECT sent through the psycopg connection's libpq handle
    in a single call, its row read by psycopg's own loaders for the connection.

    A psycopg cursor's execute runs several layers of Python generators around the same libpq
    calls: ~20 µs of the worker's CPU per verification. The row comes in binary form: psycopg's
    C loaders read its dates, timestamps and integers (Django's loader for timestamps in text
    form is Python); timestamps come aware, in UTC, as through Django's cursor (tested equal).

    By default the lookup's SELECT itself is prepared by name (PQprepare, then PQexecPrepared):
    PostgreSQL neither parses nor plans it again, and no PL/pgSQL function is called around it
    (~30 µs less database CPU a verification than preparing a call of the function). Its plan
    must not depend on the statistics of the moment it is made, as the function's does not (a
    plan made while the counters table was empty read it by sequential scan as it grew): the
    session plans it once, generic, with sequential scans switched off while it does —
    `enable_seqscan` is turned off just before the statement is prepared and put back as it was
    right after its first execution, which makes the plan; `plan_cache_mode` stays at
    `force_generic_plan` for the session (it concerns only statements prepared by name, and
    PL/pgSQL's, never the ORM's client-bound queries). PostgreSQL replans it on its own when a
    table it reads is analysed, with the session's settings and fresh statistics; after
    `REPREPARE_SECONDS` the statement is made again under the same precautions, so no plan made
    otherwise outlives that.

    With `OCOP_DB_PREPARED_STATEMENTS` off (behind a transaction-mode pooler that cannot carry
    named statements, such as PgBouncer before 1.21) the call of the lookup's function is sent
    unnamed (PQexecParams), its parameter still bound on the server, its plan the function's. A
    named statement the session has lost (a pooler's `DISCARD ALL`, a `DEALLOCATE`) is prepared
    again and the lookup rerun, once; one the session holds already under our name (a pooler
    handing over a server session) is replaced, since its plan may have been made otherwise.
    Errors are psycopg's (translated to Django's by the caller); a broken connection raises
    OperationalError, as the cursor would."""

    INT8 = 20  # the parameter's type oid (bigint)
    NAME_PREFIX = b"ocop_one_row_"
    REPREPARE_SECONDS = 60.0
    PLAN_GUARD = (
        b"SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', false),"
        b" set_config('plan_cache_mode', 'force_generic_plan', false)"
    )
    PLAN_GUARD_END = b"SELECT set_config('enable_seqscan', $1, false)"

    def __init__(self, raw: Any) -> None:
        from psycopg.adapt import Transformer

        self.raw = raw
        self._rows = Transformer(raw)
        self._queries: dict[str, tuple[bytes, bytes]] = {}
        self._prepared: dict[bytes, float] = {}  # name → when it was prepared (monotonic)

    def _query(self, sql: str) -> tuple[bytes, bytes]:
        """(the statement in libpq's numbered-parameter form, its name when prepared)."""
        query = self._queries.get(sql)
        if query is None:
            text = _one_parameter(sql, "$1").encode()
            name = self.NAME_PREFIX + hashlib.sha256(text).hexdigest()[:16].encode()
            query = self._queries[sql] = (text, name)
        return query

    def one(self, sql: str, value: int, prepared_sql: str | None = None) -> tuple | None:
        param = [b"%d" % value]
        pgconn = self.raw.pgconn
        with self.raw.lock:
            if not _prepared_statements():
                text = self._query(sql)[0]
                result = pgconn.exec_params(text, param, [self.INT8], result_format=BINARY)
            else:
                text, name = self._query(prepared_sql or sql)
                result = self._exec_prepared(pgconn, text, name, param)
        if result.status != TUPLES_OK:
            self._raise(result)
        if not result.ntuples:
            return None
        self._rows.set_pgresult(result)
        return self._rows.load_row(0, tuple)

    def _exec_prepared(self, pgconn: Any, text: bytes, name: bytes, param: list) -> Any:
        made_at = self._prepared.get(name)
        if made_at is not None and time.monotonic() - made_at < self.REPREPARE_SECONDS:
            result = pgconn.exec_prepared(name, param, result_format=BINARY)
            # 26000: the session no longer has the statement; prepare it again, once.
            if result.status != FAILED or _sqlstate(result) != "26000":
                return result
        elif made_at is not None:
            pgconn.exec_(b"DEALLOCATE " + name)
        self._prepared.pop(name, None)
        return self._prepare_and_exec(pgconn, text, name, param)

    def _prepare_and_exec(self, pgconn: Any, text: bytes, name: bytes, param: list) -> Any:
        """Prepare the statement and run it once, sequential scans off while its plan is made."""
        guard = pgconn.exec_(self.PLAN_GUARD)
        if guard.status != TUPLES_OK:
            return guard
        seqscan = guard.get_value(0, 0)
        try:
            made = pgconn.prepare(name, text, [self.INT8])
            if made.status != COMMAND_OK and _sqlstate(made) == "42P05":
                # The session holds a statement of that name, planned who knows how: replaced.
                pgconn.exec_(b"DEALLOCATE " + name)
                made = pgconn.prepare(name, text, [self.INT8])
            if made.status != COMMAND_OK:
                return made
            self._prepared[name] = time.monotonic()
            return pgconn.exec_prepared(name, param, result_format=BINARY)
        finally:
            if pgconn.status == _CONNECTION_OK:
                pgconn.exec_params(self.PLAN_GUARD_END, [seqscan])

    def _raise(self, result: Any) -> None:
        import psycopg
        from psycopg import pq
        from psycopg.errors import error_from_result

        pgconn = self.raw.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            raise psycopg.OperationalError(
                pgconn.error_message.decode("utf-8", "replace") or "connection lost"
            )
        raise error_from_result(result, encoding=self.raw.info.encoding)


def _sqlstate(result: Any) -> str:
    from psycopg import pq

    return (result.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()


@read_once("OCOP_DB_PREPARED_STATEMENTS")
def _prepared_statements() -> bool:
    """Whether the verification's lookup may be prepared by name (ADR 0007)."""
    return bool(getattr(settings, "OCOP_DB_PREPARED_STATEMENTS", True))


# A /v/ token needs no GTIN: its lookup skips the product table (one join fewer for the database
# to plan on every call); a GS1 path compares its GTIN with the product's, so its lookup joins it.
_STAMP = _Prepared("v", lambda: _lookup_queryset(with_gtin=False))
_STAMP_GS1 = _Prepared("gs1", lambda: _lookup_queryset(with_gtin=True))
LOOKUPS = (_STAMP, _STAMP_GS1)


class CertificateRow:
    """The looked-up certificate columns, read with the certificate's own status derivation
    (`Certificate.status_on` and the event days it reads) but without building a model instance,
    which costs more than the rest of the verification's Python work."""

    __slots__ = CERTIFICATE_COLUMNS

    suspended_on = Certificate.suspended_on
    revoked_on = Certificate.revoked_on
    superseded_on = Certificate.superseded_on
    status_on = Certificate.status_on

    def __init__(self, values: Any) -> None:
        for name, value in zip(CERTIFICATE_COLUMNS, values, strict=True):
            setattr(self, name, value)


@dataclass
class StampFacts:
    """The looked-up stamp, flat: its register state, lot and the certificate that speaks for it."""

    serial: int
    state: str
    lot_id: int | None
    province_id: int | None
    gtin: str
    lot_number: str
    production_date: dt.date | None
    best_before: dt.date | None
    certificate: CertificateRow | None
    scan_count: int = 0
    first_scanned_at: dt.datetime | None = None
    first_scanned_place: str = ""


def stamp_lookup(serial: int, *, with_gtin: bool = False) -> StampFacts | None:
    """The stamp, what the answer shows and the code's counters, in ONE SELECT (None when unknown).

    The certificate is the lot's: a stamp speaks for a certificate only once activated, and the
    answer for a stamp not (or no longer) in circulation shows no product facts. `gtin` is
    filled only `with_gtin` (GS1 paths), else empty."""
    row = (_STAMP_GS1 if with_gtin else _STAMP).one(serial)
    if row is None:
        return None
    if not with_gtin:
        row.insert(STAMP_COLUMNS.index(GTIN_COLUMN), "")
    n, m = len(STAMP_COLUMNS), len(CERTIFICATE_COLUMNS)
    cert = CertificateRow(row[n : n + m]) if row[n] is not None else None
    count, first_at, first_place = row[n + m :]
    return StampFacts(
        *row[:n],
        certificate=cert,
        scan_count=count or 0,
        first_scanned_at=first_at,
        first_scanned_place=first_place or "",
    )


def _fill_certificate(verdict: Verdict, cert: Any, on: dt.date) -> None:
    status = certificate_selectors.certificate_status(cert, on)
    verdict.certificate_status = str(status)
    verdict.certificate_number = cert.number
    verdict.certificate_valid_until = cert.valid_until
    verdict.product_name = cert.product_name
    verdict.product_code = cert.product_code
    verdict.producer_name = cert.producer_name
    verdict.commune_name = cert.commune_name
    verdict.province_name = cert.province_name
    verdict.stars = cert.stars
    if status == CertificateStatus.REVOKED:
        verdict.status_reason = cert.revocation_public_reason
    elif status == CertificateStatus.SUSPENDED:
        verdict.status_reason = cert.suspension_public_reason
    elif status == CertificateStatus.SUPERSEDED:
        verdict.status_reason = cert.supersession_reason


def _judge(stamp: StampFacts, token: str, on: dt.date) -> Verdict:
    verdict = Verdict(outcome=ScanOutcome.UNKNOWN, token=token, serial=stamp.serial)
    verdict.stamp_state = stamp.state
    verdict.province_id = stamp.province_id
    if stamp.state == StampState.VOIDED:
        verdict.outcome = ScanOutcome.VOIDED
    elif stamp.state != StampState.ACTIVATED or stamp.lot_id is None:
        verdict.outcome = ScanOutcome.INACTIVE
    else:
        verdict.lot_number = stamp.lot_number
        verdict.production_date = stamp.production_date
        verdict.best_before = stamp.best_before
        verdict.outcome = ScanOutcome.GENUINE
    if stamp.certificate is not None:
        _fill_certificate(verdict, stamp.certificate, on)
        if verdict.outcome == ScanOutcome.GENUINE and verdict.certificate_status not in IN_FORCE:
            verdict.outcome = ScanOutcome.NOT_IN_FORCE
    elif verdict.outcome == ScanOutcome.GENUINE:
        verdict.outcome = ScanOutcome.NOT_IN_FORCE
    return verdict


def _verdict_for_serial(serial: int, token: str, *, gtin: str = "", lot: str = "") -> Verdict:
    stamp = stamp_lookup(serial, with_gtin=bool(gtin))
    if stamp is None:
        return Verdict(outcome=ScanOutcome.UNKNOWN, token=token, serial=serial)
    verdict = _judge(stamp, token, clock.today())
    if gtin and not _gtin_matches(stamp, gtin):
        return Verdict(outcome=ScanOutcome.MISMATCH, token=token, serial=serial)
    if lot and (stamp.lot_id is None or stamp.lot_number != lot):
        return Verdict(outcome=ScanOutcome.MISMATCH, token=token, serial=serial)
    verdict.scan_count = stamp.scan_count
    verdict.first_scanned_at = stamp.first_scanned_at
    verdict.first_scanned_place = stamp.first_scanned_place
    return verdict


def _gtin_matches(stamp: StampFacts, gtin: str) -> bool:
    registered = (stamp.gtin or "").strip()
    try:
        return bool(registered) and codes.gtin14(registered) == gtin
    except ValueError:
        return False


def verify_token(token: str) -> Verdict:
    """Check a /v/ token: signature first (no query), then the register."""
    token = (token or "").strip()
    try:
        code = codes.parse(token)
    except codes.InvalidCode:
        return Verdict(outcome=_bad_token_outcome(token), token=token)
    return _verdict_for_serial(code.serial, token.upper())


def verify_gs1(path: str, signature: str) -> Verdict:
    """Check a GS1 Digital Link path and its `s` attribute, then the register."""
    try:
        link = codes.parse_gs1(path, signature)
    except codes.InvalidCode:
        outcome = ScanOutcome.FORGED if _gs1_well_formed(path, signature) else ScanOutcome.MALFORMED
        return Verdict(outcome=outcome, token=(path + "?s=" + (signature or ""))[:64])
    token = codes.human_serial(link.serial)
    return _verdict_for_serial(link.serial, token, gtin=link.gtin, lot=link.lot)


def _bad_token_outcome(token: str) -> str:
    """Malformed (wrong length or alphabet) vs forged (well-formed but the tag fails)."""
    if len(token) != codes.TOKEN_LENGTH:
        return ScanOutcome.MALFORMED
    if not codes.in_alphabet(token.upper()):
        return ScanOutcome.MALFORMED
    return ScanOutcome.FORGED


GS1_SHAPE = re.compile(
    r"^/01/\d{14}(?:/22/[^/]{1,20})?(?:/10/[^/]{1,20})?/21/[0-9A-Za-z*~$=]{14}/?$"
)


def _gs1_well_formed(path: str, signature: str) -> bool:
    if not GS1_SHAPE.match(path or ""):
        return False
    gtin = path.split("/")[2]
    if codes.gtin_check_digit(gtin[:-1]) != int(gtin[-1]):
        return False
    try:
        codes.parse_human_serial(path.rstrip("/").rsplit("/", 1)[-1])
    except codes.InvalidCode:
        return False
    return isinstance(signature, str) and len(signature) == 1 + codes.TAG_CHARS


# --- recording ------------------------------------------------------------------------------------
def place_from(request: Any) -> str:
    """The coarse place (a province code) the client chose to share, if well formed."""
    meta = request.META
    # Neither the query string nor the cookies are parsed when the request has none (most scans).
    value = (request.GET.get("tinh") if meta.get("QUERY_STRING") else "") or (
        request.COOKIES.get(PLACE_COOKIE) if meta.get("HTTP_COOKIE") else ""
    )
    return value if value and PLACE_PATTERN.match(value) else ""


def record(verdict: Verdict, request: Any, channel: str, address: str | None = None) -> None:
    """Buffer the scan (no I/O on the request path)."""
    address = client_address(request) if address is None else address
    scanlog.record(
        scanlog.Scan(
            at=clock.now(),
            token=scanlog.clean_text(verdict.token, scanlog.TOKEN_MAX),
            outcome=verdict.outcome,
            channel=channel,
            client_hash=scanlog.client_hash(address),
            serial=verdict.serial if verdict.outcome not in _NO_SERIAL else None,
            certificate_status=verdict.certificate_status,
            province_id=verdict.province_id,
            place_code=place_from(request),
            user_agent=scanlog.clean_text(
                request.META.get("HTTP_USER_AGENT", ""), scanlog.USER_AGENT_MAX
            ),
        )
    )


_NO_SERIAL = {ScanOutcome.FORGED, ScanOutcome.MALFORMED}


def unlogged(response: Any) -> Any:
    """Keep Django's request log quiet about a verification answered 4xx (an unknown, forged or
    voided code is an answer, not an error): every scan is already in the scan log, and bursts of
    forged codes raise alerts there. One log line per forged scan would flood the logs in exactly
    the attack they should help with. (`_has_been_logged` is the flag Django's `log_response`
    reads to skip a response.)"""
    response._has_been_logged = True
    return response


# --- rate limits (counters per client address in this process's memory; no database) ----------
RATE_PREFIX = "ocop:verify"


@read_once(
    "OCOP_VERIFY_RATE_LIMIT",
    "OCOP_VERIFY_FAILURE_LIMIT",
    "OCOP_VERIFY_RATE_WINDOW_SECONDS",
    "OCOP_TRUSTED_PROXIES",
)
def _settings() -> tuple[int, int, int, frozenset[str]]:
    """(verifications, failed verifications, window seconds, trusted proxies), read from settings
    once per process (the hot path reads them twice a scan)."""
    return (
        int(getattr(settings, "OCOP_VERIFY_RATE_LIMIT", 600)),
        int(getattr(settings, "OCOP_VERIFY_FAILURE_LIMIT", 60)),
        int(getattr(settings, "OCOP_VERIFY_RATE_WINDOW_SECONDS", 60)),
        frozenset(getattr(settings, "OCOP_TRUSTED_PROXIES", ()) or ()),
    )


def client_address(request: Any) -> str:
    """REMOTE_ADDR; X-Forwarded-For only from a configured trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    trusted = _settings()[3]
    if remote not in trusted:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if address not in trusted:
            return address
    return remote


def rate_limits() -> tuple[int, int, int]:
    """(verifications per window, failed verifications per window, window seconds).

    Loose for all verifications (carriers put many phones behind one address), tight for failures.
    """
    return _settings()[:3]


def _window_key(scope: str, address: str, window: int) -> tuple[str, int]:
    slot = int(time.time() // window)
    return f"{RATE_PREFIX}:{scope}:{address}:{slot}", (slot + 1) * window


class VerifyWindows:
    """Fixed-window counters of verifications and failed verifications per client address, kept
    in this process's memory (ADR 0008).

    Each verification reads two counters and adds to one or two: through Django's cache that was
    three to five calls per scan (pickled values with the local-memory cache, a network round
    trip each with Redis), as much CPU as the signature check and the lookup's client side
    together. The limits hold per worker process, so a client may get up to `workers` times a
    limit across a node; they exist to slow down guessing and floods, which the scan log's
    forged-burst alerts watch across processes. Memory is bounded: past `max_addresses`
    addresses in one window the counters start over (a flood of spoofed addresses then only
    resets the window early)."""

    def __init__(self, max_addresses: int = 200_000) -> None:
        self.max_addresses = max_addresses
        self._lock = threading.Lock()
        self._slot: tuple[int, int] | None = None  # (window seconds, window number)
        self._all: dict[str, int] = {}
        self._failed: dict[str, int] = {}

    def _current(self, window: int) -> tuple[int, int]:
        """(window number, end of the window in epoch seconds); clears a finished window."""
        slot = int(time.time() // window)
        if self._slot != (window, slot):
            with self._lock:
                if self._slot != (window, slot):
                    self._all, self._failed = {}, {}
                    self._slot = (window, slot)
        return slot, (slot + 1) * window

    def retry_after(self, address: str, total: int, failures: int, window: int) -> int | None:
        _slot, ends = self._current(window)
        if self._all.get(address, 0) >= total or self._failed.get(address, 0) >= failures:
            return max(1, math.ceil(ends - time.time()))
        return None

    def count(self, address: str, window: int, *, failed: bool) -> None:
        self._current(window)
        with self._lock:
            if address not in self._all and len(self._all) >= self.max_addresses:
                self._all, self._failed = {}, {}
            self._all[address] = self._all.get(address, 0) + 1
            if failed:
                self._failed[address] = self._failed.get(address, 0) + 1

    def reset(self) -> None:
        with self._lock:
            self._slot, self._all, self._failed = None, {}, {}


WINDOWS = VerifyWindows()


def reset_rate_limits() -> None:
    """Forget every verification counter of this process (tests; a manual unblock)."""
    WINDOWS.reset()


def retry_after(request: Any, address: str | None = None) -> int | None:
    """Seconds to wait when the client is over a limit (fixed windows), else None."""
    address = client_address(request) if address is None else address
    total, failures, window = rate_limits()
    return WINDOWS.retry_after(address, total, failures, window)


def _count(key: str, window: int) -> None:
    """Add one to a window's counter in the cache: one cache call once the window's key exists
    (consumer reports)."""
    try:
        cache.incr(key)
        return
    except ValueError:  # first hit of the window (or the key just expired)
        pass
    if not cache.add(key, 1, window + 1):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window + 1)


def count(request: Any, verdict: Verdict, address: str | None = None) -> None:
    address = client_address(request) if address is None else address
    WINDOWS.count(address, rate_limits()[2], failed=verdict.http_status >= 400)


def answer(
    request: Any, *, token: str = "", gs1: tuple[str, str] | None = None, channel: str
) -> Verdict | int:
    """Verify, count and record; returns the verdict, or the Retry-After seconds when limited."""
    address = client_address(request)
    wait = retry_after(request, address)
    if wait is not None:
        return wait
    verdict = verify_gs1(*gs1) if gs1 is not None else verify_token(token)
    count(request, verdict, address)
    record(verdict, request, channel, address)
    return verdict


# --- consumer reports and shared places ------------------------------------------------------------
def report_limits() -> tuple[int, int]:
    """(reports per window, window seconds) per client address."""
    return (
        int(getattr(settings, "OCOP_VERIFY_REPORT_LIMIT", 20)),
        int(getattr(settings, "OCOP_VERIFY_REPORT_WINDOW_SECONDS", 3600)),
    )


def report_retry_after(request: Any) -> int | None:
    limit, window = report_limits()
    key, ends = _window_key("report", client_address(request), window)
    if (cache.get(key) or 0) >= limit:
        return max(1, math.ceil(ends - time.time()))
    return None


def report_counted(request: Any) -> None:
    _, window = report_limits()
    _count(_window_key("report", client_address(request), window)[0], window)


def province_choices() -> list[Any]:
    from ocop.geo import selectors as geo_selectors

    return list(geo_selectors.province_list())
