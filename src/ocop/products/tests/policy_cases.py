"""Who may reach the product registry's pages and API (see ocop.core.testing for the format).

Mirrors the producers' rules: admin everywhere; province officer and inspector (read only) in
their province; commune officer in their commune; the producer account only for the products of
the producer it represents. Council members and anonymous visitors get nothing. Recording the
OCOP cycle step and retiring a product are for officers, not producers.
"""

from ocop.core import testing
from ocop.core.actor import Actor
from ocop.core.testing import (
    ADMIN,
    COMMUNE_OFFICER,
    INSPECTOR,
    PRODUCER,
    PROVINCE_OFFICER,
    SIGNED_IN,
    api,
    html,
)
from ocop.products import services

# Who may see / edit / run the programme steps, per relation (see ocop.core.testing).
VIEW = {
    "own": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, INSPECTOR, PRODUCER},
    "sibling": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, INSPECTOR},
    "neighbour": {ADMIN, PROVINCE_OFFICER, INSPECTOR},
    "other": {ADMIN},
}
EDIT = {
    "own": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, PRODUCER},
    "sibling": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER},
    "neighbour": {ADMIN, PROVINCE_OFFICER},
    "other": {ADMIN},
}
OFFICERS = {
    "own": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER},
    "sibling": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER},
    "neighbour": {ADMIN, PROVINCE_OFFICER},
    "other": {ADMIN},
}
LISTERS = {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, INSPECTOR, PRODUCER}
CREATORS = {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, PRODUCER}


def setup(world) -> None:
    """An image and a document for the product of each area."""
    system = Actor.system("policy matrix")
    for area in world.areas.values():
        area.product_image = services.product_image_add(
            actor=system, product=area.product, upload=testing.png_file()
        )
        area.product_document = services.product_document_upload(
            actor=system, product=area.product, kind="test_report", upload=testing.pdf_file()
        )


def _product(c) -> dict:
    return {"public_id": c.product.public_id}


def _new_product(c) -> dict:
    return {
        "producer": str(c.producer.public_id),
        "name": f"Sản phẩm ma trận {c.seq}",
        "product_set": c.product.product_set.code,
    }


CASES = [
    # --- pages
    html("products:list", allow=LISTERS),
    html("products:create", allow=CREATORS),
    html("products:detail", kwargs=_product, **VIEW),
    html("products:edit", kwargs=_product, **EDIT),
    html(
        "products:image",
        kwargs=lambda c: {"public_id": c.product.public_id, "image_id": c.product_image.public_id},
        **VIEW,
    ),
    html(
        "products:document",
        kwargs=lambda c: {
            "public_id": c.product.public_id,
            "document_id": c.product_document.public_id,
        },
        **VIEW,
    ),
    html(
        "products:image_add",
        method="POST",
        kwargs=_product,
        data=lambda c: {"file": testing.png_file(), "caption": "Bao bì"},
        **EDIT,
    ),
    html(
        "products:document_upload",
        method="POST",
        kwargs=_product,
        data=lambda c: {"kind": "label", "file": testing.pdf_file(), "title": "Nhãn"},
        **EDIT,
    ),
    html(
        "products:cycle_step",
        method="POST",
        kwargs=_product,
        data=lambda c: {"cycle_step": "business_plan"},
        **OFFICERS,
    ),
    html(
        "products:retire",
        method="POST",
        kwargs=_product,
        data=lambda c: {"reason": "Ngừng sản xuất"},
        **OFFICERS,
    ),
    # --- API
    api("classification_tree", allow=SIGNED_IN, note="reference data"),
    api("product_set_list", allow=SIGNED_IN, note="reference data"),
    api("product_list", allow=LISTERS),
    api("product_create", json=_new_product, **EDIT),
    api("product_get", params=_product, **VIEW),
    api("product_history", params=_product, **VIEW),
    api("product_update", params=_product, json=lambda c: {"packaging": "Hộp 500 g"}, **EDIT),
    api(
        "product_set_cycle_step",
        params=_product,
        form=lambda c: {"cycle_step": "business_plan"},
        **OFFICERS,
    ),
    api("product_retire", params=_product, form=lambda c: {"reason": "Ngừng"}, **OFFICERS),
    api(
        "product_image_add",
        params=_product,
        form=lambda c: {"file": testing.png_file()},
        **EDIT,
    ),
    api(
        "product_document_upload",
        params=_product,
        form=lambda c: {"kind": "label", "file": testing.pdf_file()},
        **EDIT,
    ),
]
