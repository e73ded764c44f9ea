"""Walk the OpenAPI document: every operation with a concrete sample URL."""

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from ocop.api.openapi import openapi_document

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # templated, e.g. /api/v1/producers/{public_id}
    operation: dict

    @property
    def operation_id(self) -> str | None:
        return self.operation.get("operationId")

    @property
    def is_public(self) -> bool:
        return not self.operation.get("security")

    def sample_url(self) -> str:
        """The path with each parameter replaced by a well-formed value of its type."""
        params = {p["name"]: p for p in self.operation.get("parameters", []) if p["in"] == "path"}

        def value(match: re.Match) -> str:
            schema = params.get(match.group(1), {}).get("schema", {})
            if schema.get("format") == "uuid":
                return str(uuid.UUID(int=0x5A))
            if schema.get("type") == "integer":
                return "1"
            return "x"

        return re.sub(r"\{(\w+)(?::\w+)?\}", value, self.path)


def operations(document: dict | None = None) -> Iterator[Operation]:
    document = document or openapi_document()
    for path, item in sorted(document.get("paths", {}).items()):
        for method, operation in item.items():
            if method in METHODS:
                yield Operation(method=method, path=path, operation=operation)
