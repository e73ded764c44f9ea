"""Display helpers of the criteria pages."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def iso_dmy(value) -> str:
    """'2023-02-24' (as stored in rule-set JSON) → '24/02/2023'; other values unchanged."""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    try:
        return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return "" if value is None else str(value)
