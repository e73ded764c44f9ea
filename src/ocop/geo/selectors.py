"""Reads of the geo app. Administrative units are public reference data: no actor scoping."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from ocop.core.text import fold
from ocop.geo import address as _address
from ocop.geo.address import Resolution
from ocop.geo.errors import ProvinceNotFound
from ocop.geo.models import Commune, Province

__all__ = [
    "Resolution",
    "address_resolve",
    "commune_list",
    "province_get",
    "province_list",
]


def province_list() -> QuerySet[Province]:
    """The current provinces, by code, each with `commune_count`."""
    return Province.objects.annotate(commune_count=Count("communes")).order_by("code")


def province_get(code: str) -> Province:
    """A current province by its code ("48"); ProvinceNotFound otherwise."""
    province = province_list().filter(code=code).first()
    if province is None:
        raise ProvinceNotFound(province_code=code)
    return province


def commune_list(
    province_code: str | None = None, q: str | None = None, *, province_id: int | None = None
) -> QuerySet[Commune]:
    """Current communes of a province (by code or id), optionally whose name contains `q`."""
    qs = Commune.objects.select_related("province").order_by("province__code", "name_search")
    if province_code is not None:
        qs = qs.filter(province__code=province_code)
    if province_id is not None:
        qs = qs.filter(province_id=province_id)
    if q and fold(q):
        qs = qs.filter(name_search__contains=fold(q))
    return qs


def address_resolve(address: str) -> Resolution:
    """What a free-text address (legacy or current format) names; see `ocop.geo.address`.

    Only `status == "exact"` is certain: store `commune` then. Otherwise offer `candidates`.
    """
    return _address.resolve(address)
