"""JSON API of the products app (mounted by ocop.api.routers)."""

from ninja import Router

router = Router(tags=["products"])
