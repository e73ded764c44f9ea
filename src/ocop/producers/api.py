"""JSON API of the producers app (mounted by ocop.api.routers)."""

from ninja import Router

router = Router(tags=["producers"])
