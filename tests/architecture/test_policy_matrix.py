"""The authorization matrix: every HTML route and API operation × role × relation (quality §5).

Expectations live with each app in `src/ocop/<app>/tests/policy_cases.py` (format: see
ocop.core.testing). The route and operation lists come from the URLconf and the OpenAPI schema,
so a new endpoint that no app declares fails `test_every_route_and_operation_has_a_case`.
"""

from __future__ import annotations

import copy
import functools
import importlib
import importlib.util
import json
import re
import tempfile
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import override_settings
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from ocop.core import testing
from ocop.core.testing import Case
from tests.api.openapi_tools import operations
from tests.architecture.policy_world import Ctx, World, build_world
from tests.architecture.urls import html_routes

ALLOW, DENY = "allow", "deny"
BOUNDARY = "PolicyMatrixBoundary"
REDIRECTS = {301, 302, 303, 307, 308}


# --- collecting the cases -----------------------------------------------------------------------


def policy_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("ocop."):
            continue
        dotted = f"{config.name}.tests.policy_cases"
        if importlib.util.find_spec(f"{config.name}.tests") is None:
            continue
        if importlib.util.find_spec(dotted) is not None:
            yield importlib.import_module(dotted)


MODULES = list(policy_modules())
CASES: list[Case] = [case for module in MODULES for case in module.CASES]


@functools.cache
def _operations_by_id():
    return {op.operation_id: op for op in operations()}


# --- the world ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at the end; every request of
    every case runs in its own savepoint, rolled back too, so cases cannot disturb each other."""
    media = tempfile.TemporaryDirectory(prefix="ocop-matrix-")
    overrides = override_settings(
        MEDIA_ROOT=media.name,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    overrides.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
            for module in MODULES:
                if hasattr(module, "setup"):
                    module.setup(built)
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            overrides.disable()
            media.cleanup()


# --- sending one request ----------------------------------------------------------------------


def _with_query(url: str, case: Case, ctx: Ctx) -> str:
    if case.query is None:
        return url
    return f"{url}?{urlencode(case.query(ctx), doseq=True)}"


def _send_html(case: Case, ctx: Ctx, world: World):
    kwargs = case.kwargs(ctx) if case.kwargs else None
    url = _with_query(reverse(case.target, kwargs=kwargs), case, ctx)
    client = world.html_clients[ctx.role]
    if case.method == "GET":
        return client.get(url)
    data = case.data(ctx) if case.data else {}
    return client.generic(
        case.method, url, encode_multipart(BOUNDARY, data), content_type=_multipart()
    )


def _multipart() -> str:
    return MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", BOUNDARY)


def _send_api(case: Case, ctx: Ctx, world: World):
    operation = _operations_by_id()[case.target]
    params = {k: str(v) for k, v in (case.kwargs(ctx) if case.kwargs else {}).items()}
    url = _with_query(operation.path.format(**params), case, ctx)
    client = world.api_clients[ctx.role]
    method = operation.method.upper()
    if case.json is not None:
        body = json.dumps(case.json(ctx), default=str)
        return client.generic(method, url, body, content_type="application/json")
    if case.form is not None:
        body = encode_multipart(BOUNDARY, case.form(ctx))
        return client.generic(method, url, body, content_type=_multipart())
    return client.generic(method, url)


def send(case: Case, world: World, relation: str, role: str):
    """One request, in a savepoint rolled back afterwards; the client starts from its log-in
    cookies and throttling counters start empty, whatever earlier requests did."""
    ctx = Ctx(world, relation, role)
    world.html_clients[role].cookies = copy.deepcopy(world.cookies[role])
    cache.clear()
    with transaction.atomic():
        try:
            return (
                _send_html(case, ctx, world) if case.kind == "html" else _send_api(case, ctx, world)
            )
        finally:
            transaction.set_rollback(True)


def outcome(response) -> str:
    status = response.status_code
    if 200 <= status < 300:
        return ALLOW
    if status in REDIRECTS:
        location = urlparse(response["Location"])
        to_login = location.path == resolve_url(settings.LOGIN_URL)
        return DENY if to_login and "next" in parse_qs(location.query) else ALLOW
    if status in (401, 403, 404):
        return DENY
    return f"error {status}"


def _excerpt(response) -> str:
    """What the answer said, briefly: the problem code, or the HTML page title."""
    if response.status_code < 400 or getattr(response, "streaming", False):
        return ""
    text = response.content.decode(errors="replace")
    if response.get("Content-Type", "").startswith(("application/json", "application/problem")):
        try:
            body = json.loads(text)
        except ValueError:
            body = {}
        if isinstance(body, dict):
            errors = [(e.get("loc"), e.get("message")) for e in body.get("errors", [])][:3]
            return f" {body.get('code', '')}: {str(body.get('detail', ''))[:100]} {errors or ''}"
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    return f" «{' '.join(title.group(1).split())}»" if title else f" {text[:120]!r}"


# --- the tests ----------------------------------------------------------------------------------


def test_every_route_and_operation_has_a_case():
    declared_html = {c.target for c in CASES if c.kind == "html"}
    declared_api = {c.target for c in CASES if c.kind == "api"}
    routes = {r.name for r in html_routes() if r.name}
    operation_ids = set(_operations_by_id())

    problems = [f"route without a policy case: {n}" for n in sorted(routes - declared_html)]
    problems += [
        f"operation without a policy case: {o}" for o in sorted(operation_ids - declared_api)
    ]
    problems += [f"case for an unknown route: {n}" for n in sorted(declared_html - routes)]
    problems += [
        f"case for an unknown operation: {o}" for o in sorted(declared_api - operation_ids)
    ]
    assert not problems, (
        "declare who may reach each endpoint in src/ocop/<app>/tests/policy_cases.py "
        "(format: ocop.core.testing):\n" + "\n".join(problems)
    )


REGISTRY_APPS = ("ocop.producers.", "ocop.products.")
# Reference data served by registry apps to every signed-in user (no registry rows in it).
REFERENCE_DATA = {"classification_tree", "product_set_list"}


def test_the_registry_is_closed_to_council_members_and_anonymous_visitors():
    """Deny by default, visibly: no registry case lets them in (evaluation grants come later)."""
    opened = []
    for module in MODULES:
        if not module.__name__.startswith(REGISTRY_APPS):
            continue
        for case in module.CASES:
            shut_out = {testing.ANONYMOUS}
            if case.target not in REFERENCE_DATA:
                shut_out.add(testing.COUNCIL_MEMBER)
            opened += [
                f"{case.label} {relation}: {sorted(roles & shut_out)}"
                for relation, roles in case.expectations.items()
                if roles & shut_out
            ]

    assert not opened, "registry endpoints open to anonymous or council members:\n" + "\n".join(
        opened
    )


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_policy_matrix(case: Case, world: World):
    mismatches = []
    for relation in case.relations:
        allowed = case.allowed(relation)
        for role in testing.ROLES:
            response = send(case, world, relation, role)
            expected = ALLOW if role in allowed else DENY
            actual = outcome(response)
            if actual != expected:
                mismatches.append(
                    f"  {role:<17} {relation:<9} expected {expected:<5} got {actual} "
                    f"({response.status_code}){_excerpt(response)}"
                )
    assert not mismatches, f"{case.label}{' - ' + case.note if case.note else ''}\n" + "\n".join(
        mismatches
    )
