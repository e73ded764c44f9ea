"""The fixture world of the policy matrix: two provinces, their objects and one user per role.

See ocop.core.testing for what each relation ("own", "sibling", "neighbour", "other") holds.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from types import SimpleNamespace
from typing import Any

from django.test import Client

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import MembershipFactory, user_with_role
from ocop.core import testing
from ocop.geo.tests.factories import CommuneFactory, ProvinceFactory
from ocop.producers.tests.factories import ProducerFactory, ProducerRepresentativeFactory
from ocop.products.tests.factories import ProductFactory
from tests.api.factories import bearer_for


class Area(SimpleNamespace):
    """The objects of one relation; apps add their own in `setup(world)`."""


@dataclass
class World:
    areas: dict[str, Area]
    users: dict[str, Any]  # role -> user (None for anonymous)
    html_clients: dict[str, Client] = field(default_factory=dict)
    cookies: dict[str, SimpleCookie] = field(default_factory=dict)
    api_clients: dict[str, Client] = field(default_factory=dict)
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))


class Ctx:
    """What a case's builders see: the relation's objects, the acting user, fresh numbers."""

    def __init__(self, world: World, relation: str, role: str) -> None:
        self.world = world
        self.relation = relation
        self.role = role
        self.me = world.users[role]
        self._area = world.areas["own" if relation == "any" else relation]

    @property
    def seq(self) -> int:
        return next(self.world.counter)

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self._area, name)
        except AttributeError:
            raise AttributeError(
                f"the '{self.relation}' area has no '{name}': add it in a policy_cases setup()"
            ) from None


def _area(province, commune, producer=None) -> Area:
    producer = producer or ProducerFactory(commune=commune)
    member = MembershipFactory(role=Role.COMMUNE_OFFICER, province=province, commune=commune)
    return Area(
        province=province,
        commune=commune,
        producer=producer,
        product=ProductFactory(producer=producer),
        user=member.user,
        membership=member,
    )


def build_world() -> World:
    province_a, province_b = ProvinceFactory(), ProvinceFactory()
    commune_a1 = CommuneFactory(province=province_a)
    commune_a2 = CommuneFactory(province=province_a)
    commune_b1 = CommuneFactory(province=province_b)
    areas = {
        "own": _area(province_a, commune_a1),
        "sibling": _area(province_a, commune_a1),
        "neighbour": _area(province_a, commune_a2),
        "other": _area(province_b, commune_b1),
    }
    producer_user = user_with_role(Role.PRODUCER)
    ProducerRepresentativeFactory(producer=areas["own"].producer, user=producer_user)
    users = {
        testing.ANONYMOUS: None,
        testing.ADMIN: user_with_role(Role.ADMIN),
        testing.PROVINCE_OFFICER: user_with_role(Role.PROVINCE_OFFICER, province=province_a),
        testing.COMMUNE_OFFICER: user_with_role(Role.COMMUNE_OFFICER, commune=commune_a1),
        testing.INSPECTOR: user_with_role(Role.INSPECTOR, province=province_a),
        testing.COUNCIL_MEMBER: user_with_role(Role.COUNCIL_MEMBER, province=province_a),
        testing.PRODUCER: producer_user,
    }
    world = World(areas=areas, users=users)
    for role, user in users.items():
        html_client = Client(raise_request_exception=False)
        api_headers = {}
        if user is not None:
            html_client.force_login(user)
            api_headers = bearer_for(user)
        world.html_clients[role] = html_client
        world.cookies[role] = copy.deepcopy(html_client.cookies)
        world.api_clients[role] = Client(raise_request_exception=False, **api_headers)
    return world
