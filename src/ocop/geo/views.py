"""HTML helpers of the geo app for other apps' forms."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ocop.core.access import access
from ocop.geo import selectors


@access.authenticated
@require_GET
def commune_options(request: HttpRequest) -> HttpResponse:
    """`<option>`s of the communes of `?province=<id>` (htmx target of a commune select)."""
    province_id = province_param(request.GET)
    communes = selectors.commune_list(province_id=province_id) if province_id else []
    return render(request, "geo/_commune_options.html", {"communes": communes})


def province_param(params: QueryDict) -> int | None:
    """The province id sent by the select: `province`, or a prefixed name ("x-province")."""
    key = (
        "province"
        if "province" in params
        else next((k for k in params if k.endswith("province")), None)
    )
    value = (params.get(key) or "").strip() if key else ""
    return int(value) if value.isdigit() else None
