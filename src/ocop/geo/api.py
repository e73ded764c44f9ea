"""JSON API of the geo app (mounted by ocop.api.routers)."""

from ninja import Router

router = Router(tags=["geo"])
