"""Who may reach the rounds and applications pages (format: ocop.core.testing).

Pages: everyone with an evaluation role sees the round list; rounds and applications are scoped
(province officers and inspectors: their province; commune officers: rounds of their province and
applications of their commune; producers: their own applications). Moves follow
evaluation.policies: producers and commune officers submit; commune officers return and
pre-assess; province officers return and make the province-level moves. Council members use the
council pages, not these.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ocop.core import clock, testing
from ocop.core.actor import Actor
from ocop.core.files import upload_path
from ocop.core.testing import (
    ADMIN,
    COMMUNE_OFFICER,
    COUNCIL_MEMBER,
    INSPECTOR,
    PRODUCER,
    PROVINCE_OFFICER,
    html,
)
from ocop.evaluation import services
from ocop.evaluation.constants import ApplicationStatus as S
from ocop.evaluation.models import PreAssessment, Round
from ocop.evaluation.tests import factories as f


def _open_round(province, code: str = f.TWO_TIER):
    today = clock.today()
    return f.RoundFactory(
        province=province,
        process_variant=f.variant(code),
        registration_opens=today - dt.timedelta(days=30),
        registration_cutoff=today + dt.timedelta(days=30),
    )


def setup(world) -> None:
    """An open two-tier round of each area's province, a draft application of its product with
    one uploaded dossier document."""
    system = Actor.system("policy matrix")
    for area in world.areas.values():
        area.round = _open_round(area.province)
        area.application = f.ApplicationFactory(product=area.product, round=area.round)
        area.document = services.document_upload(
            actor=system, application=area.application, item="label", file=testing.pdf_file()
        )


def _round(c) -> dict:
    return {"public_id": c.round.public_id}


def _application(c) -> dict:
    return {"public_id": c.application.public_id}


def _app_in(status: str, code: str = f.TWO_TIER, *, complete: bool = False):
    def build(c) -> dict:
        app = f.ApplicationFactory(
            product=c.product, round=_open_round(c.province, code), status=status
        )
        if complete:
            f.complete_dossier(app)
        return {"public_id": app.public_id}

    return build


def _with_report(c) -> dict:
    """A pre-assessed application of the area's product with the commune's signed report."""
    app = f.ApplicationFactory(
        product=c.product, round=_open_round(c.province), status=S.PRE_ASSESSED
    )
    PreAssessment.objects.create(
        application=app,
        answers={},
        conclusion="Đạt",
        report_file=default_storage.save(
            upload_path("pre-assessments", ".pdf"), ContentFile(testing.PDF_BYTES)
        ),
        report_sha256=hashlib.sha256(testing.PDF_BYTES).hexdigest(),
        signed_at=clock.now(),
    )
    return {"public_id": app.public_id}


def _legacy_round(c, level: str) -> Round:
    return f.RoundFactory(
        province=c.province, process_variant=f.variant(f.QD1048_THREE_TIER), level=level
    )


def _new_round(c) -> dict:
    today = clock.today()
    return {
        "province": c.province.code,
        "name": f"Đợt ma trận {c.seq}",
        "year": today.year,
        "number": 1,
        "process_variant": f.variant(f.TWO_TIER).code,
        "level": "province",
        "registration_opens": today.isoformat(),
        "registration_cutoff": (today + dt.timedelta(days=60)).isoformat(),
        "divergence_threshold": "10",
    }


def _new_application(c) -> dict:
    return {
        "round": str(_open_round(c.province).public_id),
        "product": str(c.product.public_id),
        "kind": "first",
    }


def _pre_assessment(c) -> dict:
    data = {f"{code}__met": "yes" for code in f.variants.criteria_codes(f.variant(f.TWO_TIER))}
    return {**data, "conclusion": "Đủ điều kiện chuyển tỉnh", "report": testing.pdf_file()}


VIEWERS = {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, INSPECTOR, PRODUCER}
REGISTRARS = {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, PRODUCER}
ROUND_VIEW = {
    "own": VIEWERS,
    "sibling": VIEWERS,
    "neighbour": VIEWERS,
    "other": {ADMIN},
}
APP_VIEW = {
    "own": VIEWERS,
    "sibling": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, INSPECTOR},
    "neighbour": {ADMIN, PROVINCE_OFFICER, INSPECTOR},
    "other": {ADMIN},
}
SUBMIT = {
    "own": {ADMIN, COMMUNE_OFFICER, PRODUCER},
    "sibling": {ADMIN, COMMUNE_OFFICER},
    "neighbour": {ADMIN},
    "other": {ADMIN},
}
RETURN = {
    "own": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER},
    "sibling": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER},
    "neighbour": {ADMIN, PROVINCE_OFFICER},
    "other": {ADMIN},
}
PRE_ASSESS = {
    "own": {ADMIN, COMMUNE_OFFICER},
    "sibling": {ADMIN, COMMUNE_OFFICER},
    "neighbour": {ADMIN},
    "other": {ADMIN},
}
DOSSIER_EDIT = {
    "own": REGISTRARS,
    "sibling": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER},
    "neighbour": {ADMIN, PROVINCE_OFFICER},
    "other": {ADMIN},
}
MANAGE = {
    "own": {ADMIN, PROVINCE_OFFICER},
    "sibling": {ADMIN, PROVINCE_OFFICER},
    "neighbour": {ADMIN, PROVINCE_OFFICER},
    "other": {ADMIN},
}

CASES = [
    html("evaluation:round_list", allow=VIEWERS | {COUNCIL_MEMBER}),
    html("evaluation:round_create", allow={ADMIN, PROVINCE_OFFICER}),
    html(
        "evaluation:round_create", method="POST", data=_new_round, allow={ADMIN, PROVINCE_OFFICER}
    ),
    html("evaluation:round_detail", kwargs=_round, **ROUND_VIEW),
    html("evaluation:round_export", kwargs=_round, **ROUND_VIEW),
    html(
        "evaluation:round_forward",
        method="POST",
        kwargs=lambda c: {"public_id": _legacy_round(c, "district").public_id},
        data=lambda c: {"target": str(_legacy_round(c, "province").public_id)},
        note="a legacy district round with nothing scored: forwards nothing",
        own={ADMIN, PROVINCE_OFFICER},
        sibling={ADMIN, PROVINCE_OFFICER},
        neighbour={ADMIN, PROVINCE_OFFICER},
        other={ADMIN},
    ),
    html("evaluation:application_list", allow=VIEWERS),
    html("evaluation:application_export", allow=VIEWERS),
    html("evaluation:application_create", allow=REGISTRARS),
    html(
        "evaluation:application_create",
        method="POST",
        data=_new_application,
        allow=REGISTRARS,
    ),
    html("evaluation:application_detail", kwargs=_application, **APP_VIEW),
    html("evaluation:application_pre_assessment_report", kwargs=_with_report, **APP_VIEW),
    html(
        "evaluation:application_feedback",
        kwargs=_application,
        note="not scored yet: allowed roles are sent back to the detail page",
        **APP_VIEW,
    ),
    html("evaluation:application_edit", kwargs=_application, **SUBMIT),
    html(
        "evaluation:application_edit",
        method="POST",
        kwargs=_app_in(S.DRAFT),
        data=lambda c: {"contact_name": "Nguyễn Văn A", "self_stars": "3"},
        note="edit the registration form and self-assessment: whoever may submit",
        **SUBMIT,
    ),
    html(
        "evaluation:application_submit",
        method="POST",
        kwargs=_app_in(S.RETURNED, complete=True),
        note="resubmission of a returned dossier",
        **SUBMIT,
    ),
    html(
        "evaluation:application_return",
        method="POST",
        kwargs=_app_in(S.SUBMITTED),
        data=lambda c: {"reason": "Thiếu phiếu kiểm nghiệm"},
        **RETURN,
    ),
    html(
        "evaluation:application_pre_assess",
        method="POST",
        kwargs=_app_in(S.SUBMITTED),
        data=_pre_assessment,
        **PRE_ASSESS,
    ),
    html(
        "evaluation:application_lower_score",
        method="POST",
        kwargs=_app_in(S.SUBMITTED, f.QD148_THREE_TIER),
        data=lambda c: {"score": "62.5"},
        **MANAGE,
    ),
    html(
        "evaluation:application_move",
        method="POST",
        kwargs=_app_in(S.PRE_ASSESSED),
        data=lambda c: {"verb": "schedule"},
        **MANAGE,
    ),
    html(
        "evaluation:application_document",
        kwargs=lambda c: {"public_id": c.application.public_id, "document_id": c.document.pk},
        **APP_VIEW,
    ),
    html(
        "evaluation:application_document_upload",
        method="POST",
        kwargs=_application,
        data=lambda c: {"item": "registration_form", "file": testing.pdf_file()},
        **DOSSIER_EDIT,
    ),
    html(
        "evaluation:application_document_remove",
        method="POST",
        kwargs=lambda c: {"public_id": c.application.public_id, "document_id": c.document.pk},
        **DOSSIER_EDIT,
    ),
    html(
        "evaluation:application_national",
        method="POST",
        kwargs=_app_in(S.PROPOSED_NATIONAL),
        data=lambda c: {"stars": "5", "decision_number": "123/QĐ-BNN", "decided_on": "2026-01-15"},
        **MANAGE,
    ),
]
