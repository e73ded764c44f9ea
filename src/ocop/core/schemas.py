"""Schemas shared by every app's API: the RFC 9457 problem details body."""

from ninja import Schema


class ProblemItemOut(Schema):
    """One field error of a 422: where (`loc`), a stable code and a message."""

    loc: list[str]
    code: str
    message: str


class ProblemOut(Schema):
    """RFC 9457 problem details (application/problem+json)."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    errors: list[ProblemItemOut] | None = None
