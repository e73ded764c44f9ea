"""The dossier of an application: a checklist as data, versioned documents, reuse across rounds.

The checklist (data/dossier-checklist.yaml) lists items with a Vietnamese label, whether they are
required, and filters by application kind, process variant and product set (e.g. no test report
for the tourism service sets, a service description only for them).

Documents:
- `document_upload` stores a new version of an item's document while the application is editable
  (draft or returned); the previous current version stays stored, marked not current, and the new
  one `replaces` it. PDF/JPEG/PNG/DOCX/XLSX only, sniffed from content, size-capped, stored under
  a generated name outside the web root, sha256 kept.
- `document_remove` marks an item's current document not current (nothing is deleted).
- `dossier_carry_over` (called by services.application_create for an upgrade or re-evaluation)
  copies the previous application's current documents as rows of the new dossier pointing to the
  same stored file, with `carried_over_from` set: producers rebuild only what changed.

Submission rule (`require_complete`, called by services.application_submit and by the resubmit
move): refused with 422 "evaluation.dossier_incomplete", one error per missing required item
(loc = item code), while a required item of the checklist has no current document.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core import audit, clock
from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.errors import Conflict, NotFound, ValidationFailed
from ocop.core.files import ALLOWED, check_upload, upload_path
from ocop.evaluation import policies
from ocop.evaluation.constants import ApplicationStatus
from ocop.evaluation.models import Application, DossierDocument

CHECKLIST_FILE = Path(__file__).resolve().parent / "data" / "dossier-checklist.yaml"
SCHEMA = "ocop-dossier-checklist/v1"
EDITABLE = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.RETURNED})
DOSSIER_TYPES = frozenset(ALLOWED)  # PDF, JPEG, PNG, DOCX, XLSX

# Status of a checklist row.
MISSING = "missing"
UPLOADED = "uploaded"
CARRIED_OVER = "carried_over"
# dossier_diff states of an item against the previous application's dossier.
DIFF_CARRIED = "carried_over"  # reused unchanged
DIFF_REPLACED = "replaced"  # the previous dossier had it; a new version was uploaded
DIFF_NEW = "new"  # the previous dossier did not have it
DIFF_MISSING = "missing"  # no current document


# --- errors -------------------------------------------------------------------------------------
class DossierInvalid(ValidationFailed):
    code = "evaluation.dossier_invalid"


class DossierIncomplete(ValidationFailed):
    code = "evaluation.dossier_incomplete"
    message = gettext_lazy("Hồ sơ còn thiếu tài liệu bắt buộc: %(items)s.")


class DossierLocked(Conflict):
    code = "evaluation.dossier_locked"
    message = gettext_lazy(
        "Hồ sơ đã nộp; chỉ bổ sung tài liệu khi hồ sơ đang soạn hoặc được trả lại."
    )


# --- the checklist ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    required: bool
    kinds: frozenset[str] | None = None
    variants: frozenset[str] | None = None
    only_sets: frozenset[str] | None = None
    except_sets: frozenset[str] = frozenset()

    def applies(self, *, kind: str, variant_code: str, set_code: str) -> bool:
        return (
            (self.kinds is None or kind in self.kinds)
            and (self.variants is None or variant_code in self.variants)
            and (self.only_sets is None or set_code in self.only_sets)
            and set_code not in self.except_sets
        )


def _codes(raw: Any) -> frozenset[str] | None:
    return None if raw is None else frozenset(str(c) for c in raw)


def read_checklist(path: Path = CHECKLIST_FILE) -> tuple[ChecklistItem, ...]:
    """Parse a checklist file (ValueError on a malformed one)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ValueError(f"{path}: schema != {SCHEMA}")
    items = []
    seen = set()
    for raw in doc.get("items") or []:
        code = str(raw.get("code") or "")
        if not code or code in seen or not raw.get("label_vi"):
            raise ValueError(f"{path}: item {code!r} without a unique code and label_vi")
        seen.add(code)
        items.append(
            ChecklistItem(
                code=code,
                label=str(raw["label_vi"]),
                required=bool(raw.get("required", False)),
                kinds=_codes(raw.get("kinds")),
                variants=_codes(raw.get("variants")),
                only_sets=_codes(raw.get("only_sets")),
                except_sets=_codes(raw.get("except_sets")) or frozenset(),
            )
        )
    return tuple(items)


@functools.cache
def all_items() -> tuple[ChecklistItem, ...]:
    """Every item of the shipped checklist, in file order."""
    return read_checklist()


def checklist_for(application: Application) -> list[ChecklistItem]:
    """The items that apply to `application` (its kind, its round's variant, its product set)."""
    kind = application.kind
    variant_code = application.round.process_variant.code
    set_code = application.product.product_set.code
    return [
        i for i in all_items() if i.applies(kind=kind, variant_code=variant_code, set_code=set_code)
    ]


def _item(application: Application, code: str) -> ChecklistItem:
    found = next((i for i in checklist_for(application) if i.code == code), None)
    if found is None:
        raise DossierInvalid.from_dict({"item": [_("Mục hồ sơ không có trong danh mục.")]})
    return found


# --- writes -------------------------------------------------------------------------------------
def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("round__process_variant", "product__product_set", "producer")
        .get(pk=application.pk)
    )


def _editable(app: Application) -> None:
    if app.status not in EDITABLE:
        raise DossierLocked()


@transaction.atomic
def document_upload(
    *, actor: Actor, application: Application, item: str, file: Any, title: str = ""
) -> DossierDocument:
    """Upload (a new version of) the document of checklist item `item`.

    Who: the producer's own account, the commune officer covering it, a province officer (admin).
    When: the application is a draft or returned (else 409 "evaluation.dossier_locked").
    The item's current document, if any, stays stored as an older version (`is_current=False`);
    the new one has `replaces` set and version = highest version of the item + 1.
    """
    app = _locked(application)
    require(actor, policies.can_edit_dossier, app)
    _editable(app)
    entry = _item(app, item)
    if file is None:
        raise DossierInvalid.from_dict({"file": [_("Chọn tệp tài liệu để tải lên.")]})
    checked = check_upload(file, allowed=set(DOSSIER_TYPES), field="file")
    # The application row is locked: uploads of one dossier are serialised.
    rows = DossierDocument.objects.filter(application=app, item=item)
    current = rows.filter(is_current=True).first()
    last = rows.aggregate(v=Max("version"))["v"] or 0
    name = default_storage.save(upload_path("dossiers", checked.extension), file)
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    doc = DossierDocument.objects.create(
        application=app,
        item=item,
        title=((title or "").strip() or entry.label)[:255],
        file=name,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        version=last + 1,
        replaces=current,
        is_current=True,
        uploaded_at=clock.now(),
        uploaded_by_id=actor.user_id,
    )
    audit.record(
        actor=actor,
        action="evaluation.document.upload",
        obj=doc,
        before=None,
        province_id=app.province_id,
    )
    return doc


@transaction.atomic
def document_remove(
    *, actor: Actor, document: DossierDocument, reason: str = ""
) -> DossierDocument:
    """Withdraw an item's current document from the dossier (kept stored, marked not current).
    Same actors and states as `document_upload`."""
    app = _locked(document.application)
    require(actor, policies.can_edit_dossier, app)
    _editable(app)
    locked = DossierDocument.objects.select_for_update().get(pk=document.pk)
    if not locked.is_current:
        raise DossierInvalid.from_dict({"document": [_("Tài liệu này không còn hiệu lực.")]})
    before = audit.snapshot(locked)
    locked.is_current = False
    locked.save(update_fields=["is_current"])
    audit.record(
        actor=actor,
        action="evaluation.document.remove",
        obj=locked,
        before=before,
        reason=(reason or "").strip(),
        province_id=app.province_id,
    )
    return locked


def dossier_carry_over(*, actor: Actor, application: Application) -> list[DossierDocument]:
    """Copy the previous application's current documents into `application`'s dossier (same
    stored file, `carried_over_from` set, version 1). Only items that apply to the new
    application are carried over. Called inside services.application_create's transaction."""
    previous = application.previous
    if previous is None:
        return []
    codes = {i.code for i in checklist_for(application)}
    now = clock.now()
    sources = DossierDocument.objects.filter(
        application=previous, is_current=True, item__in=codes
    ).order_by("item")
    created = DossierDocument.objects.bulk_create(
        [
            DossierDocument(
                application=application,
                item=src.item,
                title=src.title,
                file=src.file.name,
                original_name=src.original_name,
                content_type=src.content_type,
                size=src.size,
                sha256=src.sha256,
                version=1,
                carried_over_from=src,
                is_current=True,
                uploaded_at=now,
                uploaded_by_id=actor.user_id,
            )
            for src in sources
        ]
    )
    if created:
        audit.record(
            actor=actor,
            action="evaluation.dossier.carry_over",
            obj=application,
            before=None,
            reason=", ".join(d.item for d in created),
        )
    return created


def missing_required(application: Application) -> list[ChecklistItem]:
    """Required checklist items without a current document."""
    present = set(
        DossierDocument.objects.filter(application=application, is_current=True).values_list(
            "item", flat=True
        )
    )
    return [i for i in checklist_for(application) if i.required and i.code not in present]


def require_complete(application: Application) -> None:
    """Raise DossierIncomplete (422, one error per missing required item) unless complete."""
    missing = missing_required(application)
    if missing:
        raise DossierIncomplete(
            errors=[
                {
                    "loc": ["documents", i.code],
                    "code": "missing",
                    "message": _("Thiếu tài liệu: %(label)s.") % {"label": i.label},
                }
                for i in missing
            ],
            items=", ".join(i.label for i in missing),
        )


# --- reads --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChecklistRow:
    item: ChecklistItem
    current: DossierDocument | None
    versions: list[DossierDocument]  # newest first, the current one included
    status: str  # MISSING, UPLOADED or CARRIED_OVER
    new_since_previous: bool  # uploaded in this dossier (not carried over) on a follow-up

    @property
    def code(self) -> str:
        return self.item.code

    @property
    def label(self) -> str:
        return self.item.label

    @property
    def required(self) -> bool:
        return self.item.required


@dataclass(frozen=True)
class Checklist:
    application: Application
    rows: list[ChecklistRow]
    # Documents of items no longer on the checklist (kept for the record).
    other: list[DossierDocument]

    @property
    def required_count(self) -> int:
        return sum(1 for r in self.rows if r.required)

    @property
    def required_present(self) -> int:
        return sum(1 for r in self.rows if r.required and r.current is not None)

    @property
    def missing(self) -> list[ChecklistRow]:
        return [r for r in self.rows if r.required and r.current is None]

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def completeness(self) -> int:
        """Percentage of required items with a current document (100 when none is required)."""
        if not self.required_count:
            return 100
        return self.required_present * 100 // self.required_count

    @property
    def editable(self) -> bool:
        return self.application.status in EDITABLE


def _build(application: Application) -> Checklist:
    docs = list(
        DossierDocument.objects.filter(application=application)
        .select_related("uploaded_by", "carried_over_from")
        .order_by("item", "-version", "-id")
    )
    by_item: dict[str, list[DossierDocument]] = {}
    for d in docs:
        by_item.setdefault(d.item, []).append(d)
    follow_up = application.previous_id is not None
    rows = []
    items = checklist_for(application)
    for item in items:
        versions = by_item.get(item.code, [])
        current = next((d for d in versions if d.is_current), None)
        if current is None:
            status = MISSING
        elif current.carried_over_from_id is not None:
            status = CARRIED_OVER
        else:
            status = UPLOADED
        rows.append(
            ChecklistRow(
                item=item,
                current=current,
                versions=versions,
                status=status,
                new_since_previous=follow_up and status == UPLOADED,
            )
        )
    known = {i.code for i in items}
    other = [d for d in docs if d.item not in known]
    return Checklist(application=application, rows=rows, other=other)


def _visible(actor: Actor, application: Application) -> Application:
    from ocop.evaluation import selectors  # selectors imports this module

    return selectors.application_get(actor=actor, public_id=application.public_id)


def dossier_checklist(*, actor: Actor, application: Application) -> Checklist:
    """The checklist of an application the actor may see: per item the current document, every
    version, a status (missing / uploaded / carried over) and whether it is new since the
    previous dossier; completeness over the required items. Two queries after the scope check."""
    return _build(_visible(actor, application))


def document_get(*, actor: Actor, id: int | str) -> DossierDocument:  # noqa: A002
    """A document for download: its application must be visible to the actor (officers and the
    producer through the application scope; a council member with a valid seat on the round's
    council who did not recuse themselves from it). Otherwise NotFound."""
    try:
        pk = int(id)
    except (TypeError, ValueError):
        raise NotFound() from None
    doc = (
        DossierDocument.objects.select_related(
            "application__round", "application__product", "application__producer"
        )
        .filter(pk=pk)
        .first()
    )
    if doc is None:
        raise NotFound()
    app = doc.application
    scoped = policies.scope_applications(actor, Application.objects.filter(pk=app.pk)).exists()
    if scoped or policies.council_member_sees(actor, app):
        return doc
    raise NotFound()


@dataclass(frozen=True)
class DiffRow:
    item: ChecklistItem
    state: str  # DIFF_CARRIED, DIFF_REPLACED, DIFF_NEW or DIFF_MISSING
    current: DossierDocument | None
    previous: DossierDocument | None  # the previous dossier's current document of the item


def dossier_diff(application: Application) -> list[DiffRow]:
    """Per checklist item, how this dossier differs from the previous application's: carried over
    unchanged, replaced (a new version uploaded although the previous dossier had one), new (the
    previous dossier had none) or missing. Without a previous application every present item is
    new. A pure read: callers pass an application obtained through a scoped selector."""
    mine = {
        d.item: d for d in DossierDocument.objects.filter(application=application, is_current=True)
    }
    theirs: dict[str, DossierDocument] = {}
    if application.previous_id is not None:
        theirs = {
            d.item: d
            for d in DossierDocument.objects.filter(
                application_id=application.previous_id, is_current=True
            )
        }
    rows = []
    for item in checklist_for(application):
        current = mine.get(item.code)
        before = theirs.get(item.code)
        if current is None:
            state = DIFF_MISSING
        elif current.carried_over_from_id is not None:
            state = DIFF_CARRIED
        elif before is not None:
            state = DIFF_REPLACED
        else:
            state = DIFF_NEW
        rows.append(DiffRow(item=item, state=state, current=current, previous=before))
    return rows
