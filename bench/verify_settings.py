"""Settings of the verification bench: the site's settings, the bench URLconf (which adds a bare
view), production-like flags, and rate limits set far above the bench's rate (they stay on)."""

import os

from ocop.config.settings import *  # noqa: F403

ROOT_URLCONF = "verify_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
OCOP_VERIFY_RATE_LIMIT = 10**9
OCOP_VERIFY_FAILURE_LIMIT = 10**9
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}

# The `logging` route's second server (quality targets §2.2: throughput with the scan log against
# without): scans are buffered as usual but never written (no flusher thread, no exit flush).
if os.environ.get("BENCH_SCAN_LOG") == "off":
    OCOP_SCAN_FLUSH_THREAD = False

# `bench/verify.py --database sqlite`: the site's own SQLite settings (WAL, immediate
# transactions, busy timeout) on the bench's file.
if os.environ.get("BENCH_SQLITE_FILE"):
    DATABASES["default"]["NAME"] = os.environ["BENCH_SQLITE_FILE"]  # noqa: F405
