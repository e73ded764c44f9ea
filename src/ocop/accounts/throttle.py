"""Failure counters in Django's cache: log-in per account and per client address, reset requests.

Fixed windows: the first counted event opens a window of OCOP_LOGIN_WINDOW_SECONDS; once the count
reaches the limit, further attempts are refused until the window closes (Retry-After = what is
left of it). Counters are keyed by a hash of the identifier, so unknown and real account names are
counted alike and no account name is stored in the cache.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

from ocop.core.text import fold

PREFIX = "ocop:throttle"


def client_address(request) -> str:
    """REMOTE_ADDR; X-Forwarded-For is read only when the peer is a configured trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    trusted = set(getattr(settings, "OCOP_TRUSTED_PROXIES", ()) or ())
    if remote not in trusted:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if address not in trusted:
            return address
    return remote


def _keys(scope: str, ident: str) -> tuple[str, str]:
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"{PREFIX}:{scope}:{digest}:n", f"{PREFIX}:{scope}:{digest}:t"


def retry_after(scope: str, ident: str, limit: int) -> int | None:
    """Seconds until `ident` may try again, or None when it is under `limit`."""
    count_key, until_key = _keys(scope, ident)
    values = cache.get_many([count_key, until_key])
    if values.get(count_key, 0) < limit:
        return None
    until = values.get(until_key) or time.time() + 1
    return max(1, math.ceil(until - time.time()))


def hit(scope: str, ident: str, window: int) -> int:
    """Count one event for `ident`; returns the count in the current window."""
    count_key, until_key = _keys(scope, ident)
    cache.add(until_key, time.time() + window, window)
    cache.add(count_key, 0, window)
    try:
        return cache.incr(count_key)
    except ValueError:  # expired between add and incr
        cache.set(count_key, 1, window)
        return 1


def reset(scope: str, ident: str) -> None:
    cache.delete_many(list(_keys(scope, ident)))


# --- log-in ---------------------------------------------------------------------------------------


def _account_ident(username: str) -> str:
    return fold(username)


def login_limits() -> tuple[int, int, int]:
    """(attempts per account, attempts per address, window seconds).

    Many people can share one address (an office, a carrier), so the address allows more failures
    than one account: OCOP_LOGIN_MAX_ATTEMPTS_PER_ADDRESS, by default 4 × the per-account limit.
    """
    per_account = settings.OCOP_LOGIN_MAX_ATTEMPTS
    per_address = getattr(settings, "OCOP_LOGIN_MAX_ATTEMPTS_PER_ADDRESS", None) or 4 * per_account
    return per_account, per_address, settings.OCOP_LOGIN_WINDOW_SECONDS


def login_retry_after(username: str, address: str) -> int | None:
    per_account, per_address, _ = login_limits()
    waits = [
        retry_after("login-account", _account_ident(username), per_account),
        retry_after("login-address", address, per_address),
    ]
    waits = [w for w in waits if w is not None]
    return max(waits) if waits else None


def login_failed(username: str, address: str) -> None:
    _, _, window = login_limits()
    hit("login-account", _account_ident(username), window)
    hit("login-address", address, window)


def login_succeeded(username: str) -> None:
    """Clear the account's failures; the address keeps its count (a valid log-in must not
    wash away failures against other accounts)."""
    reset("login-account", _account_ident(username))


# --- password reset requests (every request counts, found or not) ---------------------------------


def reset_retry_after(email: str, address: str) -> int | None:
    per_account, per_address, _ = login_limits()
    waits = [
        retry_after("reset-email", fold(email), per_account),
        retry_after("reset-address", address, per_address),
    ]
    waits = [w for w in waits if w is not None]
    return max(waits) if waits else None


def reset_requested(email: str, address: str) -> None:
    _, _, window = login_limits()
    hit("reset-email", fold(email), window)
    hit("reset-address", address, window)
