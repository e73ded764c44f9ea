"""The policy matrix's case format (tests/architecture/test_policy_matrix.py).

Each app declares who may reach each of its routes and API operations in
`src/ocop/<app>/tests/policy_cases.py`, as a list named CASES:

    from ocop.core.testing import ADMIN, PROVINCE_OFFICER, api, html

    CASES = [
        html("products:list", allow={ADMIN, PROVINCE_OFFICER, ...}),
        html("products:detail", kwargs=lambda c: {"public_id": c.product.public_id},
             own={ADMIN, PROVINCE_OFFICER, ...}, other={ADMIN}),
        api("product_create", json=lambda c: {"producer": str(c.producer.public_id), ...},
            own={...}, other={ADMIN}),
    ]

- The target is a URL name ("app:name") for `html(...)`, an OpenAPI operation_id for `api(...)`;
  the API's method and path come from the schema. The matrix test fails for any route or
  operation no app declares, and for any case whose target no longer exists.
- Roles are the seven below. Every role NOT listed is expected to be denied (deny by default).
  Allowed = 2xx, or a redirect anywhere but the log-in page; denied = 401, 403, 404, or a
  redirect to the log-in page with `next=`. Anything else (400, 405, 409, 422, 5xx) fails: the
  case must send a valid request, so that only permissions decide.
- Relations: `allow=` for a route that involves no particular object (runs once, with the "own"
  objects); otherwise `own=` and `other=` (both required) and optionally `sibling=`, `neighbour=`:
    own       province A, commune A1; the producer (and its product) the producer account
              represents. The officials hold their roles here: province officer, inspector and
              council member over A, commune officer over A1.
    sibling   province A, commune A1, another producer (not represented by the producer account)
    neighbour province A, commune A2 (outside the commune officer's commune)
    other     province B
- Builders are callables taking a context `c` and run inside the request's rolled-back
  transaction (they may create objects with factories):
    c.province c.commune c.producer c.product c.user c.membership   objects of the relation
    c.me        the acting user (None when anonymous);  c.role, c.relation
    c.seq       a fresh integer each time (unique names, tax codes)
    c.world     everything (c.world.areas["other"].producer, c.world.users["admin"], ...)
  `kwargs` / `params` fill the URL, `query` the query string, `data` an HTML form (multipart,
  may hold uploaded files), `json` an API body, `form` an API form/multipart body.
- An app may add objects to the areas with `def setup(world) -> None` in its policy_cases
  module (for example `world.areas["own"].dossier = DossierFactory(...)` for each relation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

ANONYMOUS = "anonymous"
ADMIN = "admin"
PROVINCE_OFFICER = "province_officer"
COMMUNE_OFFICER = "commune_officer"
INSPECTOR = "inspector"
COUNCIL_MEMBER = "council_member"
PRODUCER = "producer"

ROLES = (
    ANONYMOUS,
    ADMIN,
    PROVINCE_OFFICER,
    COMMUNE_OFFICER,
    INSPECTOR,
    COUNCIL_MEMBER,
    PRODUCER,
)
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
NOBODY: frozenset[str] = frozenset()

RELATIONS = ("own", "sibling", "neighbour", "other")
REQUIRED_RELATIONS = ("own", "other")

Builder = Callable[[Any], Any]


@dataclass(frozen=True)
class Case:
    kind: str  # "html" or "api"
    target: str  # URL name or operation_id
    expectations: dict[str, frozenset[str]]  # relation ("any" or RELATIONS) -> allowed roles
    method: str | None = None  # html: the method; api: taken from the schema
    kwargs: Builder | None = None  # URL arguments (html kwargs, api path params)
    query: Builder | None = None
    data: Builder | None = None  # html form fields / files
    json: Builder | None = None  # api JSON body
    form: Builder | None = None  # api form or multipart body
    note: str = ""
    relations: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "relations", tuple(self.expectations))

    @property
    def label(self) -> str:
        method = f"{self.method} " if self.method else ""
        return f"{self.kind}:{method}{self.target}"

    def allowed(self, relation: str) -> frozenset[str]:
        return self.expectations[relation]


def _roles(value: Iterable[str]) -> frozenset[str]:
    roles = frozenset(value)
    unknown = roles - EVERYONE
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; use {ROLES}")
    return roles


def _expectations(
    allow: Iterable[str] | None, relations: dict[str, Iterable[str] | None]
) -> dict[str, frozenset[str]]:
    given = {rel: _roles(roles) for rel, roles in relations.items() if roles is not None}
    if allow is not None:
        if given:
            raise ValueError("use either allow= or own=/other=/..., not both")
        return {"any": _roles(allow)}
    missing = [rel for rel in REQUIRED_RELATIONS if rel not in given]
    if missing:
        raise ValueError(f"declare allow=, or own= and other= (missing: {missing})")
    return given


def html(
    name: str,
    *,
    method: str = "GET",
    kwargs: Builder | None = None,
    query: Builder | None = None,
    data: Builder | None = None,
    allow: Iterable[str] | None = None,
    own: Iterable[str] | None = None,
    sibling: Iterable[str] | None = None,
    neighbour: Iterable[str] | None = None,
    other: Iterable[str] | None = None,
    note: str = "",
) -> Case:
    """A route of the web UI, by its URL name ("app:name")."""
    relations = {"own": own, "sibling": sibling, "neighbour": neighbour, "other": other}
    return Case(
        kind="html",
        target=name,
        method=method.upper(),
        expectations=_expectations(allow, relations),
        kwargs=kwargs,
        query=query,
        data=data,
        note=note,
    )


def api(
    operation_id: str,
    *,
    params: Builder | None = None,
    query: Builder | None = None,
    json: Builder | None = None,
    form: Builder | None = None,
    allow: Iterable[str] | None = None,
    own: Iterable[str] | None = None,
    sibling: Iterable[str] | None = None,
    neighbour: Iterable[str] | None = None,
    other: Iterable[str] | None = None,
    note: str = "",
) -> Case:
    """An operation of the JSON API, by its operation_id."""
    relations = {"own": own, "sibling": sibling, "neighbour": neighbour, "other": other}
    return Case(
        kind="api",
        target=operation_id,
        expectations=_expectations(allow, relations),
        kwargs=params,
        query=query,
        json=json,
        form=form,
        note=note,
    )


# --- uploads for builders (a fresh file per request: uploads are consumed) ----------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_file(name: str = "tai-lieu.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png_file(name: str = "anh.png", size: tuple[int, int] = (8, 8)):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
