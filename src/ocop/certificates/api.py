"""JSON API of the certificates app, mounted at /api/v1/certificates."""

from ninja import Router

router = Router(tags=["certificates"])
