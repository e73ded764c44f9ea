"""Human codes from locked counter rows: unique and gapless (a rolled-back issue frees nothing)."""

from django.db import transaction

from ocop.core.models import Counter


def next_value(scope: str) -> int:
    """Increment and return the counter for `scope` inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value must run inside a transaction")
    counter, _ = Counter.objects.select_for_update().get_or_create(scope=scope)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value


def gtin_check_digit(body: str) -> int:
    """GS1 mod-10 check digit for the digits preceding it."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def gtin_is_valid(value: str) -> bool:
    """GTIN-8/12/13/14: digits only, right length, correct check digit."""
    if not value.isdigit() or len(value) not in (8, 12, 13, 14):
        return False
    return gtin_check_digit(value[:-1]) == int(value[-1])
