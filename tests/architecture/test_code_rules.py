"""Rules read off the syntax tree: no ORM managers in views/endpoints, no naive clocks."""

import ast

import pytest

from tests.architecture.source import Module, modules, where

THIN_LAYERS = {"views", "api"}  # views.py / api.py, or packages of that name


def is_thin_layer(module: Module) -> bool:
    return not module.in_tests and any(part in THIN_LAYERS for part in module.parts[2:])


def objects_uses(module: Module) -> list[str]:
    return [
        where(module, node)
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]


def test_views_and_endpoints_never_use_model_managers():
    found = [hit for m in modules() if is_thin_layer(m) for hit in objects_uses(m)]

    assert not found, (
        "`Model.objects` in a views/api module: read through a selector, write through a "
        "service:\n" + "\n".join(found)
    )


# --- clocks -------------------------------------------------------------------------------------

CLOCK_MODULE = "ocop.core.clock"
# receiver name (last part of the dotted expression) -> forbidden methods
FORBIDDEN_CALLS = {
    "datetime": {"now", "today", "utcnow"},
    "date": {"today"},
}


def _receiver_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def clock_bypasses(module: Module) -> list[str]:
    hits = []
    for node in ast.walk(module.tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = _receiver_name(node.func.value)
        if node.func.attr in FORBIDDEN_CALLS.get(receiver or "", ()):
            hits.append(f"{where(module, node)} {receiver}.{node.func.attr}()")
    return hits


def test_source_reads_the_time_only_through_core_clock():
    found = [
        hit
        for m in modules()
        if m.name != CLOCK_MODULE and not m.in_tests and not m.in_migrations
        for hit in clock_bypasses(m)
    ]

    assert not found, (
        "use ocop.core.clock.now()/today() (aware, freezable) instead of:\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    ("source", "hits"),
    [
        ("import datetime\ndatetime.datetime.now()", 1),
        ("import datetime as dt\ndt.datetime.now(tz=dt.UTC)", 1),
        ("from datetime import date\ndate.today()", 1),
        ("from datetime import datetime\ndatetime.utcnow()", 1),
        ("from ocop.core import clock\nclock.now(); clock.today()", 0),
        ("x.now()", 0),
    ],
)
def test_the_clock_rule_itself(tmp_path, source, hits):
    path = tmp_path / "m.py"
    path.write_text(source + "\n")

    assert len(clock_bypasses(Module(path=path, name="ocop.x.services"))) == hits


def test_the_manager_rule_itself(tmp_path):
    path = tmp_path / "views.py"
    path.write_text("def v(request):\n    return Producer.objects.get(pk=1)\n")

    module = Module(path=path, name="ocop.producers.views")
    assert is_thin_layer(module)
    assert len(objects_uses(module)) == 1
