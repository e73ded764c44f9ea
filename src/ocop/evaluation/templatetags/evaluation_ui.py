"""Template helpers of the evaluation pages: `{% load evaluation_ui %}`.

- `{{ mapping|get_item:key }}`: a dict lookup with a variable key ("" when absent).
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    if not isinstance(mapping, dict):
        return ""
    return mapping.get(key, "")
