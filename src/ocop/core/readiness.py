"""Readiness checks that apps add to /readyz (core cannot import them: apps register here).

A check returns None when ready, else a `NotReady` (stable code, Vietnamese detail, Retry-After
seconds). /readyz runs them after the database and migration checks, in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NotReady:
    code: str
    detail: str
    retry_after: int = 30


Check = Callable[[], NotReady | None]
_CHECKS: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    """Add (or replace) the check called `name`."""
    _CHECKS[name] = check


def first_failure() -> NotReady | None:
    for check in _CHECKS.values():
        failure = check()
        if failure is not None:
            return failure
    return None
