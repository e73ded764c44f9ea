"""Public verification API, mounted at /api/v1/public (no log-in)."""

from ninja import Router

router = Router(tags=["public"])
