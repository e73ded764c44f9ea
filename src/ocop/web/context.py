"""Template context for every page: the acting user, the navigation their roles allow, the shell.

Navigation links appear only when their URL name resolves, so a page shows up in the menu as soon
as its app mounts it; a menu entry is a convenience, never a permission check (views check again).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.constants import Role
from ocop.core.actor import Actor
from ocop.criteria.policies import VIEWERS as CRITERIA_VIEWERS
from ocop.web import selectors

# Roles that see part of the registry (producers, products). Council members see nothing there
# until the evaluation app grants them a round's dossiers.
REGISTRY_ROLES = (
    Role.ADMIN,
    Role.PROVINCE_OFFICER,
    Role.COMMUNE_OFFICER,
    Role.INSPECTOR,
    Role.PRODUCER,
)
USER_ADMIN_ROLES = (Role.ADMIN, Role.PROVINCE_OFFICER)
CRITERIA_ROLES = CRITERIA_VIEWERS  # the roles criteria.policies.can_view_rulesets admits


@dataclass(frozen=True)
class NavSpec:
    key: str
    label: str
    url_names: tuple[str, ...]  # the first name that resolves wins
    roles: tuple[str, ...] | None  # None: everyone, signed in or not


NAV = (
    NavSpec("home", _("Trang chủ"), ("web:home",), None),
    NavSpec(
        "producers",
        _("Chủ thể OCOP"),
        ("producers:list", "producers:producer_list"),
        REGISTRY_ROLES,
    ),
    NavSpec("products", _("Sản phẩm"), ("products:list", "products:product_list"), REGISTRY_ROLES),
    NavSpec(
        "criteria", _("Bộ tiêu chí"), ("criteria:list", "criteria:ruleset_list"), CRITERIA_ROLES
    ),
    NavSpec(
        "evaluation",
        _("Đánh giá, phân hạng"),
        ("evaluation:round_list",),
        (
            Role.ADMIN,
            Role.PROVINCE_OFFICER,
            Role.COMMUNE_OFFICER,
            Role.COUNCIL_MEMBER,
            Role.INSPECTOR,
            Role.PRODUCER,
        ),
    ),
    NavSpec(
        "sheets",
        _("Phiếu chấm của tôi"),
        ("evaluation:council_my_sheets",),
        (Role.COUNCIL_MEMBER,),
    ),
    NavSpec(
        "applications",
        _("Hồ sơ của tôi"),
        ("evaluation:application_list",),
        (Role.PRODUCER,),
    ),
    NavSpec(
        "certificates",
        _("Giấy chứng nhận"),
        ("certificates:certificate_list",),
        REGISTRY_ROLES,
    ),
    NavSpec(
        "stamps",
        _("Tem truy xuất"),
        ("stamps:batch_list",),
        (Role.ADMIN, Role.PROVINCE_OFFICER, Role.INSPECTOR, Role.PRODUCER),
    ),
    NavSpec(
        "alerts",
        _("Cảnh báo"),
        ("stamps:alert_list",),
        (Role.ADMIN, Role.PROVINCE_OFFICER, Role.INSPECTOR),
    ),
    NavSpec("users", _("Người dùng"), ("accounts:user_list", "accounts:users"), USER_ADMIN_ROLES),
)
ACCOUNT_URL_NAMES = ("accounts:account",)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    active: bool


def first_url(*names: str) -> str | None:
    """The URL of the first name that resolves (no arguments), or None."""
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def nav_items(actor: Actor, path: str) -> list[NavItem]:
    items = []
    for spec in NAV:
        if spec.roles is not None and not (actor.is_superuser or actor.has_role(*spec.roles)):
            continue
        url = first_url(*spec.url_names)
        if url is None:
            continue
        active = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(spec.key, str(spec.label), url, active))
    return items


class Shell:
    """Lazy facts about the actor for the header; each costs at most one query, only if shown."""

    def __init__(self, actor: Actor):
        self.actor = actor

    @cached_property
    def display_name(self) -> str:
        user = self.actor.user
        return (getattr(user, "full_name", "") or self.actor.username) if user else ""

    @cached_property
    def role_labels(self) -> list[str]:
        order = [r.value for r in Role]
        roles = sorted(self.actor.roles, key=lambda r: order.index(r) if r in order else 99)
        return [str(Role(r).label) if r in Role.values else r for r in roles]

    @cached_property
    def unit_label(self) -> str:
        """Where the actor works: the communes and provinces of their grants ("" for none)."""
        return selectors.unit_label(self.actor)

    @cached_property
    def account_url(self) -> str | None:
        return first_url(*ACCOUNT_URL_NAMES)

    @cached_property
    def notifications_url(self) -> str | None:
        return first_url("web:notifications") if self.actor.is_authenticated else None


def navigation(request) -> dict:
    actor = getattr(request, "actor", None) or Actor.anonymous()
    return {
        "actor": actor,
        "nav_items": nav_items(actor, request.path),
        "shell": Shell(actor),
        "demo_mode": getattr(settings, "DEMO_MODE", False),
    }
