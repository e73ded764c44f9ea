"""Demo data: certificates. Called by loader.load_demo() after the evaluation section; idempotent,
through services, as the system actor "demo", each step with the clock frozen at its date.

1. Every published demo decision is issued (`certificate_issue_from_decision`): the 2021 round's
   certificates, 36 months on, have lapsed.
2. Certificates issued before the system are recorded (`certificate_import`), with the decision and
   the expiry as printed (all numbers fictitious): a valid 4★ tea of Phú Thọ (seed 002), a product
   re-recognised in 2024 (its 2021 certificate becomes superseded), one near expiry, one revoked.
3. The expiry watch runs once, so the notices of today show in the accounts' inboxes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ocop.certificates import services, tasks
from ocop.certificates.models import Certificate
from ocop.core import clock
from ocop.core.actor import Actor
from ocop.evaluation.models import Decision
from ocop.products.models import Product

ACTOR = Actor.system("demo")

HISTORIC = [
    {
        "product": "Chè xanh Cẩm Mỹ",
        "stars": 4,
        "decision_number": "1520/QĐ-UBND (demo)",
        "decision_date": dt.date(2024, 10, 15),
        "valid_until": dt.date(2027, 10, 15),
        "issuer": "UBND tỉnh Phú Thọ",
    },
    {
        "product": "Dưa hấu Bình Nam",
        "stars": 4,
        "decision_number": "1890/QĐ-UBND (demo)",
        "decision_date": dt.date(2024, 6, 20),
        "valid_until": dt.date(2027, 6, 20),
        "issuer": "UBND tỉnh Quảng Nam (cũ)",
    },
    {
        "product": "Nước mắm Bình Triều",
        "stars": 3,
        "decision_number": "3120/QĐ-UBND (demo)",
        "decision_date": dt.date(2023, 12, 12),
        "valid_until": dt.date(2026, 12, 12),
        "issuer": "UBND tỉnh Quảng Nam (cũ)",
    },
    {
        "product": "Mật ong Bình Quý",
        "stars": 3,
        "decision_number": "3121/QĐ-UBND (demo)",
        "decision_date": dt.date(2023, 12, 12),
        "valid_until": dt.date(2026, 12, 12),
        "issuer": "UBND tỉnh Quảng Nam (cũ)",
        "revoke": {
            "on": dt.date(2025, 9, 10),
            "legal_ground": "quality_or_design_differs",
            "public_reason": "Bao bì lưu hành khác mẫu mã đã được đánh giá, công nhận (dữ liệu trình diễn).",
            "internal_note": "Kết quả hậu kiểm tại điểm bán (dữ liệu trình diễn).",
        },
    },
]


def load(report: Any) -> None:
    """Load this section; `report.count(kind)` tallies what was created."""
    _from_decisions(report)
    for row in HISTORIC:
        _historic(row, report)
    sent = tasks.run_expiry_watch()
    for kind, count in sent.items():
        for _ in range(count):
            report.count(f"certificate_notices_{kind}")


def _from_decisions(report: Any) -> None:
    decisions = Decision.objects.filter(round__is_demo=True, published_at__isnull=False).order_by(
        "signed_on", "id"
    )
    for decision in decisions:
        day = decision.published_at.astimezone(clock.LOCAL_TZ).date()
        with clock.freeze(day + dt.timedelta(days=1)):
            issued = services.certificate_issue_from_decision(actor=ACTOR, decision=decision)
        for cert in issued:
            Certificate.objects.filter(pk=cert.pk).update(is_demo=True)
            report.count("certificates")


def _historic(row: dict[str, Any], report: Any) -> None:
    product = (
        Product.objects.filter(name=row["product"], is_demo=True)
        .select_related("producer__commune", "province", "commune", "product_set")
        .first()
    )
    if product is None:
        return
    if Certificate.objects.filter(product=product, decision_number=row["decision_number"]).exists():
        return
    with clock.freeze(row["decision_date"]):
        cert = services.certificate_import(
            actor=ACTOR,
            product=product,
            stars=row["stars"],
            decision_number=row["decision_number"],
            decision_date=row["decision_date"],
            valid_until=row["valid_until"],
            issuer=row["issuer"],
            is_demo=True,
        )
    report.count("certificates")
    revoke = row.get("revoke")
    if revoke:
        with clock.freeze(revoke["on"]):
            services.certificate_revoke(
                actor=ACTOR,
                certificate=cert,
                legal_ground=revoke["legal_ground"],
                public_reason=revoke["public_reason"],
                internal_note=revoke["internal_note"],
            )
        report.count("certificates_revoked")
