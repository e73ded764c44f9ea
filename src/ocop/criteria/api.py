"""JSON API of the criteria app (mounted by ocop.api.routers)."""

from ninja import Router

router = Router(tags=["criteria"])
