"""The verification's lookup: the certificate's columns read into a light row derive the
certificate's own status on every day around every boundary; the lookup stands in for the
connection's health check (a dead reused connection is replaced, nothing retried in a transaction)."""

import dataclasses
import datetime as dt

import pytest
from django.db import OperationalError, connection
from hypothesis import given
from hypothesis import strategies as st

from ocop.certificates.models import Certificate
from ocop.core import clock
from ocop.stamps import verify
from ocop.stamps.tests.verify_support import (
    TODAY,
    fresh_buffer,
    genuine_stamp,
    scanned_stamp,
    token,
)

START = dt.date(2025, 3, 1)


def _moment(offset: int | None) -> dt.datetime | None:
    if offset is None:
        return None
    day = START + dt.timedelta(days=offset)
    return dt.datetime.combine(day, dt.time(23, 30), tzinfo=clock.LOCAL_TZ)


events = st.one_of(st.none(), st.integers(min_value=-5, max_value=1200))


@given(revoked=events, superseded=events, suspended=events, day=st.integers(-40, 1200))
def test_the_light_row_derives_the_same_status_as_the_certificate(
    revoked, superseded, suspended, day
):
    columns = {
        "number": "01/2025/HN",
        "valid_from": START,
        "valid_until": START + dt.timedelta(days=1095),
        "expiring_from": START + dt.timedelta(days=1065),
        "revoked_at": _moment(revoked),
        "superseded_at": _moment(superseded),
        "suspended_at": _moment(suspended),
        "product_name": "Trà",
        "product_code": "X",
        "producer_name": "HTX",
        "commune_name": "Xã",
        "province_name": "Tỉnh",
        "stars": 4,
        "revocation_public_reason": "",
        "suspension_public_reason": "",
        "supersession_reason": "",
    }
    row = verify.CertificateRow([columns[c] for c in verify.CERTIFICATE_COLUMNS])
    on = START + dt.timedelta(days=day)

    assert row.status_on(on) == Certificate(**columns).status_on(on)


# --- the lookup stands in for the connection's health check ---------------------------------------
def _terminate(pid: int) -> None:
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_a_dead_reused_connection_is_replaced_and_the_lookup_answers():
    if connection.vendor != "postgresql" or not connection.settings_dict["CONN_HEALTH_CHECKS"]:
        pytest.skip("terminates a PostgreSQL backend (CONN_HEALTH_CHECKS on)")
    with clock.freeze(TODAY), fresh_buffer():
        code = token(genuine_stamp())
        connection.ensure_connection()
        dead = connection.connection.info.backend_pid
        _terminate(dead)
        connection.health_check_done = False  # as at the start of a request

        verdict = verify.verify_token(code)

    assert verdict.outcome == "genuine"
    assert connection.connection.info.backend_pid != dead


@pytest.mark.django_db
def test_inside_a_transaction_a_database_error_is_not_retried(monkeypatch):
    calls = []

    def broken(conn, sql, value, prepared_sql=None):
        calls.append(sql)
        raise OperationalError("connection lost")

    monkeypatch.setattr(verify, "_execute_one", broken)
    with pytest.raises(OperationalError):
        verify.stamp_lookup(12345)
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)  # autocommit, as a request runs
@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "unnamed"])
def test_the_direct_path_answers_what_the_recorded_path_answers(prepared, settings):
    from django.test.utils import CaptureQueriesContext

    settings.OCOP_DB_PREPARED_STATEMENTS = prepared
    with clock.freeze(TODAY), fresh_buffer():
        serial = scanned_stamp().serial  # counters too: every column type of the row
        assert not connection.queries_logged
        fast = verify.stamp_lookup(serial)
        again = verify.stamp_lookup(serial)
        with CaptureQueriesContext(connection) as recorded:
            counted = verify.stamp_lookup(serial)

    def flat(facts):
        cert = [getattr(facts.certificate, c) for c in verify.CERTIFICATE_COLUMNS]
        return dataclasses.replace(facts, certificate=None), cert

    assert flat(fast) == flat(again) == flat(counted)
    assert flat(fast)[1][0] == counted.certificate.number != ""
    assert fast.scan_count == 1
    assert fast.first_scanned_at is not None and fast.first_scanned_at.utcoffset() == dt.timedelta(
        0
    )
    assert len(recorded.captured_queries) == 1
    if connection.vendor == "postgresql":  # one libpq path kept per connection
        assert connection._ocop_one_row.raw is connection.connection


# --- PostgreSQL: the lookup runs inside a function installed by migrate ---------------------------
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PL/pgSQL lookup functions exist on PostgreSQL only"
)


def _plain_row(lookup, serial):
    sql, _compiler = lookup.select()
    with connection.cursor() as cursor:
        cursor.execute(sql, [serial])
        return cursor.fetchone()


def _function_row(lookup, serial):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {lookup.function_name()}(%s)", [serial])  # noqa: S608
        return cursor.fetchone()


@needs_postgres
@pytest.mark.django_db
@pytest.mark.parametrize("lookup", verify.LOOKUPS, ids=lambda lookup: lookup.name)
def test_the_function_answers_what_the_query_answers(lookup):
    from ocop.stamps.tests.verify_support import inactive_stamp, scanned_stamp, voided_stamp

    with clock.freeze(TODAY), fresh_buffer():
        scanned = scanned_stamp()
        serials = [genuine_stamp().serial, scanned.serial, inactive_stamp().serial]
        serials += [voided_stamp().serial, 4242]

        for serial in serials:
            assert _function_row(lookup, serial) == _plain_row(lookup, serial)
    assert _function_row(lookup, scanned.serial)[-3] == 1  # the counters ride along
    assert _function_row(lookup, 4242) is None


@needs_postgres
@pytest.mark.django_db
def test_a_verification_calls_the_function(django_assert_num_queries):
    with clock.freeze(TODAY), fresh_buffer():
        code = token(genuine_stamp())
        with django_assert_num_queries(1) as captured:
            verdict = verify.verify_token(code)

    assert verdict.outcome == "genuine"
    assert verify.LOOKUP_FUNCTION_PREFIX + "v_" in captured.captured_queries[0]["sql"]


@needs_postgres
@pytest.mark.django_db
def test_installing_again_keeps_the_current_functions_and_drops_stale_ones():
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE FUNCTION {verify.LOOKUP_FUNCTION_PREFIX}v_000000000000(p_serial bigint) "
            "RETURNS integer LANGUAGE sql AS 'SELECT 1'"
        )

    names = verify.install_lookup_functions()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname FROM pg_proc WHERE proname LIKE %s ORDER BY proname",
            [verify.LOOKUP_FUNCTION_PREFIX.replace("_", r"\_") + "%"],
        )
        installed = [name for (name,) in cursor.fetchall()]
    assert sorted(names) == installed
    assert {lookup.function_name() for lookup in verify.LOOKUPS} == set(installed)


def test_a_lookup_is_one_parameter_sql():
    for lookup in verify.LOOKUPS:
        sql, _compiler = lookup.select()
        assert sql.count("%s") == 1
        assert lookup.function_name().startswith(verify.LOOKUP_FUNCTION_PREFIX + lookup.name)
        assert len(lookup.function_name()) < 64  # PostgreSQL's identifier limit


@needs_postgres
@pytest.mark.django_db
def test_the_functions_plans_do_not_depend_on_the_statistics_of_their_first_call():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, proconfig FROM pg_proc WHERE proname LIKE %s",
            [verify.LOOKUP_FUNCTION_PREFIX.replace("_", r"\_") + "%"],
        )
        configs = dict(cursor.fetchall())

    assert len(configs) == len(verify.LOOKUPS)
    for config in configs.values():
        assert "enable_seqscan=off" in config
        assert "plan_cache_mode=force_generic_plan" in config


@needs_postgres
@pytest.mark.django_db
def test_a_flush_leaves_the_functions_alone_and_a_migrate_reinstalls_them():
    from django.db.models.signals import post_migrate

    assert verify.install_lookup_functions(signal=post_migrate, sender=None) == []  # flush
    installed = verify.install_lookup_functions(signal=post_migrate, sender=None, plan=[])

    assert sorted(installed) == sorted(lookup.function_name() for lookup in verify.LOOKUPS)


@pytest.mark.django_db(transaction=True)
def test_a_database_error_on_the_direct_path_is_djangos_error():
    import sqlite3

    import psycopg
    from django.db import DatabaseError

    connection.ensure_connection()
    assert not connection.queries_logged and connection.get_autocommit()
    with pytest.raises(DatabaseError) as raised:
        verify._execute_one(connection, "SELECT * FROM no_such_table WHERE id = %s", 1)
    assert not isinstance(raised.value, sqlite3.Error | psycopg.Error)  # Django's, not the driver's
    assert verify._execute_one(connection, "SELECT CAST(%s AS bigint) + 1", 41) == (42,)
    assert verify._execute_one(connection, "SELECT 1 WHERE CAST(%s AS bigint) < 0", 5) is None


def _named_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements ORDER BY name")
        return [name for (name,) in cursor.fetchall()]


needs_libpq = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the libpq path exists on PostgreSQL only"
)


@needs_libpq
@pytest.mark.django_db(transaction=True)
def test_the_lookup_is_prepared_once_per_session_and_again_when_the_session_lost_it():
    with clock.freeze(TODAY), fresh_buffer():
        serial = genuine_stamp().serial
        connection.close()
        first = verify.stamp_lookup(serial)
        verify.stamp_lookup(serial)
        named = _named_statements()
        assert len(named) == 1 and named[0].startswith("ocop_one_row_")

        # A pooler's DISCARD ALL (or a DEALLOCATE) drops it under us: prepared again, same row.
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        assert _named_statements() == []
        again = verify.stamp_lookup(serial)
        assert _named_statements() == named
        assert (again.serial, again.lot_number, again.certificate.number) == (
            first.serial,
            first.lot_number,
            first.certificate.number,
        )

        # A server session that has it already (a pooler handing over a connection one of our
        # processes prepared it on): its plan may have been made any way, so it is replaced.
        ((text, name),) = connection._ocop_one_row._queries.values()
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f"PREPARE {name.decode()}(bigint) AS {text.decode()}")  # noqa: S608
            cursor.execute("SELECT prepare_time FROM pg_prepared_statements")
            (held_since,) = cursor.fetchone()
        taken = verify.stamp_lookup(serial)
        assert (taken.serial, taken.certificate.number) == (serial, first.certificate.number)
        assert _named_statements() == named
        with connection.cursor() as cursor:
            cursor.execute("SELECT prepare_time FROM pg_prepared_statements")
            assert cursor.fetchone()[0] > held_since


def _plan(name: str, serial: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN EXECUTE {name}({int(serial)})")  # noqa: S608 (our own name)
        return "\n".join(line for (line,) in cursor.fetchall())


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


@needs_libpq
@pytest.mark.django_db(transaction=True)
def test_the_prepared_lookup_is_planned_without_sequential_scans_on_near_empty_tables():
    """The tables are nearly empty here (one stamp, one lot, no counters): planned with the
    statistics of the moment, sequential scans would win and stay in the kept plan as the
    tables grow. The generic plan is made with them off; the session's setting is put back."""
    with clock.freeze(TODAY), fresh_buffer():
        serial = genuine_stamp().serial
        connection.close()
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE stamps_scantally")  # known empty, as after a fresh install
        assert _setting("enable_seqscan") == "on"

        assert verify.stamp_lookup(serial).serial == serial

        (name,) = _named_statements()
        plan = _plan(name, serial)
        assert "Seq Scan" not in plan
        assert "stamps_scantally_pkey" in plan and "stamps_stamp_pkey" in plan
        assert _setting("enable_seqscan") == "on"  # put back as it was
        assert _setting("plan_cache_mode") == "force_generic_plan"
        # A session that had its own setting keeps it.
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
            cursor.execute("SET enable_seqscan = off")
        assert verify.stamp_lookup(serial).serial == serial
        assert _setting("enable_seqscan") == "off"


@needs_libpq
@pytest.mark.django_db(transaction=True)
def test_a_prepared_lookup_is_made_again_after_its_time(monkeypatch):
    with clock.freeze(TODAY), fresh_buffer():
        serial = genuine_stamp().serial
        connection.close()
        verify.stamp_lookup(serial)
        kept = connection._ocop_one_row
        (name,) = kept._prepared
        kept._prepared[name] -= kept.REPREPARE_SECONDS + 1  # made long ago
        with connection.cursor() as cursor:
            cursor.execute("SELECT prepare_time FROM pg_prepared_statements")
            (before,) = cursor.fetchone()

        assert verify.stamp_lookup(serial).serial == serial

        with connection.cursor() as cursor:
            cursor.execute("SELECT prepare_time FROM pg_prepared_statements")
            assert [row[0] > before for row in cursor.fetchall()] == [True]
        assert "Seq Scan" not in _plan(name.decode(), serial)


@needs_libpq
@pytest.mark.django_db(transaction=True)
def test_with_prepared_statements_off_nothing_is_prepared_by_name(settings):
    settings.OCOP_DB_PREPARED_STATEMENTS = False
    with clock.freeze(TODAY), fresh_buffer():
        serial = genuine_stamp().serial
        connection.close()
        assert verify.stamp_lookup(serial).serial == serial
        assert verify.stamp_lookup(serial + 1) is None
        assert _named_statements() == []


@pytest.mark.django_db
def test_inside_a_transaction_the_lookup_goes_through_a_cursor():
    """psycopg begins the transaction before a cursor's first statement: the libpq path would
    run outside it."""
    with clock.freeze(TODAY), fresh_buffer():
        serial = genuine_stamp().serial
        assert not connection.get_autocommit()
        connection._ocop_one_row = None
        assert verify.stamp_lookup(serial).serial == serial
        assert connection._ocop_one_row is None
