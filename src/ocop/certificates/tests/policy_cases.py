"""Who may reach the certificates pages and API (format: ocop.core.testing).

Admin everywhere; province officers manage (issue, suspend, reinstate, revoke) in their province;
province officers and inspectors read their province, commune officers their commune; the
producer account reads its own certificates and asks for their re-evaluation. The public
look-up needs no log-in. Council members get nothing.
"""

from __future__ import annotations

from ocop.certificates.tests.factories import (
    CertificateFactory,
    DecisionFactory,
    recognised_application,
)
from ocop.core import clock
from ocop.core.testing import (
    ADMIN,
    COMMUNE_OFFICER,
    EVERYONE,
    INSPECTOR,
    PRODUCER,
    PROVINCE_OFFICER,
    api,
    html,
)
from ocop.evaluation.constants import ApplicationStatus, RoundStatus
from ocop.evaluation.tests.factories import ApplicationFactory, RoundFactory, two_tier_ruleset
from ocop.products.tests.factories import ProductFactory

VIEW = {
    "own": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, INSPECTOR, PRODUCER},
    "sibling": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, INSPECTOR},
    "neighbour": {ADMIN, PROVINCE_OFFICER, INSPECTOR},
    "other": {ADMIN},
}
MANAGE = {
    "own": {ADMIN, PROVINCE_OFFICER},
    "sibling": {ADMIN, PROVINCE_OFFICER},
    "neighbour": {ADMIN, PROVINCE_OFFICER},
    "other": {ADMIN},
}
REEVALUATE = {
    "own": {ADMIN, PROVINCE_OFFICER, PRODUCER},
    "sibling": {ADMIN, PROVINCE_OFFICER},
    "neighbour": {ADMIN, PROVINCE_OFFICER},
    "other": {ADMIN},
}
LISTERS = {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, INSPECTOR, PRODUCER}
ISSUERS = {ADMIN, PROVINCE_OFFICER}
COUNTERS = {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, INSPECTOR}


def _ruleset():
    from ocop.criteria.models import RuleSet

    found = RuleSet.objects.filter(code="TEST.evaluation.two-tier").first()
    return found or two_tier_ruleset()


def setup(world) -> None:
    """Per area: a certificate with its decided application (for re-evaluation) and an open
    round; an application ready for issuing in a published decision."""
    ruleset = _ruleset()
    for area in world.areas.values():
        product = ProductFactory(producer=area.producer)
        previous = ApplicationFactory(
            product=product,
            round=RoundFactory(province=area.province, status=RoundStatus.DECIDED),
            status=ApplicationStatus.DECIDED,
            ruleset=ruleset,
        )
        area.cert_app = CertificateFactory(product=product, application=previous)
        RoundFactory(province=area.province, registration_opens=clock.today())
        decision = DecisionFactory(round=RoundFactory(province=area.province))
        area.issuable = recognised_application(
            decision=decision,
            ruleset=ruleset,
            product=ProductFactory(producer=area.producer),
        )


def _cert(c, **fields):
    return CertificateFactory(product=c.product, **fields)


def _new(c) -> dict:
    return {"public_id": _cert(c).public_id}


def _suspended(c) -> dict:
    return {"public_id": _cert(c, suspended_at=clock.now()).public_id}


def _ground(action: str):
    ground = "pending_inspection" if action == "suspend" else "facility_closed"

    def build(c) -> dict:
        return {"legal_ground": ground, "public_reason": f"Lý do công khai {c.seq}"}

    return build


def _decision(c) -> dict:
    return {"decision_id": DecisionFactory(round=RoundFactory(province=c.province)).public_id}


CASES = [
    # --- pages
    html("certificates:certificate_list", allow=LISTERS),
    html("certificates:certificate_export", allow=LISTERS),
    html("certificates:certificate_issue_index", allow=ISSUERS),
    html("certificates:certificate_issue_from_decision", kwargs=_decision, **MANAGE),
    html("certificates:certificate_detail", kwargs=_new, **VIEW),
    html("certificates:certificate_pdf", kwargs=_new, **VIEW),
    html(
        "certificates:certificate_suspend",
        method="POST",
        kwargs=_new,
        data=lambda c: {f"suspend-{k}": v for k, v in _ground("suspend")(c).items()},
        **MANAGE,
    ),
    html(
        "certificates:certificate_reinstate",
        method="POST",
        kwargs=_suspended,
        data=lambda c: {"reinstate-public_reason": "Kiểm tra đạt yêu cầu"},
        **MANAGE,
    ),
    html(
        "certificates:certificate_revoke",
        method="POST",
        kwargs=_new,
        data=lambda c: {f"revoke-{k}": v for k, v in _ground("revoke")(c).items()},
        **MANAGE,
    ),
    html(
        "certificates:certificate_request_reevaluation",
        method="POST",
        kwargs=lambda c: {"public_id": c.cert_app.public_id},
        **REEVALUATE,
    ),
    html(
        "certificates:public_lookup",
        kwargs=lambda c: {"number": _cert(c).number},
        allow=EVERYONE,
    ),
    # --- API
    api("certificate_list", allow=LISTERS),
    api("certificate_get", params=_new, **VIEW),
    api("certificate_pdf", params=_new, **VIEW),
    api("certificate_suspend", params=_new, json=_ground("suspend"), **MANAGE),
    api(
        "certificate_reinstate",
        params=_suspended,
        json=lambda c: {"public_reason": "Kiểm tra đạt yêu cầu"},
        **MANAGE,
    ),
    api("certificate_revoke", params=_new, json=_ground("revoke"), **MANAGE),
    api(
        "certificate_issue_from_decision",
        json=lambda c: {"decision": str(_decision(c)["decision_id"])},
        **MANAGE,
    ),
    api("certificate_issue", json=lambda c: {"application": str(c.issuable.public_id)}, **MANAGE),
    api("province_certificate_counts", allow=COUNTERS),
    api(
        "certificate_public_lookup",
        params=lambda c: {"number": _cert(c).number},
        allow=EVERYONE,
    ),
]
