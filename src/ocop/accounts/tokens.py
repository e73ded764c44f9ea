"""API tokens: random keys shown once, stored as SHA-256."""

import hashlib
import secrets

from ocop.core import clock

KEY_PREFIX = "ocop_"
# Stored in clear to tell tokens apart in lists: "ocop_" + 7 random characters (of 43).
PREFIX_LEN = 12


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def issue() -> tuple[str, str, str]:
    """A fresh (key, prefix, key_hash); only the last two are ever stored."""
    key = new_key()
    return key, key[:PREFIX_LEN], hash_key(key)


def user_for_token(key: str):
    """The active user owning a live (not revoked, not expired) token, or None."""
    from ocop.accounts.models import ApiToken

    if not key or not key.startswith(KEY_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.expires_at and token.expires_at <= now:
        return None
    # Usage stamp at most every 5 minutes: no write per request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
