"""JSON API of the geo app (mounted by ocop.api.routers at /api/v1/geo). Public reference data."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from ocop.geo import selectors
from ocop.geo.address import AMBIGUOUS, EXACT, PARTIAL
from ocop.geo.errors import AddressAmbiguous, AddressNotFound, AddressPartial
from ocop.geo.schemas import AddressProblemOut, CommuneOut, ProblemOut, ProvinceOut, ResolutionOut

router = Router(tags=["geo"])


class ResolveQuery(Schema):
    address: str = Field(..., max_length=500)


@router.get(
    "/provinces",
    response={200: list[ProvinceOut]},
    auth=None,
    operation_id="province_list",
    summary="Danh sách tỉnh, thành phố hiện hành",
)
def province_list(request: HttpRequest):
    return list(selectors.province_list())


@router.get(
    "/provinces/{code}/communes",
    response={200: list[CommuneOut], 404: ProblemOut},
    auth=None,
    operation_id="commune_list",
    summary="Danh sách xã, phường, đặc khu của một tỉnh",
)
def commune_list(request: HttpRequest, code: str, q: str | None = None):
    province = selectors.province_get(code)
    return list(selectors.commune_list(province.code, q))


@router.get(
    "/resolve",
    response={200: ResolutionOut, 422: AddressProblemOut},
    auth=None,
    operation_id="address_resolve",
    summary="Xác định xã, tỉnh hiện hành từ một địa chỉ (cũ hoặc mới)",
    description=(
        "Trả 200 chỉ khi địa chỉ xác định chắc chắn một đơn vị cấp xã hiện hành. Nếu địa chỉ "
        "chỉ đến cấp huyện/tỉnh, khớp nhiều đơn vị hoặc không tìm thấy, trả 422 với mã "
        "geo.address_partial / geo.address_ambiguous / geo.address_not_found và danh sách "
        "`candidates`."
    ),
)
def address_resolve(request: HttpRequest, params: Query[ResolveQuery]):
    resolution = selectors.address_resolve(params.address)
    if resolution.status == EXACT:
        return resolution
    error = {PARTIAL: AddressPartial, AMBIGUOUS: AddressAmbiguous}.get(
        resolution.status, AddressNotFound
    )
    raise error(
        resolution.message,
        extra={
            "resolution_status": resolution.status,
            "province": _province_ref(resolution.province),
            "candidates": [_commune_ref(c) for c in resolution.candidates],
        },
    )


def _province_ref(province) -> dict | None:
    return {"code": province.code, "name": province.name} if province else None


def _commune_ref(commune) -> dict:
    return {
        "code": commune.code,
        "name": commune.name,
        "division_type": commune.division_type,
        "province": _province_ref(commune.province),
    }
