"""JSON API of the evaluation app, mounted at /api/v1/evaluation (ocop.api.routers)."""

from ninja import Router

router = Router(tags=["evaluation"])
