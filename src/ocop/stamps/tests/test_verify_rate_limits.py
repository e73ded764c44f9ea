"""Verification is rate-limited per client address: loosely for all answers, tightly for failures;
over the limit the answer is 429 with Retry-After, on the page and the API, and costs no query."""

import pytest
from django.core.cache import cache
from django.test import Client

from ocop.core import clock
from ocop.stamps.tests.verify_support import TODAY, fresh_buffer, genuine_stamp, token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean(settings):
    settings.OCOP_VERIFY_RATE_LIMIT = 5
    settings.OCOP_VERIFY_FAILURE_LIMIT = 2
    settings.OCOP_VERIFY_RATE_WINDOW_SECONDS = 60
    cache.clear()
    with clock.freeze(TODAY), fresh_buffer() as buf:
        yield buf
    cache.clear()


def test_failures_are_limited_tightly_with_retry_after():
    client = Client()
    for _ in range(2):
        assert client.get("/v/khong-phai-ma").status_code == 400

    page = client.get("/v/khong-phai-ma")
    api = client.get("/api/v1/public/verify/khong-phai-ma")

    assert page.status_code == 429 and 1 <= int(page["Retry-After"]) <= 60
    assert api.status_code == 429 and int(api["Retry-After"]) >= 1
    assert api.json()["code"] == "core.rate_limited"


def test_genuine_codes_are_limited_loosely():
    code = token(genuine_stamp())
    client = Client()

    answers = [client.get(f"/v/{code}").status_code for _ in range(6)]

    assert answers == [200] * 5 + [429]


def test_the_limit_is_per_client_address():
    client = Client()
    for _ in range(2):
        client.get("/v/khong-phai-ma", REMOTE_ADDR="198.51.100.1")

    assert client.get("/v/khong-phai-ma", REMOTE_ADDR="198.51.100.1").status_code == 429
    assert client.get("/v/khong-phai-ma", REMOTE_ADDR="198.51.100.2").status_code == 400


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(settings):
    client = Client()
    for n in range(2):
        client.get("/v/khong-phai-ma", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert client.get("/v/khong-phai-ma", HTTP_X_FORWARDED_FOR="192.0.2.9").status_code == 429

    cache.clear()
    settings.OCOP_TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(2):
        client.get("/v/khong-phai-ma", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert client.get("/v/khong-phai-ma", HTTP_X_FORWARDED_FOR="192.0.2.9").status_code == 400


def test_refused_requests_cost_no_query_and_are_not_logged(django_assert_num_queries, _clean):
    code = token(genuine_stamp())
    client = Client()
    for _ in range(5):
        client.get(f"/v/{code}")
    logged = len(_clean)

    with django_assert_num_queries(0):
        assert client.get(f"/v/{code}").status_code == 429

    assert len(_clean) == logged


# --- the counters themselves (per process, fixed windows, bounded) -------------------------------
class _Time:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_window_blocks_until_its_end_and_the_next_starts_from_zero(monkeypatch):
    from ocop.stamps import verify

    fake = _Time(6_000_010.0)  # 10 s into a 60 s window (6,000,000 is a multiple of 60)
    monkeypatch.setattr(verify.time, "time", fake)
    windows = verify.VerifyWindows()
    for _ in range(3):
        windows.count("203.0.113.7", 60, failed=True)

    blocked = windows.retry_after("203.0.113.7", total=100, failures=3, window=60)
    other = windows.retry_after("203.0.113.8", total=100, failures=3, window=60)
    fake.now = 6_000_060.0
    next_window = windows.retry_after("203.0.113.7", total=100, failures=3, window=60)

    assert blocked == 50
    assert other is None
    assert next_window is None


def test_answers_that_are_not_failures_count_only_towards_the_loose_limit():
    from ocop.stamps import verify

    windows = verify.VerifyWindows()
    for _ in range(4):
        windows.count("203.0.113.7", 60, failed=False)

    assert windows.retry_after("203.0.113.7", total=5, failures=1, window=60) is None
    windows.count("203.0.113.7", 60, failed=False)
    assert windows.retry_after("203.0.113.7", total=5, failures=1, window=60) is not None


def test_memory_stays_bounded_under_a_flood_of_addresses():
    from ocop.stamps import verify

    windows = verify.VerifyWindows(max_addresses=3)
    for n in range(10):
        windows.count(f"198.51.100.{n}", 60, failed=True)

    assert len(windows._all) <= 3 and len(windows._failed) <= 3
    assert windows._all.get("198.51.100.9") == 1


def test_limits_changed_in_settings_apply_at_once(settings):
    """The limits are read once per process and read again when a setting changes."""
    client = Client()
    for _ in range(2):
        client.get("/v/khong-phai-ma")
    assert client.get("/v/khong-phai-ma").status_code == 429

    settings.OCOP_VERIFY_FAILURE_LIMIT = 10

    assert client.get("/v/khong-phai-ma").status_code == 400
