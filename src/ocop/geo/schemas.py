"""Ninja schemas of the geo API."""

from __future__ import annotations

from ninja import Schema

from ocop.core.schemas import ProblemItemOut, ProblemOut  # noqa: F401


class ProvinceRef(Schema):
    code: str
    name: str


class ProvinceOut(Schema):
    code: str
    name: str
    division_type: str
    commune_count: int


class CommuneOut(Schema):
    code: str
    name: str
    division_type: str
    province: ProvinceRef


class LegacyUnitOut(Schema):
    code: str
    name: str


class ResolutionOut(Schema):
    status: str
    input: str
    message: str
    province: ProvinceRef | None = None
    commune: CommuneOut | None = None
    legacy_province: LegacyUnitOut | None = None
    legacy_district: LegacyUnitOut | None = None
    legacy_commune: LegacyUnitOut | None = None
    candidates: list[CommuneOut]


class AddressProblemOut(ProblemOut):
    """422 of the resolver: why the address is not certain, and what it may mean."""

    resolution_status: str
    province: ProvinceRef | None = None
    candidates: list[CommuneOut]
