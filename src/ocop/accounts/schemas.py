"""API input/output shapes of the accounts app. Units are named by their official codes."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Schema

from ocop.accounts.constants import Role
from ocop.core import clock


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """The API emits local time (+07:00)."""
    return timezone.localtime(value) if value is not None else None


class ProblemItem(Schema):
    loc: list[str]
    code: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details (application/problem+json)."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    errors: list[ProblemItem] | None = None


ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


class UnitOut(Schema):
    code: str
    name: str


class MembershipOut(Schema):
    id: UUID
    role: Role
    role_label: str
    province: UnitOut | None
    commune: UnitOut | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    state: Literal["active", "scheduled", "ended"]
    note: str

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_state(obj) -> str:
        today = clock.today()
        if obj.is_ended_on(today):
            return "ended"
        return "active" if obj.is_active_on(today) else "scheduled"


class MeOut(Schema):
    id: UUID
    username: str
    full_name: str
    email: str
    phone: str
    title: str
    organisation: str
    preferred_language: str
    roles: list[MembershipOut] = Field(description="Vai trò đang có hiệu lực hôm nay, kèm đơn vị.")

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_roles(obj) -> list:
        today = clock.today()
        return [m for m in obj.memberships.all() if m.is_active_on(today)]


class UserOut(Schema):
    id: UUID
    username: str
    full_name: str
    email: str
    phone: str
    title: str
    organisation: str
    is_active: bool
    date_joined: dt.datetime
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_date_joined(obj) -> dt.datetime:
        return _local(obj.date_joined)

    @staticmethod
    def resolve_memberships(obj) -> list:
        return list(obj.memberships.all())


class MembershipIn(Schema):
    role: Role
    province: str | None = Field(None, description="Mã tỉnh, thành phố (bản đồ 2025).")
    commune: str | None = Field(None, description="Mã xã, phường, đặc khu (bản đồ 2025).")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    note: str = Field("", max_length=200)


class MembershipEndIn(Schema):
    reason: str = Field("", max_length=500)


class UserCreateIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)
    full_name: str = Field(..., min_length=1, max_length=150)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=20)
    title: str = Field("", max_length=150)
    organisation: str = Field("", max_length=200)
    preferred_language: Literal["vi", "en"] = "vi"
    membership: MembershipIn | None = Field(
        None, description="Vai trò đầu tiên; bắt buộc với cán bộ cấp tỉnh."
    )


class UserFilters(Schema):
    q: str = Field("", max_length=100)
    role: Role | None = None
    province: str | None = Field(None, description="Mã tỉnh, thành phố.")


class ApiTokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    expires_at: dt.datetime | None = None


class ApiTokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_created_at(obj):
        return _local(obj.created_at)

    @staticmethod
    def resolve_expires_at(obj):
        return _local(obj.expires_at)

    @staticmethod
    def resolve_last_used_at(obj):
        return _local(obj.last_used_at)

    @staticmethod
    def resolve_revoked_at(obj):
        return _local(obj.revoked_at)


class ApiTokenCreatedOut(ApiTokenOut):
    key: str = Field(..., description="Khoá truy cập, chỉ hiển thị một lần.")

    @staticmethod
    def resolve_key(obj) -> str:
        return obj.key
