"""JSON API of the stamps app (officers, producers), mounted at /api/v1/stamps."""

from ninja import Router

router = Router(tags=["stamps"])
