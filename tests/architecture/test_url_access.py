"""Deny by default: every HTML route declares its access rule (architecture §2.3)."""

from ocop.core.access import declared_access
from tests.architecture.urls import html_routes


def test_every_html_route_declares_an_access_rule():
    undeclared = [
        f"{r.label} ({r.pattern}) -> {getattr(r.callback, '__module__', '?')}."
        f"{getattr(r.callback, '__qualname__', r.callback)}"
        for r in html_routes()
        if declared_access(r.callback) is None
    ]

    assert not undeclared, (
        "HTML routes without @access(policy) / @access.public / @access.authenticated "
        "(AccessMiddleware answers them 403):\n" + "\n".join(undeclared)
    )


def test_the_walk_sees_the_known_public_routes():
    names = {r.name for r in html_routes()}

    assert {"healthz", "readyz", "web:home", "accounts:login"} <= names


def test_every_html_route_has_a_name():
    unnamed = [r.pattern for r in html_routes() if not r.name]

    assert not unnamed, f"name these routes (the policy matrix refers to them): {unnamed}"
