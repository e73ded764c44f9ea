"""Every write of the producer registry. Each service runs in one transaction: it checks the
policy, validates (all field errors at once, in Vietnamese), writes, and records one audit event.

Child records (certifications, documents, linked accounts) are audited as themselves, tagged with
their producer's province; their creation event carries `producer_id`, which is how
`selectors.producer_history` finds them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ocop.accounts.constants import Role
from ocop.core import audit, clock
from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.actors import actor_for_user
from ocop.core.errors import ErrorCollector, ValidationFailed
from ocop.core.files import check_upload, upload_path
from ocop.core.text import fold
from ocop.geo import selectors as geo_selectors
from ocop.producers import policies
from ocop.producers.constants import (
    CertificationKind,
    ProducerDocumentKind,
    ProducerKind,
    ProducerStatus,
)
from ocop.producers.errors import (
    AddressNotResolved,
    CertificationDuplicate,
    DocumentAlreadyReplaced,
    RepresentativeExists,
    RepresentativeNotLinked,
    StatusTransitionInvalid,
    TaxCodeTaken,
)
from ocop.producers.models import (
    Certification,
    Producer,
    ProducerDocument,
    ProducerRepresentative,
)
from ocop.producers.validators import (
    validate_bool,
    validate_choice,
    validate_count,
    validate_email,
    validate_founded_year,
    validate_phone,
    validate_registration_number,
    validate_text,
    validate_website,
)

# Cooperatives and enterprises are registered legal entities: their enterprise/cooperative code
# is the tax code, so it is always known. Groups and households may have none yet.
TAX_CODE_REQUIRED = (ProducerKind.COOPERATIVE, ProducerKind.ENTERPRISE)
NOTE_MAX_LENGTH = 5000
TEXT_FIELDS = {
    # field: required
    "name": True,
    "representative": True,
    "representative_title": False,
    "address_detail": False,
    "legacy_address": False,
}
UPDATABLE_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        "kind",
        "tax_code",
        "commune",
        "province",
        "phone",
        "email",
        "website",
        "founded_year",
        "members_count",
        "employees_count",
        "women_owned",
        "ethnic_minority_owned",
        "note",
    }
)
# Status moves: dissolved may be reinstated (a dissolution recorded by mistake, or re-founded).
STATUS_MOVES = {
    ProducerStatus.ACTIVE: {ProducerStatus.SUSPENDED, ProducerStatus.DISSOLVED},
    ProducerStatus.SUSPENDED: {ProducerStatus.ACTIVE, ProducerStatus.DISSOLVED},
    ProducerStatus.DISSOLVED: {ProducerStatus.ACTIVE},
}
DOCUMENT_AREA = "producers"
COMMUNE_CODE_MAX = 10


# --- field cleaning ---------------------------------------------------------------------------
def _max_length(model: type, field: str) -> int | None:
    return model._meta.get_field(field).max_length


def _field_validators() -> dict[str, Any]:
    """field -> function(raw) returning the clean value or raising ValidationFailed."""

    def text(name: str, required: bool = False, max_length: int | None = None) -> Any:
        limit = max_length or _max_length(Producer, name)
        return lambda raw: validate_text(raw, field=name, max_length=limit, required=required)

    def limited(name: str, validator: Any) -> Any:
        return lambda raw: validate_text(
            validator(raw), field=name, max_length=_max_length(Producer, name)
        )

    checks: dict[str, Any] = {
        "kind": lambda raw: validate_choice(raw, field="kind", choices=ProducerKind)
    }
    checks.update({name: text(name, required) for name, required in TEXT_FIELDS.items()})
    checks.update(
        note=text("note", max_length=NOTE_MAX_LENGTH),
        phone=validate_phone,
        email=limited("email", validate_email),
        website=limited("website", validate_website),
        founded_year=validate_founded_year,
        members_count=lambda raw: validate_count(raw, field="members_count"),
        employees_count=lambda raw: validate_count(raw, field="employees_count"),
        women_owned=lambda raw: validate_bool(raw, field="women_owned"),
        ethnic_minority_owned=lambda raw: validate_bool(raw, field="ethnic_minority_owned"),
    )
    return checks


def _clean_producer_fields(
    values: Mapping[str, Any], errors: ErrorCollector, *, only: set[str] | None = None
) -> dict[str, Any]:
    """Validate fields except the location, collecting errors instead of stopping.

    `only` (updates) limits validation to the fields being changed, so a record imported before a
    rule existed can still be edited; changing the kind re-checks the tax code against it.
    """
    out: dict[str, Any] = {}
    for name, check in _field_validators().items():
        if only is not None and name not in only:
            continue
        default = False if name in ("women_owned", "ethnic_minority_owned") else None
        with errors.field():
            out[name] = check(values.get(name, default))
    if only is None or only & {"tax_code", "kind"}:
        kind = out.get("kind") if "kind" in out or only is None else values.get("kind")
        out["tax_code"] = _clean_tax_code(values.get("tax_code"), kind, errors)
        if out["tax_code"] is None and errors.has("tax_code"):
            del out["tax_code"]
    return out


def _clean_tax_code(raw: Any, kind: str | None, errors: ErrorCollector) -> str | None:
    if kind is None:
        return None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if kind in TAX_CODE_REQUIRED:
            errors.add(
                "tax_code",
                _("Hợp tác xã và doanh nghiệp phải có mã số thuế."),
                "required",
            )
        return None
    with errors.field():
        return validate_registration_number(raw, kind=kind)
    return None


# --- location ---------------------------------------------------------------------------------
def _code_of(value: Any) -> str:
    return str(getattr(value, "code", value) or "").replace("\x00", "").strip()


def _find_commune(value: Any) -> Any:
    """A current commune given as itself or by its code; None when there is no such commune."""
    if getattr(getattr(value, "_meta", None), "label_lower", "") == "geo.commune":
        return value
    code = _code_of(value)
    if not code or len(code) > COMMUNE_CODE_MAX:
        return None
    return geo_selectors.commune_list().filter(code=code).first()


def _address_resolve(address: str) -> Any:
    return geo_selectors.address_resolve(address)


def _resolve_legacy(address: str, errors: ErrorCollector) -> tuple[Any, Any]:
    """(commune, legacy_commune) when the old address resolves exactly; else an error."""
    resolution = _address_resolve(address)
    if getattr(resolution, "status", None) == "exact" and resolution.commune is not None:
        return resolution.commune, getattr(resolution, "legacy_commune", None)
    candidates = list(getattr(resolution, "candidates", None) or [])
    if candidates:
        names = "; ".join(f"{c.name} ({c.province.name})" for c in candidates[:10])
        message = _(
            "Địa chỉ cũ «%(address)s» có thể thuộc nhiều xã: %(names)s. Hãy chọn xã hiện nay."
        ) % {"address": address, "names": names}
    else:
        message = _("Không xác định được xã hiện nay từ địa chỉ cũ «%(address)s». Hãy chọn xã.") % {
            "address": address
        }
    errors.errors.append(
        {
            "loc": ["legacy_address"],
            "code": AddressNotResolved.code,
            "message": message,
            "candidates": [{"code": c.code, "name": c.name} for c in candidates[:10]],
        }
    )
    return None, None


def _clean_location(
    *, commune: Any, province: Any, legacy_address: str, errors: ErrorCollector
) -> tuple[Any, Any]:
    """The current commune (and legacy commune when resolved from an old address)."""
    found, legacy = None, None
    if commune not in (None, ""):
        found = _find_commune(commune)
        if found is None:
            errors.add(
                "commune",
                _("Không tìm thấy xã có mã «%(code)s».") % {"code": _code_of(commune)[:20]},
            )
    elif legacy_address:
        found, legacy = _resolve_legacy(legacy_address, errors)
    else:
        errors.add(
            "commune",
            _("Chọn xã, phường nơi chủ thể hoạt động (hoặc nhập địa chỉ cũ để tự xác định)."),
            "required",
        )
    if (
        found is not None
        and province not in (None, "")
        and found.province.code != _code_of(province)
    ):
        errors.add(
            "commune",
            _("Xã «%(commune)s» không thuộc tỉnh đã chọn.") % {"commune": found.name},
            "producers.commune_province_mismatch",
        )
    return found, legacy


def _raise(errors: ErrorCollector, *, tax_code: str | None, exclude_pk: int | None) -> None:
    """Raise collected errors; a taken tax code alone is a 409, with other errors a 422 item."""
    taken = bool(tax_code) and (
        Producer.objects.filter(tax_code=tax_code).exclude(pk=exclude_pk).exists()
    )
    if taken and not errors.errors:
        raise TaxCodeTaken(tax_code)
    if taken:
        errors.errors.extend(TaxCodeTaken(tax_code).errors)
    errors.raise_if_any()


def _save_producer(producer: Producer, **kwargs: Any) -> None:
    """Save inside a savepoint so a racing duplicate tax code becomes TaxCodeTaken, not a 500."""
    try:
        with transaction.atomic():
            producer.save(**kwargs)
    except IntegrityError:
        if producer.tax_code and (
            Producer.objects.filter(tax_code=producer.tax_code).exclude(pk=producer.pk).exists()
        ):
            raise TaxCodeTaken(producer.tax_code) from None
        raise


def _audit_child(
    actor: Actor,
    action: str,
    child: Any,
    producer: Producer,
    *,
    before: dict | None,
    after: dict | None | bool = True,
    object_id: int | None = None,
    reason: str = "",
) -> None:
    """Audit a child row under its own type, in its producer's province."""
    audit.record(
        actor=actor,
        action=action,
        obj=child,
        object_id=str(object_id) if object_id is not None else None,
        before=before,
        after=after,
        reason=reason,
        province_id=producer.province_id,
    )


# --- producers --------------------------------------------------------------------------------
@transaction.atomic
def producer_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    representative: str,
    commune: Any = None,
    province: Any = None,
    tax_code: str | None = None,
    representative_title: str = "",
    address_detail: str = "",
    legacy_address: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
    founded_year: int | None = None,
    members_count: int | None = None,
    employees_count: int | None = None,
    women_owned: bool = False,
    ethnic_minority_owned: bool = False,
    note: str = "",
    is_demo: bool = False,
) -> Producer:
    """Register a producer in a current commune (a Commune or its code).

    Without a commune, `legacy_address` (an address written with pre-2025 units) is resolved by
    geo and accepted only when the match is exact; the text is kept as written. Province, when
    given (a Province or its code), must be the commune's. Side effects: none after commit.
    """
    require(actor, policies.can_create_producer)
    values = dict(locals())
    errors = ErrorCollector()
    cleaned = _clean_producer_fields(values, errors)
    found, legacy = _clean_location(
        commune=commune,
        province=province,
        legacy_address=cleaned.get("legacy_address", ""),
        errors=errors,
    )
    _raise(errors, tax_code=cleaned.get("tax_code"), exclude_pk=None)
    producer = Producer(
        **cleaned,
        name_search=fold(cleaned["name"]),
        commune=found,
        province=found.province,
        legacy_commune=legacy,
        is_demo=bool(is_demo),
    )
    require(actor, policies.can_create_producer, producer)
    _save_producer(producer)
    audit.record(actor=actor, action="producers.producer.create", obj=producer, before=None)
    return producer


def _location_update(
    producer: Producer, data: Mapping[str, Any], cleaned: dict[str, Any], errors: ErrorCollector
) -> tuple[Any, Any, bool]:
    """(commune, legacy_commune, moved) after an update's location fields."""
    if "commune" in data:
        found, legacy = _clean_location(
            commune=data["commune"], province=data.get("province"), legacy_address="", errors=errors
        )
        if found is not None and found.pk == producer.commune_id:
            legacy = producer.legacy_commune  # same commune named again: keep what was resolved
    elif cleaned.get("legacy_address") and cleaned["legacy_address"] != producer.legacy_address:
        found, legacy = _clean_location(
            commune=None,
            province=data.get("province"),
            legacy_address=cleaned["legacy_address"],
            errors=errors,
        )
    else:
        found, legacy = producer.commune, producer.legacy_commune
        if data.get("province") not in (None, "") and _code_of(data["province"]) != (
            producer.province.code
        ):
            errors.add(
                "province",
                _("Tỉnh phải là tỉnh của xã đã chọn; muốn đổi tỉnh hãy chọn lại xã."),
                "producers.commune_province_mismatch",
            )
    moved = found is not None and found.pk != producer.commune_id
    return found, legacy, moved


@transaction.atomic
def producer_update(*, actor: Actor, producer: Producer, data: Mapping[str, Any]) -> Producer:
    """Change some fields of a producer; only changed fields are saved and audited.

    `data` holds only the fields to change (names as in producer_create). Moving to another
    commune needs an official of both the old and the new unit. Side effects: none.
    """
    require(actor, policies.can_edit_producer, producer)
    unknown = sorted(set(data) - UPDATABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            errors=[
                {"loc": [k], "code": "unknown_field", "message": _("Trường không được phép sửa.")}
                for k in unknown
            ]
        )
    current = {f: getattr(producer, f) for f in UPDATABLE_FIELDS - {"commune", "province"}}
    errors = ErrorCollector()
    cleaned = _clean_producer_fields({**current, **data}, errors, only=set(data))
    found, legacy, moved = _location_update(producer, data, cleaned, errors)
    _raise(errors, tax_code=cleaned.get("tax_code"), exclude_pk=producer.pk)
    if moved:
        require(actor, policies.can_manage_producer, producer)
        require(actor, policies.can_create_producer, found)
    changes = {k: v for k, v in cleaned.items() if getattr(producer, k) != v}
    if found is not None and found.pk != producer.commune_id:
        changes.update(commune=found, province=found.province)
    if getattr(legacy, "pk", None) != producer.legacy_commune_id:
        changes["legacy_commune"] = legacy
    if not changes:
        return producer
    before = audit.snapshot(producer)
    for field, value in changes.items():
        setattr(producer, field, value)
    fields = set(changes) | {"updated_at"}
    if "name" in changes:
        producer.name_search = fold(producer.name)
        fields.add("name_search")
    _save_producer(producer, update_fields=sorted(fields))
    audit.record(actor=actor, action="producers.producer.update", obj=producer, before=before)
    return producer


@transaction.atomic
def producer_set_status(
    *, actor: Actor, producer: Producer, status: str, reason: str = ""
) -> Producer:
    """Suspend, dissolve or reinstate a producer (officials only). Side effects: none."""
    require(actor, policies.can_manage_producer, producer)
    errors = ErrorCollector()
    with errors.field():
        status = validate_choice(status, field="status", choices=ProducerStatus)
    with errors.field():
        reason = validate_text(reason, field="reason", max_length=NOTE_MAX_LENGTH)
    errors.raise_if_any()
    if status not in STATUS_MOVES[ProducerStatus(producer.status)]:
        raise StatusTransitionInvalid(
            target=ProducerStatus(status).label, state=producer.get_status_display()
        )
    before = audit.snapshot(producer)
    producer.status = status
    producer.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="producers.producer.set_status",
        obj=producer,
        before=before,
        reason=reason,
    )
    return producer


# --- certifications ---------------------------------------------------------------------------
def _as_date(value: Any, field: str, errors: ErrorCollector, *, required: bool) -> dt.date | None:
    if value is None or value == "":
        if required:
            errors.add(field, _("Trường này là bắt buộc."), "required")
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors.add(field, _("Ngày không hợp lệ (định dạng YYYY-MM-DD)."), "invalid")
    return None


def _clean_certification(values: Mapping[str, Any]) -> dict[str, Any]:
    errors = ErrorCollector()
    out: dict[str, Any] = {}
    with errors.field():
        out["kind"] = validate_choice(values.get("kind"), field="kind", choices=CertificationKind)
    for name, required in (
        ("number", True),
        ("issuer", True),
        ("scope", False),
        ("kind_other", False),
    ):
        with errors.field():
            out[name] = validate_text(
                values.get(name),
                field=name,
                max_length=_max_length(Certification, name),
                required=required,
            )
    if out.get("kind") == CertificationKind.OTHER and not out.get("kind_other"):
        errors.add("kind_other", _("Nhập tên chứng nhận khi chọn loại «Khác»."), "required")
    if out.get("kind") and out["kind"] != CertificationKind.OTHER:
        out["kind_other"] = ""
    out["valid_from"] = _as_date(values.get("valid_from"), "valid_from", errors, required=True)
    out["valid_to"] = _as_date(values.get("valid_to"), "valid_to", errors, required=False)
    if out["valid_from"] and out["valid_to"] and out["valid_to"] < out["valid_from"]:
        errors.add(
            "valid_to",
            _("Ngày hết hiệu lực phải bằng hoặc sau ngày bắt đầu hiệu lực."),
            "producers.certification_dates",
        )
    errors.raise_if_any()
    return out


def _certification_taken(
    producer: Producer, cleaned: dict[str, Any], exclude_pk: int | None
) -> None:
    duplicate = (
        Certification.objects.filter(
            producer=producer, kind=cleaned["kind"], number__iexact=cleaned["number"]
        )
        .exclude(pk=exclude_pk)
        .exists()
    )
    if duplicate:
        raise CertificationDuplicate(
            number=cleaned["number"],
            errors=[
                {
                    "loc": ["number"],
                    "code": CertificationDuplicate.code,
                    "message": str(CertificationDuplicate.message) % {"number": cleaned["number"]},
                }
            ],
        )


@transaction.atomic
def certification_add(
    *,
    actor: Actor,
    producer: Producer,
    kind: str,
    number: str,
    issuer: str,
    valid_from: dt.date | str,
    valid_to: dt.date | str | None = None,
    scope: str = "",
    kind_other: str = "",
) -> Certification:
    """Record a quality certification (VietGAP, organic, HACCP …) held by the producer."""
    require(actor, policies.can_edit_producer, producer)
    cleaned = _clean_certification(locals())
    _certification_taken(producer, cleaned, None)
    certification = Certification.objects.create(producer=producer, **cleaned)
    _audit_child(actor, "producers.certification.create", certification, producer, before=None)
    return certification


@transaction.atomic
def certification_update(
    *, actor: Actor, certification: Certification, data: Mapping[str, Any]
) -> Certification:
    """Correct a certification; `data` holds only the fields to change."""
    producer = certification.producer
    require(actor, policies.can_edit_producer, producer)
    allowed = {"kind", "kind_other", "number", "issuer", "scope", "valid_from", "valid_to"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationFailed(
            errors=[
                {"loc": [k], "code": "unknown_field", "message": _("Trường không được phép sửa.")}
                for k in unknown
            ]
        )
    cleaned = _clean_certification({**{f: getattr(certification, f) for f in allowed}, **data})
    _certification_taken(producer, cleaned, certification.pk)
    changes = {k: v for k, v in cleaned.items() if getattr(certification, k) != v}
    if not changes:
        return certification
    before = audit.snapshot(certification)
    for field, value in changes.items():
        setattr(certification, field, value)
    certification.save(update_fields=sorted(changes))
    _audit_child(actor, "producers.certification.update", certification, producer, before=before)
    return certification


@transaction.atomic
def certification_remove(*, actor: Actor, certification: Certification, reason: str = "") -> None:
    """Delete a certification entered by mistake; its last state stays in the audit log."""
    producer = certification.producer
    require(actor, policies.can_edit_producer, producer)
    reason = validate_text(reason, field="reason", max_length=NOTE_MAX_LENGTH)
    before, pk = audit.snapshot(certification), certification.pk
    certification.delete()
    _audit_child(
        actor,
        "producers.certification.delete",
        certification,
        producer,
        before=before,
        after=None,
        object_id=pk,
        reason=reason,
    )


# --- documents --------------------------------------------------------------------------------
def _clean_document(
    producer: Producer, kind: Any, title: Any, upload: Any, replaces: ProducerDocument | None
) -> tuple[str, str]:
    errors = ErrorCollector()
    with errors.field():
        kind = validate_choice(kind, field="kind", choices=ProducerDocumentKind)
    with errors.field():
        title = validate_text(
            title, field="title", max_length=_max_length(ProducerDocument, "title")
        )
    if not isinstance(upload, UploadedFile):
        errors.add("file", _("Chọn tệp để tải lên."), "required")
    if replaces is not None and replaces.producer_id != producer.pk:
        errors.add("replaces", _("Tài liệu được thay thế không thuộc chủ thể này."))
    elif replaces is not None and isinstance(kind, str) and replaces.kind != kind:
        errors.add("replaces", _("Chỉ thay thế được tài liệu cùng loại."))
    errors.raise_if_any()
    return kind, title


@transaction.atomic
def producer_document_upload(
    *,
    actor: Actor,
    producer: Producer,
    kind: str,
    upload: UploadedFile,
    title: str = "",
    replaces: ProducerDocument | None = None,
) -> ProducerDocument:
    """Store a PDF/JPEG/PNG/DOCX/XLSX document (type sniffed from content, size capped).

    With `replaces` (a document of the same kind, not yet replaced) the new one is its next
    version. Nothing is stored when the file or the data is refused. Side effects: the file is
    written under MEDIA_ROOT before the row; it is removed again if the row cannot be saved.
    """
    require(actor, policies.can_edit_producer, producer)
    kind, title = _clean_document(producer, kind, title, upload, replaces)
    checked = check_upload(upload)
    if replaces is not None and ProducerDocument.objects.filter(replaces=replaces).exists():
        raise DocumentAlreadyReplaced()
    name = default_storage.save(upload_path(DOCUMENT_AREA, checked.extension), upload)
    try:
        with transaction.atomic():
            document = ProducerDocument.objects.create(
                producer=producer,
                kind=kind,
                title=title or checked.original_name,
                file=name,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                version=replaces.version + 1 if replaces is not None else 1,
                replaces=replaces,
                uploaded_at=clock.now(),
                uploaded_by_id=actor.user_id,
            )
    except IntegrityError:
        default_storage.delete(name)
        raise DocumentAlreadyReplaced() from None
    except Exception:
        default_storage.delete(name)
        raise
    _audit_child(actor, "producers.producerdocument.upload", document, producer, before=None)
    return document


# --- linked accounts --------------------------------------------------------------------------
@transaction.atomic
def representative_link(*, actor: Actor, producer: Producer, user: Any) -> ProducerRepresentative:
    """Let a producer account act for `producer` (it must hold an active producer role)."""
    require(actor, policies.can_manage_producer, producer)
    if not getattr(user, "is_active", False) or not actor_for_user(user).has_role(Role.PRODUCER):
        raise ValidationFailed(
            errors=[
                {
                    "loc": ["user"],
                    "code": "producers.user_not_producer",
                    "message": _("Tài khoản này không có vai trò «Chủ thể OCOP» đang hiệu lực."),
                }
            ]
        )
    if ProducerRepresentative.objects.filter(producer=producer, user=user).exists():
        raise RepresentativeExists(username=user.username)
    try:
        with transaction.atomic():
            link = ProducerRepresentative.objects.create(producer=producer, user=user)
    except IntegrityError:
        raise RepresentativeExists(username=user.username) from None
    _audit_child(actor, "producers.producerrepresentative.link", link, producer, before=None)
    return link


@transaction.atomic
def representative_unlink(*, actor: Actor, producer: Producer, user: Any) -> None:
    """Stop a producer account acting for `producer`."""
    require(actor, policies.can_manage_producer, producer)
    link = ProducerRepresentative.objects.filter(producer=producer, user=user).first()
    if link is None:
        raise RepresentativeNotLinked(username=user.username)
    before, pk = audit.snapshot(link), link.pk
    link.delete()
    _audit_child(
        actor,
        "producers.producerrepresentative.unlink",
        link,
        producer,
        before=before,
        after=None,
        object_id=pk,
    )
