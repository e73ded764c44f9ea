"""Every write of the criteria app: importing rule sets, confirming them, deleting unused ones.

There is no update service: a loaded rule set is immutable. A correction is a new code that
declares `supersedes: <old code>`; evaluations keep the code they were scored on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from ocop.core import audit, clock
from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.errors import PermissionDenied
from ocop.criteria import loader, persist, policies, validation
from ocop.criteria.constants import UPLOAD_STATUSES, RuleSetStatus, SourceFormat
from ocop.criteria.errors import (
    ConfirmationNoteRequired,
    RuleSetCodeTaken,
    RuleSetInUse,
    RuleSetInvalid,
    RuleSetNotConfirmable,
)
from ocop.criteria.models import RuleSet
from ocop.criteria.spec import RuleSetSpec


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: `created` False means the same content was already loaded."""

    ruleset: RuleSet
    created: bool
    notes: tuple[str, ...] = ()


def _user(actor: Actor):
    return actor.user if actor.user_id is not None else None


def _refuse(report: loader.Report) -> RuleSetInvalid:
    return RuleSetInvalid(errors=report.errors(), count=len(report.problems))


def _stored_status(spec: RuleSetSpec, *, trusted: bool) -> tuple[str, tuple[str, ...]]:
    """Uploads by people never become verified_official: only confirmation does that."""
    if trusted or spec.status in UPLOAD_STATUSES:
        return spec.status, ()
    note = (
        f"declared status {spec.status}; stored as {RuleSetStatus.UNVERIFIED_TRANSCRIPTION} "
        "until an officer confirms it against the official text"
    )
    return RuleSetStatus.UNVERIFIED_TRANSCRIPTION, (note,)


def _import(
    *,
    actor: Actor,
    report: loader.Report,
    source: persist.Source,
    trusted: bool = False,
) -> ImportOutcome:
    """Refuse an invalid report; same code + same hash → unchanged; same code + new hash → refused."""
    if not report.valid:
        raise _refuse(report)
    spec = report.spec
    assert spec is not None  # noqa: S101 - report.valid guarantees it
    existing = RuleSet.objects.filter(code=spec.code).first()
    if existing is not None:
        if existing.content_hash == report.content_hash:
            notes = ()
            if existing.status != spec.status:
                notes = (f"status in file {spec.status}, stored {existing.status}",)
            return ImportOutcome(ruleset=existing, created=False, notes=notes)
        raise RuleSetCodeTaken(ruleset=spec.code)
    status, notes = _stored_status(spec, trusted=trusted)
    ruleset = persist.persist(spec, source=source, status=status, created_by=_user(actor))
    audit.record(
        actor=actor,
        action="criteria.ruleset.import",
        obj=ruleset,
        after={
            "code": ruleset.code,
            "status": ruleset.status,
            "content_hash": ruleset.content_hash,
            "source_format": ruleset.source_format,
            "source_sha256": ruleset.source_sha256,
            "supersedes": spec.supersedes or None,
        },
    )
    return ImportOutcome(ruleset=ruleset, created=True, notes=notes)


@transaction.atomic
def ruleset_import_yaml(
    *, actor: Actor, data: bytes, filename: str = "", trusted: bool = False
) -> ImportOutcome:
    """Load a v1 YAML file. Audited. `trusted` (the shipped-files loader only) keeps a declared
    verified_official status; otherwise it is stored unverified until confirmed."""
    require(actor, policies.can_import_ruleset)
    report, text = validation.yaml_report(data)
    source = persist.Source(
        text=text, format=SourceFormat.YAML, sha256=loader.sha256_bytes(data), name=filename
    )
    return _import(actor=actor, report=report, source=source, trusted=trusted and actor.is_system)


@transaction.atomic
def ruleset_import_excel(*, actor: Actor, data: bytes, filename: str = "") -> ImportOutcome:
    """Load an authoring workbook as an unverified transcription (skeleton/fragment/demonstration
    keep their status). The kept source is the YAML generated from the workbook. Audited."""
    require(actor, policies.can_import_ruleset)
    report = validation.excel_report(data)
    text = loader.dump_yaml(report.spec) if report.valid and report.spec else ""
    source = persist.Source(
        text=text, format=SourceFormat.XLSX, sha256=loader.sha256_bytes(data), name=filename
    )
    return _import(actor=actor, report=report, source=source)


def ruleset_import(*, actor: Actor, data: bytes, filename: str = "") -> ImportOutcome:
    """Import an upload, YAML or Excel, by its content."""
    if validation.is_workbook(data):
        return ruleset_import_excel(actor=actor, data=data, filename=filename)
    return ruleset_import_yaml(actor=actor, data=data, filename=filename)


@transaction.atomic
def ruleset_confirm(*, actor: Actor, ruleset: RuleSet, note: str) -> RuleSet:
    """An officer confirms a transcription matches the official text: → verified_official.

    Only the status and the confirmation fields change; the content hash stays. Audited.
    """
    if actor.is_system:  # a person vouches for the comparison; `require` lets the system through
        raise PermissionDenied()
    require(actor, policies.can_confirm_ruleset, ruleset)
    locked = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    if locked.status != RuleSetStatus.UNVERIFIED_TRANSCRIPTION:
        raise RuleSetNotConfirmable(ruleset=locked.code, state=locked.get_status_display())
    note = (note or "").strip()
    if not note:
        raise ConfirmationNoteRequired(
            errors=[
                {
                    "loc": ["note"],
                    "code": "required",
                    "message": str(ConfirmationNoteRequired.message),
                }
            ]
        )
    before = audit.snapshot(locked)
    locked.status = RuleSetStatus.VERIFIED_OFFICIAL
    locked.confirmed_by = _user(actor)
    locked.confirmed_at = clock.now()
    locked.confirmation_note = note[:4000]
    locked.save(update_fields=["status", "confirmed_by", "confirmed_at", "confirmation_note"])
    audit.record(actor=actor, action="criteria.ruleset.confirm", obj=locked, before=before)
    return locked


@transaction.atomic
def ruleset_delete(*, actor: Actor, ruleset: RuleSet) -> None:
    """Delete a rule set nothing refers to (a mistaken upload). Used or superseded ones stay."""
    require(actor, policies.can_delete_ruleset, ruleset)
    locked = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    if locked.is_in_use() or locked.superseded_by_set.exists():
        raise RuleSetInUse(ruleset=locked.code)
    before = audit.snapshot(locked)
    audit.record(
        actor=actor, action="criteria.ruleset.delete", obj=locked, before=before, after=None
    )
    locked.delete()


@dataclass(frozen=True)
class LoadLine:
    path: Path
    code: str
    created: bool
    notes: tuple[str, ...]


def rulesets_load(*, actor: Actor | None = None, paths: list[Path] | None = None) -> list[LoadLine]:
    """Load every shipped rule set file (criteria/rulesets/*.yaml) idempotently, in one
    transaction: any refusal leaves the database unchanged."""
    actor = actor or Actor.system("rulesets_load")
    lines = []
    with transaction.atomic():
        for path in paths or loader.shipped_files():
            outcome = ruleset_import_yaml(
                actor=actor, data=path.read_bytes(), filename=path.name, trusted=True
            )
            lines.append(LoadLine(path, outcome.ruleset.code, outcome.created, outcome.notes))
    return lines
