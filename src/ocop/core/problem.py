"""RFC 9457 problem+json rendering of domain errors (API and HTML share the messages)."""

import json
from typing import Any

from django.http import HttpResponse

from ocop.core.errors import DomainError

PROBLEM_TYPE_BASE = "https://ocop.example/errors/"
CONTENT_TYPE = "application/problem+json"


def problem_body(
    *, code: str, title: str, status: int, detail: str, errors: list | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": str(title),
        "status": status,
        "code": code,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = [{**e, "message": str(e.get("message", ""))} for e in errors]
    body.update(extra)
    return body


def problem_response(
    *,
    code: str,
    title: str,
    status: int,
    detail: str,
    errors: list | None = None,
    headers=None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    body = problem_body(
        code=code, title=title, status=status, detail=detail, errors=errors, **(extra or {})
    )
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def from_domain_error(exc: DomainError) -> HttpResponse:
    headers = {}
    if exc.status == 429 and "retry_after" in exc.params:
        headers["Retry-After"] = str(exc.params["retry_after"])
    return problem_response(
        code=exc.code,
        title=str(exc.title),
        status=exc.status,
        detail=exc.detail,
        errors=exc.errors,
        headers=headers,
        extra=getattr(exc, "extra", None),
    )
