"""Apps import only downward, and only other apps' public modules (architecture §1.3).

Violations are listed with file and line; fix the import (move code down, call a service of the
lower app, derive state when reading) rather than widening these tables.
"""

import ast

import pytest

from tests.architecture.source import PACKAGE, Module, modules, where

# Dependency order: an app may import itself and every app before it (architecture §1.2).
ORDER = [
    "core",
    "geo",
    "accounts",
    "producers",
    "products",
    "criteria",
    "evaluation",
    "certificates",
    "stamps",
    "inspections",
]
# Apps off the main line: what they may import besides core (architecture §1.2 table).
SIDE_APPS = {
    "programme": {"geo", "accounts", "producers", "products", "certificates"},
    "reports": set(ORDER),
    "portal": set(ORDER),
}
# Composition roots: may import any app.
ROOTS = {"api", "web", "config"}

PUBLIC_MODULES = {
    "services",
    "selectors",
    "policies",
    "constants",
    "errors",
    "schemas",
    "models",
}
# Test code may also use other apps' test factories.
PUBLIC_FOR_TESTS = PUBLIC_MODULES | {"tests.factories"}


def allowed_apps(app: str) -> set[str] | None:
    """Apps `app` may import (None: any)."""
    if app in ROOTS:
        return None
    if app in ORDER:
        return set(ORDER[: ORDER.index(app) + 1])
    if app in SIDE_APPS:
        return SIDE_APPS[app] | {"core", app}
    raise AssertionError(
        f"app '{app}' has no place in the dependency order: add it to "
        "tests/architecture/test_import_direction.py (and to docs/architecture.md §1.2)"
    )


def imported_names(module: Module) -> list[tuple[ast.AST, str]]:
    """Every `ocop.*` module a file imports, resolved (relative imports included)."""
    found = []
    package = module.parts if module.path.name == "__init__.py" else module.parts[:-1]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found += [(node, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from ocop.x import services` imports the module ocop.x.services
            found += [(node, f"{base}.{alias.name}") for alias in node.names]
    return [(node, name) for node, name in found if name.split(".")[0] == PACKAGE]


def module_path_within_app(name: str) -> str:
    """ocop.producers.services.create -> services; ocop.geo.tests.factories.X -> tests.factories"""
    parts = name.split(".")[2:]
    if parts[:1] == ["tests"]:
        return ".".join(parts[:2])
    return parts[0] if parts else ""


def import_violations(module: Module) -> list[str]:
    if module.app in ROOTS or not module.app:
        return []
    allowed = allowed_apps(module.app)
    problems = []
    for node, name in imported_names(module):
        target_app = name.split(".")[1] if name.count(".") >= 1 else ""
        if not target_app or target_app == module.app:
            continue
        if not module.in_tests and allowed is not None and target_app not in allowed:
            problems.append(f"{where(module, node)} {module.app} imports higher app: {name}")
            continue
        if target_app == "core":
            continue  # core's modules are its public contract
        inner = module_path_within_app(name)
        public = PUBLIC_FOR_TESTS if module.in_tests else PUBLIC_MODULES
        if inner not in public and inner.split(".")[0] not in public:
            problems.append(
                f"{where(module, node)} {module.app} imports a private module of "
                f"{target_app}: {name} (public: {', '.join(sorted(public))})"
            )
    return problems


def test_apps_import_only_downward_and_only_public_modules():
    violations = [v for module in modules() for v in import_violations(module)]

    assert not violations, "import rule violations:\n" + "\n".join(violations)


def test_every_app_has_a_place_in_the_dependency_order():
    apps = {m.app for m in modules() if m.app}
    for app in apps:
        if app not in ROOTS:
            allowed_apps(app)


@pytest.mark.parametrize(
    ("importer", "source", "expected"),
    [
        ("ocop.products.services", "from ocop.producers.selectors import producer_get", []),
        ("ocop.products.services", "from ocop.producers import services", []),
        ("ocop.producers.services", "from ocop.products import services", ["higher app"]),
        ("ocop.products.services", "from ocop.producers.forms import ProducerForm", ["private"]),
        ("ocop.products.services", "import ocop.producers.views", ["private"]),
        ("ocop.geo.models", "from ocop.accounts.models import User", ["higher app"]),
        ("ocop.products.services", "from ocop.core.audit import record", []),
        ("ocop.products.tests.test_x", "from ocop.producers.tests.factories import F", []),
        ("ocop.products.tests.test_x", "from ocop.stamps.models import Stamp", []),
        ("ocop.products.services", "from ocop.producers.tests.factories import F", ["private"]),
        ("ocop.producers.services", "from ..products import services", ["higher app"]),
        ("ocop.products.sub.services", "from ...producers import selectors", []),
        ("ocop.producers.services", "from ocop.api.api import api", ["higher app"]),
        ("ocop.api.api", "from ocop.stamps.views import x", []),
    ],
)
def test_the_import_rule_itself(tmp_path, importer, source, expected):
    path = tmp_path / "m.py"
    path.write_text(source + "\n")
    found = import_violations(Module(path=path, name=importer))

    assert len(found) == len(expected)
    for message, fragment in zip(found, expected, strict=True):
        assert fragment in message
