"""The signed-in home page: what each role sees first, read only through the apps' selectors.

Every figure comes from a scoped selector (`producer_list`, `product_list`), so a dashboard never
shows more than the lists behind it. Each panel costs a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from ocop.accounts.constants import Role
from ocop.core.actor import Actor
from ocop.producers.constants import ProducerKind
from ocop.producers.selectors import producer_list
from ocop.products.constants import CycleStep
from ocop.products.selectors import product_list
from ocop.web import selectors
from ocop.web.context import first_url

LATEST = 5
MINE = 10


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int
    total: int
    url: str | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0


@dataclass
class Breakdown:
    """Counts of a queryset grouped by a choice field, in the choices' order (zeros kept)."""

    rows: list[Row] = field(default_factory=list)
    total: int = 0

    @classmethod
    def of(cls, qs: QuerySet, field_name: str, choices, list_url: str | None = None) -> Breakdown:
        """`list_url`: the list page filtering on `field_name` (rows link to `?field=value`)."""
        grouped = (
            qs.order_by()
            .prefetch_related(None)
            .values(field_name)
            .annotate(n=Count("pk", distinct=True))
        )
        counts = {g[field_name]: g["n"] for g in grouped}
        total = sum(counts.values())
        rows = [
            Row(
                value,
                str(label),
                counts.get(value, 0),
                total,
                f"{list_url}?{urlencode({field_name: value})}" if list_url else None,
            )
            for value, label in choices
        ]
        return cls(rows=rows, total=total)

    def count(self, key: str) -> int:
        return next((r.count for r in self.rows if r.key == key), 0)

    def row_url(self, key: str) -> str | None:
        return next((r.url for r in self.rows if r.key == key), None)


@dataclass(frozen=True)
class Tile:
    label: str
    value: int | None
    url: str | None = None
    note: str = ""


def _latest(qs: QuerySet, n: int) -> list[Any]:
    return list(qs.order_by("-updated_at", "-id")[:n])


def _tiles(by_kind: Breakdown, by_step: Breakdown, ctx: dict[str, Any]) -> list[Tile]:
    products_url = ctx["products_url"]
    return [
        Tile(_("Chủ thể OCOP"), by_kind.total, ctx["producers_url"]),
        Tile(_("Sản phẩm"), by_step.total, products_url),
        Tile(
            _("Đang đánh giá, phân hạng"),
            by_step.count(CycleStep.EVALUATION),
            by_step.row_url(CycleStep.EVALUATION),
            note=_("Bước 5 của chu trình"),
        ),
        Tile(
            _("Xúc tiến thương mại"),
            by_step.count(CycleStep.PROMOTION),
            by_step.row_url(CycleStep.PROMOTION),
            note=_("Bước 6 của chu trình"),
        ),
    ]


def build(actor: Actor) -> dict[str, Any]:
    """The dashboard panels for `actor`'s roles (an actor may hold several)."""
    overseer = actor.is_superuser or actor.has_role(Role.ADMIN, Role.PROVINCE_OFFICER)
    registry = overseer or actor.has_role(Role.INSPECTOR, Role.COMMUNE_OFFICER)
    ctx: dict[str, Any] = {
        "registry": registry,
        "overseer": overseer,
        "council": actor.has_role(Role.COUNCIL_MEMBER),
        "producer": actor.has_role(Role.PRODUCER) and not registry,
        "no_role": not actor.grants and not actor.is_superuser,
        "producers_url": first_url("producers:list", "producers:producer_list"),
        "products_url": first_url("products:list", "products:product_list"),
    }
    ctx["show_lists"] = registry or ctx["producer"]
    if ctx["show_lists"]:
        producers, products = producer_list(actor=actor), product_list(actor=actor)
    if registry:
        by_kind = Breakdown.of(producers, "kind", ProducerKind.choices, ctx["producers_url"])
        by_step = Breakdown.of(products, "cycle_step", CycleStep.choices, ctx["products_url"])
        ctx.update(by_kind=by_kind, by_step=by_step, tiles=_tiles(by_kind, by_step, ctx))
    if overseer:
        ctx["recent"] = selectors.recent_changes(actor=actor)
    elif registry:
        ctx["latest_producers"] = _latest(producers, LATEST)
        ctx["latest_products"] = _latest(products, LATEST)
    if ctx["producer"]:
        ctx["my_producers"] = _latest(producers, MINE)
        ctx["my_products"] = _latest(products, MINE)
    return ctx
