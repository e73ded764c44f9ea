"""The committed OpenAPI document (docs/openapi.json): generated from code, compared in CI."""

import json

from ocop.api.api import api


def openapi_document() -> dict:
    return api.get_openapi_schema()


def render_openapi() -> str:
    """The schema as stable text: sorted keys, two-space indent, UTF-8, trailing newline."""
    return json.dumps(openapi_document(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
