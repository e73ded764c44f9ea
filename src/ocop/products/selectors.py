"""Every read of the products app: the classification trees (reference data) and the registry
(scoped to the actor; an object outside the scope raises NotFound, like a missing one)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ocop.core import audit
from ocop.core.actor import Actor
from ocop.core.errors import NotFound, ValidationFailed
from ocop.core.models import AuditEvent
from ocop.core.text import fold
from ocop.producers.models import Producer
from ocop.products import policies
from ocop.products.constants import WARNING_DUPLICATE_NAME, CycleStep, ProductStatus
from ocop.products.models import (
    Classification,
    Product,
    ProductDocument,
    ProductGroup,
    ProductImage,
    ProductSet,
    Sector,
)


# --- classifications (reference data, not scoped) ------------------------------------------------
def classification_list() -> QuerySet[Classification]:
    return Classification.objects.order_by("effective_from")


def classification_in_force(*, on: dt.date) -> Classification | None:
    """The classification whose [effective_from, effective_to] contains `on` (latest wins)."""
    return (
        Classification.objects.filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .first()
    )


def classification_tree(*, classification: str | None = None) -> list[Classification]:
    """Classifications with sectors → groups → product sets prefetched (4 queries)."""
    qs = classification_list().prefetch_related(
        Prefetch("sectors", queryset=Sector.objects.order_by("code")),
        Prefetch("sectors__groups", queryset=ProductGroup.objects.order_by("code")),
        Prefetch("sectors__groups__product_sets", queryset=ProductSet.objects.order_by("code")),
    )
    if classification:
        qs = qs.filter(code=classification)
    return list(qs)


def product_set_list(*, classification: str | None = None) -> QuerySet[ProductSet]:
    qs = ProductSet.objects.select_related("classification", "group__sector").order_by("code")
    if classification:
        qs = qs.filter(classification__code=classification)
    return qs


def product_sets_for(*, on: dt.date) -> QuerySet[ProductSet]:
    """Product sets of the classification in force on `on` (empty before any classification)."""
    classification = classification_in_force(on=on)
    if classification is None:
        return ProductSet.objects.none()
    return product_set_list().filter(classification=classification)


def product_set_get(*, code: str) -> ProductSet:
    found = product_set_list().filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


# --- producers the actor may register products for ----------------------------------------------
def producer_choices(*, actor: Actor) -> QuerySet[Producer]:
    """Producers the actor may register products for, in name order."""
    qs = Producer.objects.select_related("commune", "province").order_by("name", "id")
    return policies.scope_producers_for_products(actor, qs)


def producer_for_products(*, actor: Actor, public_id: Any) -> Producer:
    """A producer visible to the actor (NotFound otherwise); services check edit rights."""
    producer = (
        Producer.objects.select_related("commune", "province")
        .filter(public_id=_uuid(public_id, "producer"))
        .first()
    )
    if producer is None or not policies.can_view_producer_products(actor, producer):
        raise NotFound()
    return producer


# --- products ------------------------------------------------------------------------------------
def _uuid(value: Any, loc: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationFailed(
            errors=[{"loc": [loc], "code": "invalid", "message": str(_("Mã không hợp lệ."))}]
        ) from exc


def _choice(value: str, choices: type, loc: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(
            errors=[
                {"loc": [loc], "code": "invalid_choice", "message": str(_("Giá trị không hợp lệ."))}
            ]
        )
    return value


def _by_ref(qs: QuerySet, fk: str, value: Any, key: str) -> QuerySet:
    """Filter on a foreign key given as an instance or as its natural key (code or public_id)."""
    if hasattr(value, "_meta"):
        return qs.filter(**{f"{fk}_id": value.pk})
    return qs.filter(**{f"{fk}__{key}": value})


def product_list(
    *,
    actor: Actor,
    q: str | None = None,
    producer: Any = None,
    product_set: Any = None,
    classification: Any = None,
    province: Any = None,
    commune: Any = None,
    cycle_step: str | None = None,
    status: str | None = None,
) -> QuerySet[Product]:
    """Products in the actor's scope, filtered; references accept instances or codes/public ids."""
    qs = policies.scope_products(
        actor,
        Product.objects.select_related(
            "producer", "product_set__classification", "commune", "province"
        ),
    )
    if q:
        folded = fold(q)
        qs = qs.filter(Q(name_search__contains=folded) | Q(code__icontains=q.strip()))
    if producer:
        ref = producer if hasattr(producer, "_meta") else _uuid(producer, "producer")
        qs = _by_ref(qs, "producer", ref, "public_id")
    if product_set:
        qs = _by_ref(qs, "product_set", product_set, "code")
    if classification:
        qs = _by_ref(qs, "product_set__classification", classification, "code")
    if province:
        qs = _by_ref(qs, "province", province, "code")
    if commune:
        qs = _by_ref(qs, "commune", commune, "code")
    if cycle_step:
        qs = qs.filter(cycle_step=_choice(cycle_step, CycleStep, "cycle_step"))
    if status:
        qs = qs.filter(status=_choice(status, ProductStatus, "status"))
    return qs.order_by("name", "id")


def product_get(*, actor: Actor, public_id: Any) -> Product:
    """One product in the actor's scope, with its classification path; NotFound otherwise."""
    try:
        key = _uuid(public_id, "public_id")
    except ValidationFailed as exc:
        raise NotFound() from exc
    product = (
        policies.scope_products(actor, Product.objects.all())
        .select_related(
            "producer",
            "province",
            "commune",
            "product_set__classification",
            "product_set__group__sector",
        )
        .filter(public_id=key)
        .first()
    )
    if product is None:
        raise NotFound()
    return product


def product_commune_choices(*, actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of the communes holding products in the actor's scope, for filter bars."""
    rows = (
        policies.scope_products(actor, Product.objects.all())
        .order_by("commune__name", "commune__code")
        .values_list("commune__code", "commune__name")
        .distinct()
    )
    return list(rows)


def product_image_list(*, actor: Actor, product: Product) -> QuerySet[ProductImage]:
    _ensure_visible(actor, product)
    return product.images.order_by("-is_registered_design", "id")


def product_document_list(
    *, actor: Actor, product: Product, current_only: bool = False
) -> list[ProductDocument]:
    """Documents newest first; `current_only` keeps the latest version of each kind."""
    _ensure_visible(actor, product)
    docs = list(product.documents.select_related("uploaded_by").order_by("kind", "-version", "-id"))
    if not current_only:
        return docs
    seen: set[str] = set()
    current = []
    for doc in docs:
        if doc.kind not in seen:
            seen.add(doc.kind)
            current.append(doc)
    return current


def product_image_get(*, actor: Actor, product: Product, public_id: Any) -> ProductImage:
    _ensure_visible(actor, product)
    image = product.images.filter(public_id=_uuid_or_404(public_id)).first()
    if image is None:
        raise NotFound()
    return image


def product_document_get(*, actor: Actor, product: Product, public_id: Any) -> ProductDocument:
    _ensure_visible(actor, product)
    doc = product.documents.filter(public_id=_uuid_or_404(public_id)).first()
    if doc is None:
        raise NotFound()
    return doc


def product_history(*, actor: Actor, product: Product) -> QuerySet[AuditEvent]:
    """The product's full change history (audit events, newest first)."""
    _ensure_visible(actor, product)
    return audit.history(product).select_related("actor_user")


def _ensure_visible(actor: Actor, product: Product) -> None:
    if not policies.can_view_product(actor, product):
        raise NotFound()


def _uuid_or_404(value: Any) -> uuid.UUID:
    try:
        return _uuid(value, "public_id")
    except ValidationFailed as exc:
        raise NotFound() from exc


# --- duplicate registrations (seed 004: many producers registering the same product) -----------
@dataclass(frozen=True)
class ProductWarning:
    """A non-blocking remark shown with a product (the write still succeeded)."""

    code: str
    message: str
    count: int = 0


def product_duplicate_count(
    *, name: str, commune_id: int, producer_id: int, exclude_id: int | None = None
) -> int:
    """Active products of OTHER producers in the commune with the same folded name (unscoped:
    the warning counts what the actor may not see, and names none of them)."""
    qs = Product.objects.filter(
        commune_id=commune_id, name_search=fold(name), status=ProductStatus.ACTIVE
    ).exclude(producer_id=producer_id)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.count()


def duplicate_warning(count: int, commune_name: str) -> ProductWarning:
    message = _(
        "Tại %(commune)s đã có %(count)s sản phẩm cùng tên của chủ thể khác. Hãy kiểm tra để tránh "
        "đăng ký trùng lặp mà không nâng cao chất lượng, mẫu mã."
    ) % {"commune": commune_name, "count": count}
    return ProductWarning(code=WARNING_DUPLICATE_NAME, message=str(message), count=count)


def product_warnings(*, actor: Actor, product: Product) -> list[ProductWarning]:
    """Warnings to show with a product now (duplicate name in its commune)."""
    _ensure_visible(actor, product)
    if product.status != ProductStatus.ACTIVE:
        return []
    count = product_duplicate_count(
        name=product.name,
        commune_id=product.commune_id,
        producer_id=product.producer_id,
        exclude_id=product.pk,
    )
    return [duplicate_warning(count, product.commune.name)] if count else []
