"""The verification path costs at most two SELECTs and no write; a forged or malformed token none.

Every outcome on every route, anonymously and without cookies (quality targets §2.1).
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ocop.core import clock
from ocop.stamps import codes
from ocop.stamps.tests.verify_support import (
    GTIN,
    TODAY,
    forged_token,
    fresh_buffer,
    genuine_stamp,
    inactive_stamp,
    scanned_stamp,
    token,
    voided_stamp,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean():
    cache.clear()
    with clock.freeze(TODAY), fresh_buffer():
        yield


def _revoked():
    stamp = genuine_stamp()
    stamp.lot.certificate.revoked_at = clock.now() - dt.timedelta(days=1)
    stamp.lot.certificate.save()
    return token(stamp)


def _suspended():
    stamp = genuine_stamp()
    stamp.lot.certificate.suspended_at = clock.now() - dt.timedelta(days=1)
    stamp.lot.certificate.save()
    return token(stamp)


def _expired():
    stamp = genuine_stamp()
    cert = stamp.lot.certificate
    cert.valid_until = TODAY - dt.timedelta(days=1)
    cert.expiring_from = cert.valid_until - dt.timedelta(days=30)
    cert.save()
    return token(stamp)


def _scanned_before():
    return token(scanned_stamp())


SIGNED = {
    "genuine": lambda: token(genuine_stamp()),
    "scanned_before": _scanned_before,
    "unknown": lambda: codes.sign(codes.new_serial()),
    "voided": lambda: token(voided_stamp()),
    "inactive": lambda: token(inactive_stamp()),
    "suspended": _suspended,
    "revoked": _revoked,
    "expired": _expired,
}
UNSIGNED = {
    "forged": lambda: forged_token(genuine_stamp()),
    "malformed": lambda: "abc",
}
ROUTES = {"page": "/v/{}", "api": "/api/v1/public/verify/{}"}


def _run(url):
    client = Client(raise_request_exception=False)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code < 500
    return ctx.captured_queries


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("outcome", SIGNED)
def test_a_signed_code_costs_at_most_two_selects(route, outcome):
    url = ROUTES[route].format(SIGNED[outcome]())

    queries = _run(url)

    assert len(queries) <= 2, [q["sql"] for q in queries]
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("outcome", UNSIGNED)
def test_a_forged_or_malformed_code_costs_no_query(route, outcome, django_assert_num_queries):
    url = ROUTES[route].format(UNSIGNED[outcome]())

    with django_assert_num_queries(0):
        Client(raise_request_exception=False).get(url)


def test_a_gs1_link_costs_at_most_two_selects(django_assert_max_num_queries):
    stamp = genuine_stamp()
    stamp.batch.product.gtin = GTIN
    stamp.batch.product.save()
    url = codes.gs1_path(gtin=GTIN, lot=stamp.lot.lot_number, serial=stamp.serial)

    with django_assert_max_num_queries(2):
        response = Client().get(url)

    assert response.status_code == 200


def test_a_genuine_code_costs_one_joined_select_counters_included(django_assert_num_queries):
    url = ROUTES["api"].format(_scanned_before())

    with django_assert_num_queries(1):
        response = Client().get(url)

    assert response.json()["scans"]["count"] == 1
