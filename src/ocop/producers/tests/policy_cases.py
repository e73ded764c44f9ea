"""Who may reach the producer registry's pages and API (see ocop.core.testing for the format).

Admin everywhere; province officer in their province; commune officer in their commune; inspector
reads in their province; the producer account reads and edits only the producer it represents,
and may not register producers, move them or change their status. Council members and anonymous
visitors get nothing.
"""

from ocop.core import testing
from ocop.core.actor import Actor
from ocop.core.testing import (
    ADMIN,
    COMMUNE_OFFICER,
    INSPECTOR,
    PRODUCER,
    PROVINCE_OFFICER,
    api,
    html,
)
from ocop.producers import services

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
# Registering in a unit, changing status: officials of the unit only.
OFFICIALS = {
    "own": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER},
    "sibling": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER},
    "neighbour": {ADMIN, PROVINCE_OFFICER},
    "other": {ADMIN},
}
LISTERS = {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, INSPECTOR, PRODUCER}
CREATORS = {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER}


def setup(world) -> None:
    """A certification and a document for the producer of each area."""
    system = Actor.system("policy matrix")
    for area in world.areas.values():
        area.certification = services.certification_add(
            actor=system,
            producer=area.producer,
            kind="vietgap",
            number=f"VG-MT-{area.producer.pk}",
            issuer="Tổ chức chứng nhận",
            valid_from="2025-01-01",
        )
        area.producer_document = services.producer_document_upload(
            actor=system, producer=area.producer, kind="other", upload=testing.pdf_file()
        )


def _producer(c) -> dict:
    return {"public_id": c.producer.public_id}


def _certification(c) -> dict:
    return {"public_id": c.producer.public_id, "certification_id": c.certification.public_id}


def _new_producer_form(c) -> dict:
    return {
        "kind": "hkd",
        "name": f"Hộ ma trận {c.seq}",
        "representative": "Người đại diện",
        "province": c.province.pk,
        "commune": c.commune.pk,
    }


def _edit_form(c) -> dict:
    p = c.producer
    return {
        "kind": p.kind,
        "name": f"{p.name} (sửa)",
        "representative": p.representative,
        "tax_code": p.tax_code or "",
        "address_detail": p.address_detail,
        "province": p.province_id,
        "commune": p.commune_id,
    }


def _certification_form(c) -> dict:
    return {
        "kind": "organic",
        "number": f"HC-{c.seq}",
        "issuer": "Tổ chức chứng nhận hữu cơ",
        "valid_from": "2025-02-01",
    }


CASES = [
    # --- pages
    html("producers:list", allow=LISTERS),
    html("producers:create", allow=CREATORS),
    html("producers:create", method="POST", data=_new_producer_form, **OFFICIALS),
    html("producers:detail", kwargs=_producer, **VIEW),
    html("producers:history", kwargs=_producer, **VIEW),
    html("producers:edit", kwargs=_producer, **EDIT),
    html("producers:edit", method="POST", kwargs=_producer, data=_edit_form, **EDIT),
    html(
        "producers:status",
        method="POST",
        kwargs=_producer,
        data=lambda c: {"status": "suspended", "reason": "Tạm nghỉ"},
        **OFFICIALS,
    ),
    html("producers:certification_add", kwargs=_producer, **EDIT),
    html(
        "producers:certification_add",
        method="POST",
        kwargs=_producer,
        data=_certification_form,
        **EDIT,
    ),
    html("producers:certification_edit", kwargs=_certification, **EDIT),
    html("producers:certification_remove", method="POST", kwargs=_certification, **EDIT),
    html("producers:document_upload", kwargs=_producer, **EDIT),
    html(
        "producers:document_upload",
        method="POST",
        kwargs=_producer,
        data=lambda c: {"kind": "food_safety", "file": testing.pdf_file()},
        **EDIT,
    ),
    html(
        "producers:document",
        kwargs=lambda c: {
            "public_id": c.producer.public_id,
            "document_id": c.producer_document.public_id,
        },
        **VIEW,
    ),
    # --- API
    api("producer_list", allow=LISTERS),
    api(
        "producer_create",
        json=lambda c: {
            "kind": "hkd",
            "name": f"Hộ ma trận {c.seq}",
            "representative": "Người đại diện",
            "commune": c.commune.code,
        },
        **OFFICIALS,
    ),
    api("producer_get", params=_producer, **VIEW),
    api("producer_history", params=_producer, **VIEW),
    api("producer_update", params=_producer, json=lambda c: {"note": "Đã xác minh"}, **EDIT),
    api(
        "producer_set_status",
        params=_producer,
        json=lambda c: {"status": "suspended", "reason": "Tạm nghỉ"},
        **OFFICIALS,
    ),
    api("certification_list", params=_producer, **VIEW),
    api("certification_add", params=_producer, json=_certification_form, **EDIT),
    api("producer_document_list", params=_producer, **VIEW),
    api(
        "producer_document_upload",
        params=_producer,
        form=lambda c: {"kind": "food_safety", "file": testing.pdf_file()},
        **EDIT,
    ),
]
