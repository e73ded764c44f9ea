"""JSON API of the accounts app (mounted by ocop.api.routers)."""

from ninja import Router

router = Router(tags=["accounts"])
