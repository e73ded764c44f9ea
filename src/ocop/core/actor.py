"""The acting party of every service and selector call.

Built once per request by the builder named in settings.OCOP_ACTOR_BUILDER (accounts), from the
user's active memberships. Policies read only this object, never request.user directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Grant:
    """One active role of a user, optionally bound to a province and/or a commune."""

    role: str
    province_id: int | None = None
    commune_id: int | None = None


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    grants: tuple[Grant, ...] = ()
    is_system: bool = False
    is_superuser: bool = False
    language: str = "vi"
    user: Any = field(default=None, compare=False, repr=False)

    # --- construction -----------------------------------------------------------------------
    @classmethod
    def anonymous(cls) -> Actor:
        return cls(user_id=None, username="anonymous")

    @classmethod
    def system(cls, reason: str = "system") -> Actor:
        return cls(user_id=None, username=f"system:{reason}", is_system=True)

    # --- questions policies ask -------------------------------------------------------------
    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and not self.is_system

    @property
    def is_authenticated(self) -> bool:
        return not self.is_anonymous

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    def has_role(self, *roles: str) -> bool:
        return any(g.role in roles for g in self.grants)

    def grants_for(self, *roles: str) -> tuple[Grant, ...]:
        return tuple(g for g in self.grants if not roles or g.role in roles)

    def province_ids(self, *roles: str) -> frozenset[int]:
        """Provinces where the actor holds one of `roles` (any role when none given)."""
        return frozenset(
            g.province_id for g in self.grants_for(*roles) if g.province_id is not None
        )

    def commune_ids(self, *roles: str) -> frozenset[int]:
        return frozenset(g.commune_id for g in self.grants_for(*roles) if g.commune_id is not None)

    def covers(self, *roles: str, province_id: int | None, commune_id: int | None = None) -> bool:
        """True when a grant of one of `roles` covers the unit.

        A grant bound to a commune covers only that commune; a grant bound to a province alone
        covers every commune of it.
        """
        for g in self.grants_for(*roles):
            if g.province_id is None or g.province_id != province_id:
                continue
            if g.commune_id is None or g.commune_id == commune_id:
                return True
        return False
