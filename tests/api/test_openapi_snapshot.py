"""docs/openapi.json is generated from code and committed; CI fails when it is stale."""

import json
from collections import Counter

from django.conf import settings
from django.test import Client

from ocop.api.openapi import openapi_document, render_openapi
from tests.api.openapi_tools import operations

SNAPSHOT = settings.BASE_DIR / "docs" / "openapi.json"


def test_the_committed_openapi_document_matches_the_code():
    current = render_openapi()
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""

    assert committed == current, (
        "docs/openapi.json is stale: run `make openapi` and commit the result "
        "(it must be regenerated after every API change)."
    )


def test_the_export_command_writes_sorted_json_with_a_trailing_newline(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "openapi.json"
    call_command("export_openapi", str(target))

    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_every_operation_has_an_explicit_unique_operation_id():
    ids = [op.operation_id for op in operations()]

    missing = [f"{op.method.upper()} {op.path}" for op in operations() if not op.operation_id]
    generated = [i for i in ids if i and i.startswith("ocop_")]  # ninja's module_function default
    duplicated = [i for i, n in Counter(ids).items() if i and n > 1]
    assert not missing, f"operations without operation_id: {missing}"
    assert not generated, f"operation_id left to ninja's default, name the service: {generated}"
    assert not duplicated, f"duplicated operation_id: {duplicated}"


def test_every_operation_documents_its_success_and_error_responses():
    """A success answer always; 401 when authenticated; a 4xx when some input is required
    (a path parameter, a required query parameter, a body)."""
    undocumented = []
    for op in operations():
        codes = set(op.operation.get("responses", {}))
        required = [p for p in op.operation.get("parameters", []) if p.get("required")]
        takes_input = bool(required or op.operation.get("requestBody"))
        missing = []
        if not any(c.startswith("2") for c in codes):
            missing.append("2xx")
        if not op.is_public and "401" not in codes:
            missing.append("401")
        if takes_input and not any(c.startswith("4") and c != "401" for c in codes):
            missing.append("4xx for bad input or a missing object")
        if missing:
            undocumented.append(f"{op.operation_id}: has {sorted(codes)}, missing {missing}")
    assert not undocumented, "operations with undocumented responses:\n" + "\n".join(undocumented)


def test_the_schema_and_the_interactive_docs_are_served():
    client = Client()

    schema = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert schema.status_code == 200
    assert schema.json() == openapi_document()
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn.jsdelivr" not in docs.content  # assets come from our static files (CSP)
