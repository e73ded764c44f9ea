"""Every write of the products app. Each service checks the policy, validates, writes, audits,
all in one transaction, and raises a DomainError on failure (nothing is saved then).

The full change history of a product is its audit events (`selectors.product_history`): image and
document events are recorded on the product itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ocop.core import access, audit, clock
from ocop.core.actor import Actor
from ocop.core.codes import gtin_is_valid
from ocop.core.errors import ErrorCollector, NotFound, ValidationFailed
from ocop.core.files import IMAGES, check_upload, upload_path
from ocop.core.text import fold, nfc
from ocop.producers.constants import ProducerStatus
from ocop.products import policies, selectors
from ocop.products.constants import (
    EDITABLE_FIELDS,
    LINE_FIELDS,
    TEXT_FIELDS,
    TEXT_MAX_LENGTH,
    CycleStep,
    ProductDocumentKind,
    ProductStatus,
)
from ocop.products.errors import ProductAlreadyRetired, ProductRetired
from ocop.products.models import Product, ProductDocument, ProductImage, ProductSet


def _max_length(field: str) -> int:
    return Product._meta.get_field(field).max_length or TEXT_MAX_LENGTH


def _clean_values(values: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    """Normalise text (NFC, stripped), check lengths, GTIN and dates; returns cleaned values."""
    cleaned = dict(values)
    for field in (*LINE_FIELDS, *TEXT_FIELDS, "gtin"):
        if field not in cleaned:
            continue
        value = cleaned[field]
        text = nfc(value) if field != "gtin" else "".join(str(value or "").split())
        limit = _max_length(field)
        if len(text) > limit:
            errors.add(
                field,
                _("Tối đa %(limit)s ký tự (đang có %(length)s).")
                % {"limit": limit, "length": len(text)},
                "max_length",
            )
        cleaned[field] = text
    if "name" in cleaned and not cleaned["name"]:
        errors.add("name", _("Vui lòng nhập tên sản phẩm."), "required")
    gtin = cleaned.get("gtin")
    if gtin and not gtin_is_valid(gtin):
        errors.add(
            "gtin",
            _("Mã GTIN không hợp lệ: cần 8, 12, 13 hoặc 14 chữ số với số kiểm tra đúng."),
            "gtin_invalid",
        )
    registered_on = cleaned.get("registered_on")
    if "registered_on" in cleaned:
        if not isinstance(registered_on, dt.date):
            errors.add("registered_on", _("Vui lòng nhập ngày đăng ký."), "required")
        elif registered_on > clock.today():
            errors.add("registered_on", _("Ngày đăng ký không được ở tương lai."), "future_date")
    for flag in ("is_key_product", "is_traditional"):
        if flag in cleaned:
            cleaned[flag] = bool(cleaned[flag])
    return cleaned


def _check_classification(
    errors: ErrorCollector,
    *,
    product_set: ProductSet | None,
    registered_on: Any,
    keep_classification_id: int | None = None,
) -> None:
    """The set must belong to the classification in force on the registration date; an existing
    product keeps the classification it was registered under (never silently remapped)."""
    if not isinstance(product_set, ProductSet):
        errors.add("product_set", _("Vui lòng chọn bộ sản phẩm."), "required")
        return
    if (
        keep_classification_id is not None
        and product_set.classification_id != keep_classification_id
    ):
        errors.add(
            "product_set",
            _("Sản phẩm giữ hệ thống phân loại đã đăng ký; không thể chuyển sang bộ %(code)s.")
            % {"code": product_set.code},
            "classification_changed",
        )
        return
    if not isinstance(registered_on, dt.date):
        return
    in_force = selectors.classification_in_force(on=registered_on)
    if in_force is None:
        errors.add(
            "registered_on",
            _("Chưa có hệ thống phân loại sản phẩm nào có hiệu lực vào ngày %(day)s.")
            % {"day": registered_on.strftime("%d/%m/%Y")},
            "no_classification",
        )
    elif product_set.classification_id != in_force.pk:
        errors.add(
            "product_set",
            _(
                "Bộ sản phẩm %(code)s không thuộc hệ thống phân loại %(expected)s đang có hiệu lực "
                "vào ngày đăng ký %(day)s."
            )
            % {
                "code": product_set.code,
                "expected": in_force.code,
                "day": registered_on.strftime("%d/%m/%Y"),
            },
            "wrong_classification",
        )


def _ensure_active(product: Product) -> None:
    if product.status != ProductStatus.ACTIVE:
        raise ProductRetired(name=product.name)


def _attach_duplicate_warning(product: Product) -> Product:
    count = selectors.product_duplicate_count(
        name=product.name,
        commune_id=product.commune_id,
        producer_id=product.producer_id,
        exclude_id=product.pk,
    )
    product.warnings = [selectors.duplicate_warning(count, product.commune.name)] if count else []
    return product


@transaction.atomic
def product_create(
    *,
    actor: Actor,
    producer: Any,
    name: str,
    product_set: ProductSet | None,
    registered_on: dt.date | None = None,
    description: str = "",
    story: str = "",
    raw_material_area: str = "",
    packaging: str = "",
    label_text: str = "",
    base_standard: str = "",
    gtin: str = "",
    cycle_step: str = CycleStep.IDEA,
    is_key_product: bool = False,
    is_traditional: bool = False,
    is_demo: bool = False,
) -> Product:
    """Register a product of `producer` (its province and commune are copied onto the product).

    The product set must belong to the classification in force on `registered_on` (default
    today). Returns the product with `warnings`: a duplicate-name warning when another producer
    of the same commune already has an active product of the same (accent-free) name.
    """
    if not policies.can_view_producer_products(actor, producer):
        raise NotFound()
    access.require(actor, policies.can_create_product, producer)
    errors = ErrorCollector()
    values = _clean_values(
        {
            "name": name,
            "registered_on": registered_on or clock.today(),
            "description": description,
            "story": story,
            "raw_material_area": raw_material_area,
            "packaging": packaging,
            "label_text": label_text,
            "base_standard": base_standard,
            "gtin": gtin,
            "is_key_product": is_key_product,
            "is_traditional": is_traditional,
        },
        errors,
    )
    _check_classification(errors, product_set=product_set, registered_on=values["registered_on"])
    if cycle_step not in CycleStep.values:
        errors.add("cycle_step", _("Bước chu trình không hợp lệ."), "invalid_choice")
    if producer.status == ProducerStatus.DISSOLVED:
        errors.add(
            "producer", _("Chủ thể đã giải thể, không thể đăng ký sản phẩm mới."), "inactive"
        )
    errors.raise_if_any()
    product = Product(
        producer=producer,
        province_id=producer.province_id,
        commune_id=producer.commune_id,
        product_set=product_set,
        name_search=fold(values["name"]),
        cycle_step=cycle_step,
        is_demo=is_demo,
        **values,
    )
    product.save(force_insert=True)
    audit.record(actor=actor, action="products.product.create", obj=product)
    return _attach_duplicate_warning(product)


@transaction.atomic
def product_update(*, actor: Actor, product: Product, data: Mapping[str, Any]) -> Product:
    """Change the given facts; only fields whose value differs are saved and audited."""
    access.require(actor, policies.can_edit_product, product)
    _ensure_active(product)
    errors = ErrorCollector()
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    for field in unknown:
        errors.add(field, _("Không thể sửa trường này."), "not_editable")
    values = _clean_values({k: v for k, v in data.items() if k in EDITABLE_FIELDS}, errors)
    changed = {k: v for k, v in values.items() if getattr(product, k) != v}
    if "product_set" in changed or "registered_on" in changed:
        _check_classification(
            errors,
            product_set=changed.get("product_set", product.product_set),
            registered_on=changed.get("registered_on", product.registered_on),
            keep_classification_id=product.product_set.classification_id,
        )
    errors.raise_if_any()
    product.warnings = []
    if not changed:
        return product
    before = audit.snapshot(product)
    for key, value in changed.items():
        setattr(product, key, value)
    update_fields = [*changed, "updated_at"]
    if "name" in changed:
        product.name_search = fold(product.name)
        update_fields.append("name_search")
    product.save(update_fields=update_fields)
    audit.record(actor=actor, action="products.product.update", obj=product, before=before)
    if "name" in changed:
        _attach_duplicate_warning(product)
    return product


@transaction.atomic
def product_set_cycle_step(
    *, actor: Actor, product: Product, cycle_step: str, note: str = ""
) -> Product:
    """Record the product's current step of the annual OCOP cycle (officers only)."""
    access.require(actor, policies.can_set_cycle_step_product, product)
    _ensure_active(product)
    if cycle_step not in CycleStep.values:
        raise ValidationFailed(
            errors=[
                {
                    "loc": ["cycle_step"],
                    "code": "invalid_choice",
                    "message": str(_("Bước chu trình không hợp lệ.")),
                }
            ]
        )
    if product.cycle_step == cycle_step:
        return product
    before = audit.snapshot(product)
    product.cycle_step = cycle_step
    product.save(update_fields=["cycle_step", "updated_at"])
    audit.record(
        actor=actor,
        action="products.product.set_cycle_step",
        obj=product,
        before=before,
        reason=nfc(note)[:TEXT_MAX_LENGTH],
    )
    return product


@transaction.atomic
def product_retire(*, actor: Actor, product: Product, reason: str) -> Product:
    """Mark the product as no longer produced. The row stays; later edits are refused."""
    access.require(actor, policies.can_retire_product, product)
    if product.status == ProductStatus.RETIRED:
        raise ProductAlreadyRetired(name=product.name)
    reason = nfc(reason)
    if not reason or len(reason) > TEXT_MAX_LENGTH:
        raise ValidationFailed(
            errors=[
                {
                    "loc": ["reason"],
                    "code": "required",
                    "message": str(_("Vui lòng nêu lý do ngừng theo dõi sản phẩm.")),
                }
            ]
        )
    before = audit.snapshot(product)
    product.status = ProductStatus.RETIRED
    product.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor, action="products.product.retire", obj=product, before=before, reason=reason
    )
    return product


def _store(upload: UploadedFile, area: str, extension: str) -> str:
    return default_storage.save(upload_path(area, extension), upload)


@transaction.atomic
def product_image_add(
    *,
    actor: Actor,
    product: Product,
    upload: UploadedFile,
    caption: str = "",
    is_registered_design: bool = False,
) -> ProductImage:
    """Add a JPEG/PNG photo; `is_registered_design` marks the packaging registered for evaluation
    (post-certification inspections compare the stamped packaging with it)."""
    access.require(actor, policies.can_edit_product, product)
    _ensure_active(product)
    caption = nfc(caption)
    if len(caption) > ProductImage._meta.get_field("caption").max_length:
        raise ValidationFailed(
            errors=[
                {"loc": ["caption"], "code": "max_length", "message": str(_("Chú thích quá dài."))}
            ]
        )
    checked = check_upload(upload, allowed=set(IMAGES), field="file")
    image = ProductImage.objects.create(
        product=product,
        file=_store(upload, "products/images", checked.extension),
        caption=caption,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        is_registered_design=bool(is_registered_design),
        uploaded_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action="products.product.image_add",
        obj=product,
        after={
            "image": str(image.public_id),
            "caption": caption,
            "sha256": checked.sha256,
            "is_registered_design": image.is_registered_design,
        },
    )
    return image


def _document_errors(
    product: Product, kind: str, title: str, standard_code: str
) -> list[dict[str, Any]]:
    errors = ErrorCollector()
    if kind not in ProductDocumentKind.values:
        errors.add("kind", _("Loại tài liệu không hợp lệ."), "invalid_choice")
    if len(title) > ProductDocument._meta.get_field("title").max_length:
        errors.add("title", _("Tiêu đề quá dài."), "max_length")
    if len(standard_code) > _max_length("base_standard"):
        errors.add("standard_code", _("Số hiệu tiêu chuẩn quá dài."), "max_length")
    if kind == ProductDocumentKind.BASE_STANDARD and not (standard_code or product.base_standard):
        errors.add(
            "standard_code",
            _("Vui lòng nhập số hiệu tiêu chuẩn cơ sở (TCCS) đã công bố."),
            "required",
        )
    return errors.errors


@transaction.atomic
def product_document_upload(
    *,
    actor: Actor,
    product: Product,
    kind: str,
    upload: UploadedFile,
    title: str = "",
    standard_code: str = "",
) -> ProductDocument:
    """Upload a document of `kind`; it replaces the current one of that kind as version + 1.

    A base-standard (TCCS) document comes with the standard's number, stored on the product.
    """
    access.require(actor, policies.can_edit_product, product)
    _ensure_active(product)
    title, standard_code = nfc(title), nfc(standard_code)
    errors = _document_errors(product, kind, title, standard_code)
    if errors:
        raise ValidationFailed(errors=errors)
    checked = check_upload(upload, field="file")
    # Lock the product row: concurrent uploads of one kind get distinct versions.
    Product.objects.select_for_update().filter(pk=product.pk).first()
    previous = product.documents.filter(kind=kind).order_by("-version", "-id").first()
    document = ProductDocument.objects.create(
        product=product,
        kind=kind,
        title=title or str(ProductDocumentKind(kind).label),
        file=_store(upload, "products/documents", checked.extension),
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        version=(previous.version + 1) if previous else 1,
        replaces=previous,
        uploaded_at=clock.now(),
        uploaded_by_id=actor.user_id,
    )
    audit.record(
        actor=actor,
        action="products.product.document_upload",
        obj=product,
        after={
            "document": str(document.public_id),
            "kind": kind,
            "version": document.version,
            "original_name": document.original_name,
            "sha256": document.sha256,
        },
    )
    standard_changed = standard_code and standard_code != product.base_standard
    if kind == ProductDocumentKind.BASE_STANDARD and standard_changed:
        before = audit.snapshot(product)
        product.base_standard = standard_code
        product.save(update_fields=["base_standard", "updated_at"])
        audit.record(actor=actor, action="products.product.update", obj=product, before=before)
    return document
