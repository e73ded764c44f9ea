"""Who may reach the stamp register's pages and API (format: ocop.core.testing).

Producer accounts request batches for their own certified products, activate lots, return unused
stamps and print; province officers decide requests, void stamps, take returns and print for their
province; inspectors read their province's register; administrators do everything. Commune
officers, council members and anonymous visitors get nothing.
"""

import datetime as dt

from ocop.certificates.tests.factories import CertificateFactory
from ocop.core import clock
from ocop.core.testing import ADMIN, INSPECTOR, PRODUCER, PROVINCE_OFFICER, api, html
from ocop.stamps.tests.factories import StampBatchFactory, issued_batch

VIEW = {
    "own": {ADMIN, PROVINCE_OFFICER, INSPECTOR, PRODUCER},
    "sibling": {ADMIN, PROVINCE_OFFICER, INSPECTOR},
    "neighbour": {ADMIN, PROVINCE_OFFICER, INSPECTOR},
    "other": {ADMIN},
}
DECIDE = {
    "own": {ADMIN, PROVINCE_OFFICER},
    "sibling": {ADMIN, PROVINCE_OFFICER},
    "neighbour": {ADMIN, PROVINCE_OFFICER},
    "other": {ADMIN},
}
PRODUCER_ONLY = {
    "own": {ADMIN, PRODUCER},
    "sibling": {ADMIN},
    "neighbour": {ADMIN},
    "other": {ADMIN},
}
PRODUCER_OR_PROVINCE = {
    "own": {ADMIN, PRODUCER, PROVINCE_OFFICER},
    "sibling": {ADMIN, PROVINCE_OFFICER},
    "neighbour": {ADMIN, PROVINCE_OFFICER},
    "other": {ADMIN},
}
LISTERS = {ADMIN, PROVINCE_OFFICER, INSPECTOR, PRODUCER}
REQUESTERS = {ADMIN, PRODUCER}


def setup(world) -> None:
    """Per area: a certificate in force for the product, a requested batch and an issued one."""
    for area in world.areas.values():
        certificate = CertificateFactory(product=area.product)
        area.stamp_batch_requested = StampBatchFactory(certificate_obj=certificate, quantity=5)
        area.stamp_batch = issued_batch(certificate_obj=certificate, quantity=10)


def _requested(c) -> dict:
    return {"public_id": c.stamp_batch_requested.public_id}


def _issued(c) -> dict:
    return {"public_id": c.stamp_batch.public_id}


def _lot(c) -> dict:
    today = clock.today()
    return {
        "first_number": 1,
        "last_number": 2,
        "lot_number": f"L{c.seq}",
        "production_date": today - dt.timedelta(days=1),
        "best_before": today + dt.timedelta(days=200),
        "quantity": 2,
    }


def _range_reason(prefix: str = ""):
    def build(c) -> dict:
        values = {"first_number": 3, "last_number": 4, "reason": "Tem in lỗi"}
        return {f"{prefix}{k}": v for k, v in values.items()}

    return build


CASES = [
    # --- pages --------------------------------------------------------------------------------
    html("stamps:batch_list", allow=LISTERS),
    html("stamps:batch_request", allow=REQUESTERS),
    html(
        "stamps:batch_request",
        method="POST",
        data=lambda c: {"product": str(c.product.public_id), "quantity": 3, "note": ""},
        **PRODUCER_ONLY,
    ),
    html("stamps:batch_detail", kwargs=_issued, **VIEW),
    html("stamps:batch_approve", method="POST", kwargs=_requested, data=lambda c: {}, **DECIDE),
    html(
        "stamps:batch_reject",
        method="POST",
        kwargs=_requested,
        data=lambda c: {"reason": "Sai số lượng"},
        **DECIDE,
    ),
    html("stamps:lot_activate", method="POST", kwargs=_issued, data=_lot, **PRODUCER_ONLY),
    html(
        "stamps:stamps_return",
        method="POST",
        kwargs=_issued,
        data=_range_reason("return-"),
        **PRODUCER_OR_PROVINCE,
    ),
    html(
        "stamps:stamps_void", method="POST", kwargs=_issued, data=_range_reason("void-"), **DECIDE
    ),
    html("stamps:batch_labels_pdf", kwargs=_issued, **PRODUCER_OR_PROVINCE),
    html("stamps:batch_codes_csv", kwargs=_issued, **PRODUCER_OR_PROVINCE),
    # --- API ----------------------------------------------------------------------------------
    api("batch_list", allow=LISTERS),
    api(
        "batch_request",
        json=lambda c: {"product": str(c.product.public_id), "quantity": 3},
        **PRODUCER_ONLY,
    ),
    api("batch_get", params=_issued, **VIEW),
    api("batch_lots", params=_issued, **VIEW),
    api("batch_events", params=_issued, **VIEW),
    api("batch_approve", params=_requested, json=lambda c: {}, **DECIDE),
    api("batch_reject", params=_requested, json=lambda c: {"reason": "Sai số lượng"}, **DECIDE),
    api("lot_activate", params=_issued, json=_lot, **PRODUCER_ONLY),
    api("stamps_return", params=_issued, json=_range_reason(), **PRODUCER_OR_PROVINCE),
    api("stamps_void", params=_issued, json=_range_reason(), **DECIDE),
]
