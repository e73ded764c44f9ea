"""The committed OpenAPI document (docs/openapi.json): generated from code, compared in CI."""

import json

from django.core.serializers.json import DjangoJSONEncoder

from ocop.api.api import api


def openapi_document() -> dict:
    """The schema as plain JSON data (string keys throughout, as served)."""
    return json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))


def render_openapi() -> str:
    """The schema as stable text: sorted keys, two-space indent, UTF-8, trailing newline."""
    return json.dumps(openapi_document(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
