"""Dates and times as the UI shows them (dd/mm/yyyy, local time): the template filters `dmy` and
`dmy_hm` (web.templatetags.ocop_ui) and views that assemble text themselves use these."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

EMPTY = "—"


def dmy(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return EMPTY if value in (None, "") else str(value)


def dmy_hm(value: Any) -> str:
    if not isinstance(value, dt.datetime):
        return dmy(value)
    return _local(value).strftime("%d/%m/%Y %H:%M")


def _local(value: dt.datetime) -> dt.datetime:
    """Aware datetimes in the display zone (settings.TIME_ZONE, Asia/Ho_Chi_Minh)."""
    if timezone.is_naive(value):
        return value
    return timezone.localtime(value, ZoneInfo(settings.TIME_ZONE))
