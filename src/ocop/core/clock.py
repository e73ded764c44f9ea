"""The only source of 'now' in domain code, so tests can freeze time (core.clock.freeze)."""

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current moment, aware, in UTC (as `django.utils.timezone.now()` with USE_TZ)."""
    return _frozen if _frozen is not None else dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in Vietnam."""
    if _frozen is not None:
        return _frozen.astimezone(LOCAL_TZ).date()
    return dt.datetime.now(LOCAL_TZ).date()


@contextlib.contextmanager
def freeze(at: dt.datetime | dt.date) -> Iterator[None]:
    """Freeze now()/today() at a local moment (a date means local midnight + 9h)."""
    global _frozen
    if isinstance(at, dt.date) and not isinstance(at, dt.datetime):
        at = dt.datetime.combine(at, dt.time(9, 0), tzinfo=LOCAL_TZ)
    elif at.tzinfo is None:
        at = at.replace(tzinfo=LOCAL_TZ)
    previous, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = previous


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar month arithmetic for legal dates: 31/01 + 1 month = 28/02 (or 29/02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        with contextlib.suppress(ValueError):
            return dt.date(year, month, min(day.day, candidate))
    raise ValueError(day)  # pragma: no cover - unreachable
