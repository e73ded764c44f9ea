"""Per-client-address rate limit of the public look-up, in Django's cache (fixed window).

The limit and window are settings (OCOP_CERTIFICATE_LOOKUP_LIMIT requests per
OCOP_CERTIFICATE_LOOKUP_WINDOW seconds); addresses are hashed, never stored in clear.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

PREFIX = "ocop:certificates:lookup"


def client_address(request) -> str:
    """REMOTE_ADDR; X-Forwarded-For only when the peer is a configured trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    trusted = set(getattr(settings, "OCOP_TRUSTED_PROXIES", ()) or ())
    if remote not in trusted:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if address not in trusted:
            return address
    return remote


def limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "OCOP_CERTIFICATE_LOOKUP_LIMIT", 60)),
        int(getattr(settings, "OCOP_CERTIFICATE_LOOKUP_WINDOW", 60)),
    )


def check(request) -> int | None:
    """Count one look-up of the client; seconds to wait when over the limit, else None."""
    limit, window = limits()
    digest = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    count_key, until_key = f"{PREFIX}:{digest}:n", f"{PREFIX}:{digest}:t"
    cache.add(until_key, time.time() + window, window)
    cache.add(count_key, 0, window)
    try:
        count = cache.incr(count_key)
    except ValueError:
        cache.set(count_key, 1, window)
        count = 1
    if count <= limit:
        return None
    until = cache.get(until_key) or time.time() + 1
    return max(1, math.ceil(until - time.time()))
