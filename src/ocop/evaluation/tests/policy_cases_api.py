"""Policy cases: the evaluation API (format: ocop.core.testing).

Rounds are province-wide: every officer, inspector and represented producer of the province sees
them. Applications follow the registry's scopes (commune officer: their commune; producer: their
own). Council work belongs to the seat holders: the matrix's council member sits as chair on the
council of the "own" round only (a seat is not a role over a unit); the secretary and a further
member there are other accounts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ocop.accounts.tests.factories import UserFactory, actor_for
from ocop.core import clock, testing
from ocop.core.actor import Actor
from ocop.core.files import upload_path
from ocop.core.testing import (
    ADMIN,
    COMMUNE_OFFICER,
    COUNCIL_MEMBER,
    INSPECTOR,
    NOBODY,
    PRODUCER,
    PROVINCE_OFFICER,
    SIGNED_IN,
    api,
)
from ocop.evaluation import council, dossier, results
from ocop.evaluation.constants import ApplicationStatus, CouncilRole, Level, Outcome
from ocop.evaluation.models import CouncilMember, PreAssessment
from ocop.evaluation.tests import factories as f
from ocop.products.tests.factories import ProductFactory

# Who sees a round of the province (every area but "other" is province A).
ROUND = {
    # The council member holds a seat on the council of the "own" round (policies.scope_rounds).
    "own": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, INSPECTOR, PRODUCER, COUNCIL_MEMBER},
    "sibling": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, INSPECTOR, PRODUCER},
    "neighbour": {ADMIN, PROVINCE_OFFICER, COMMUNE_OFFICER, INSPECTOR, PRODUCER},
    "other": {ADMIN},
}
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
MANAGE = {
    "own": {ADMIN, PROVINCE_OFFICER},
    "sibling": {ADMIN, PROVINCE_OFFICER},
    "neighbour": {ADMIN, PROVINCE_OFFICER},
    "other": {ADMIN},
}
PROVINCE = {"own": {ADMIN, PROVINCE_OFFICER}, "other": {ADMIN}}
SEATED = {"own": {COUNCIL_MEMBER}, "other": NOBODY}

FAR_FUTURE = dt.date(2099, 12, 31)
SEAT_FROM = dt.date(2025, 1, 1)


def _first_options(ruleset) -> dict[str, tuple[str, str]]:
    return {
        c.code: (c.options.order_by("position").first().code, "")
        for c in ruleset.criteria.prefetch_related("options")
    }


def setup(world) -> None:
    """Per area: an open two-tier round with a council and applications in the states the cases
    need; a legacy three-tier round with a submitted application; a recorded decision."""
    system = Actor.system("policy matrix")
    ruleset = f.two_tier_ruleset()
    product_set = f.product_set(f.TWO_TIER_SET)
    answers = _first_options(ruleset)
    for relation, area in world.areas.items():

        def app(status, rnd=None, area=area, **fields):
            product = ProductFactory(producer=area.producer, product_set=product_set)
            return f.ApplicationFactory(
                product=product, round=rnd or area.eval_round, status=status, **fields
            )

        area.eval_round = f.RoundFactory(
            province=area.province, registration_cutoff=FAR_FUTURE, year=2026
        )
        area.eval_bare_round = f.RoundFactory(
            province=area.province, registration_cutoff=FAR_FUTURE, year=2026, number=2
        )
        area.eval_legacy_round = f.RoundFactory(
            province=area.province,
            process_variant=f.variant(f.QD148_THREE_TIER),
            registration_opens=dt.date(2024, 1, 1),
            registration_cutoff=dt.date(2025, 6, 30),
            year=2024,
        )
        area.eval_district_round = f.RoundFactory(
            province=area.province,
            level=Level.DISTRICT,
            process_variant=f.variant(f.QD1048_THREE_TIER),
            registration_opens=dt.date(2020, 1, 1),
            registration_cutoff=dt.date(2020, 12, 31),
            year=2020,
        )
        area.eval_draft = app(ApplicationStatus.DRAFT)
        for item in dossier.checklist_for(area.eval_draft):
            doc = dossier.document_upload(
                actor=system,
                application=area.eval_draft,
                item=item.code,
                file=testing.pdf_file(f"{item.code}.pdf"),
            )
        area.eval_document = doc
        area.eval_submitted = app(ApplicationStatus.SUBMITTED, ruleset=ruleset)
        area.eval_pre_assessed = app(ApplicationStatus.PRE_ASSESSED, ruleset=ruleset)
        PreAssessment.objects.create(
            application=area.eval_pre_assessed,
            answers={},
            conclusion="Đạt",
            report_file=default_storage.save(
                upload_path("pre-assessments", ".pdf"), ContentFile(testing.PDF_BYTES)
            ),
            report_sha256=hashlib.sha256(testing.PDF_BYTES).hexdigest(),
            signed_at=clock.now(),
        )
        area.eval_lower = app(ApplicationStatus.SUBMITTED, rnd=area.eval_legacy_round)
        area.eval_scheduled = app(ApplicationStatus.SCHEDULED, ruleset=ruleset)
        area.eval_ready = app(ApplicationStatus.SCHEDULED, ruleset=ruleset)
        done = {
            "ruleset": ruleset,
            "score": Decimal("75.00"),
            "stars": 4,
            "outcome": Outcome.RECOGNISED,
        }
        area.eval_done = app(ApplicationStatus.RECOGNISED, **done)
        decided = app(ApplicationStatus.RECOGNISED, **done)
        area.eval_national = app(
            ApplicationStatus.PROPOSED_NATIONAL,
            ruleset=ruleset,
            score=Decimal("93.00"),
            stars=5,
            outcome=Outcome.PROPOSED_NATIONAL,
        )

        seats = {}
        board = council.council_create(actor=system, round=area.eval_round, name="Hội đồng OCOP")
        chair = world.users[COUNCIL_MEMBER] if relation == "own" else UserFactory()
        for key, user, role in [
            ("chair", chair, CouncilRole.CHAIR),
            ("secretary", UserFactory(), CouncilRole.SECRETARY),
            ("m1", UserFactory(), CouncilRole.MEMBER),
        ]:
            if user is world.users[COUNCIL_MEMBER]:
                # Already a council member of province A: only the seat is added.
                seats[key] = CouncilMember.objects.create(
                    council=board, user=user, role=role, valid_from=SEAT_FROM, valid_to=FAR_FUTURE
                )
                continue
            seats[key] = council.council_member_add(
                actor=system,
                council=board,
                user=user,
                role=role,
                valid_from=SEAT_FROM,
                valid_to=FAR_FUTURE,
            )
        area.eval_seats = seats
        council.assignment_bulk(
            actor=system,
            council=board,
            applications=[area.eval_scheduled],
            members=[seats["chair"], seats["m1"]],
        )
        council.assignment_bulk(
            actor=system, council=board, applications=[area.eval_ready], members=[seats["chair"]]
        )
        chair_actor = actor_for(chair)
        area.eval_chair_sheet = council.sheet_save(
            actor=chair_actor,
            application=area.eval_scheduled,
            member=seats["chair"],
            answers=answers,
            expected_version=None,
        )
        ready = council.sheet_save(
            actor=chair_actor,
            application=area.eval_ready,
            member=seats["chair"],
            answers=answers,
            expected_version=None,
        )
        council.sheet_submit(actor=chair_actor, sheet=ready)
        area.eval_decision = results.decision_record(
            actor=system,
            round=area.eval_round,
            number=f"QĐ-{relation}",
            signed_on=dt.date(2026, 1, 10),
            signer="Phó Chủ tịch",
            issuer="UBND tỉnh",
            level="province",
            applications=[decided],
        )
        area.eval_answers = answers


def _round(c) -> dict:
    return {"public_id": c.eval_round.public_id}


def _app(name: str):
    return lambda c: {"public_id": getattr(c, name).public_id}


def _sheet_of(name: str, seat: str):
    return lambda c: {
        "public_id": getattr(c, name).public_id,
        "member_id": c.eval_seats[seat].pk,
    }


def _new_round(c) -> dict:
    return {
        "province": c.province.code,
        "name": f"Đợt ma trận {c.seq}",
        "year": 2026,
        "process_variant": f.TWO_TIER,
        "registration_opens": "2026-01-05",
        "registration_cutoff": "2026-03-31",
    }


def _new_application(c) -> dict:
    product = ProductFactory(producer=c.producer, product_set=f.product_set(f.TWO_TIER_SET))
    return {"round": str(c.eval_round.public_id), "product": str(product.public_id)}


def _pre_assessment(c) -> dict:
    codes = ["local_origin", "local_labour", "idea_origin", "local_identity"]
    return {
        "answers": json.dumps({k: {"met": True} for k in codes}),
        "conclusion": "Đạt",
        "report": testing.pdf_file("bao-cao.pdf"),
    }


def _one_answer(c) -> dict:
    code, (option, _comment) = next(iter(c.eval_answers.items()))
    return {code: {"option": option, "comment": ""}}


CASES = [
    api("variant_list", allow=SIGNED_IN, note="reference data"),
    # --- rounds
    api("round_list", allow=SIGNED_IN, note="scoped list (empty outside every scope)"),
    api("round_create", json=_new_round, **PROVINCE),
    api("round_get", params=_round, **ROUND),
    api("round_summary", params=_round, **ROUND),
    api(
        "round_forward",
        params=lambda c: {"public_id": c.eval_district_round.public_id},
        json=lambda c: {"target": str(c.eval_round.public_id)},
        **MANAGE,
    ),
    # --- applications
    api("application_list", allow=SIGNED_IN, note="scoped list (empty outside every scope)"),
    api(
        "export_applications_xlsx", allow=SIGNED_IN, note="scoped list (empty outside every scope)"
    ),
    api("application_create", json=_new_application, **EDIT),
    api(
        "application_get",
        params=_app("eval_submitted"),
        own={*VIEW["own"], COUNCIL_MEMBER},
        sibling=VIEW["sibling"],
        neighbour=VIEW["neighbour"],
        other=VIEW["other"],
        note="seated council members read the applications of their round",
    ),
    api("application_history", params=_app("eval_submitted"), **VIEW),
    api("application_submit", params=_app("eval_draft"), json=lambda c: {}, **SUBMIT),
    api(
        "application_update",
        params=_app("eval_draft"),
        json=lambda c: {"registration": {"contact_name": "Nguyễn Văn A", "expected_stars": 3}},
        note="edit the registration form: whoever may submit",
        **SUBMIT,
    ),
    api(
        "application_return",
        params=_app("eval_submitted"),
        json=lambda c: {"reason": "Thiếu nhãn"},
        **RETURN,
    ),
    api(
        "application_pre_assess",
        params=_app("eval_submitted"),
        form=_pre_assessment,
        **PRE_ASSESS,
    ),
    api(
        "pre_assessment_report_get",
        params=_app("eval_pre_assessed"),
        own={*VIEW["own"], COUNCIL_MEMBER},
        sibling=VIEW["sibling"],
        neighbour=VIEW["neighbour"],
        other=VIEW["other"],
        note="the signed commune report, scoped like dossier documents",
    ),
    api(
        "application_lower_score",
        params=_app("eval_lower"),
        json=lambda c: {"score": "62.5"},
        **MANAGE,
    ),
    api(
        "application_transition",
        params=_app("eval_pre_assessed"),
        json=lambda c: {"verb": "schedule"},
        **MANAGE,
    ),
    api("application_feedback", params=_app("eval_done"), **VIEW),
    api(
        "application_record_national",
        params=_app("eval_national"),
        json=lambda c: {"stars": 5, "decision_number": "12/QĐ-BNN", "decided_on": "2026-03-01"},
        **MANAGE,
    ),
    # --- dossier
    api("dossier_checklist", params=_app("eval_draft"), **VIEW),
    api("dossier_diff", params=_app("eval_draft"), **VIEW),
    api(
        "document_upload",
        params=_app("eval_draft"),
        form=lambda c: {"item": c.eval_document.item, "file": testing.pdf_file()},
        **EDIT,
    ),
    api(
        "document_get",
        params=lambda c: {
            "public_id": c.eval_draft.public_id,
            "document_id": c.eval_document.pk,
        },
        own={*VIEW["own"], COUNCIL_MEMBER},
        sibling=VIEW["sibling"],
        neighbour=VIEW["neighbour"],
        other=VIEW["other"],
        note="seated council members read the dossiers of their round",
    ),
    api(
        "document_remove",
        params=lambda c: {
            "public_id": c.eval_draft.public_id,
            "document_id": c.eval_document.pk,
        },
        json=lambda c: {"note": "Nhầm tệp"},
        **EDIT,
    ),
    # --- council
    api(
        "council_create",
        params=lambda c: {"public_id": c.eval_bare_round.public_id},
        json=lambda c: {"name": "Hội đồng OCOP tỉnh"},
        **PROVINCE,
    ),
    api(
        "council_get",
        params=_round,
        own={ADMIN, PROVINCE_OFFICER, COUNCIL_MEMBER},
        other={ADMIN},
    ),
    api(
        "council_summary",
        params=_round,
        own={ADMIN, PROVINCE_OFFICER, COUNCIL_MEMBER},
        other={ADMIN},
        note="officers, and the chair, vice-chair and secretary",
    ),
    api(
        "council_member_add",
        params=_round,
        json=lambda c: {
            "user": str(c.user.public_id),
            "role": "member",
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
        },
        **PROVINCE,
    ),
    api(
        "assignment_bulk",
        params=_round,
        json=lambda c: {
            "applications": [str(c.eval_scheduled.public_id)],
            "members": [c.eval_seats["chair"].pk, c.eval_seats["m1"].pk],
        },
        own={ADMIN, PROVINCE_OFFICER, COUNCIL_MEMBER},
        other={ADMIN},
        note="the chair and the secretary assign too",
    ),
    api(
        "conflict_declare",
        params=_app("eval_scheduled"),
        json=lambda c: {"has_conflict": False},
        **SEATED,
    ),
    api(
        "field_visit_record",
        params=_app("eval_scheduled"),
        form=lambda c: {
            "visited_on": "2026-01-05",
            "notes": "Cơ sở sản xuất đúng như hồ sơ",
            "members": [c.eval_seats["chair"].pk],
            "file": testing.pdf_file("bien-ban.pdf"),
        },
        own={ADMIN, PROVINCE_OFFICER, COUNCIL_MEMBER},
        other={ADMIN},
        note="officers, and the council's chair or secretary",
    ),
    # --- score sheets
    api(
        "sheets_for_member",
        allow=SIGNED_IN,
        note="the caller's own assignments (empty without a seat)",
    ),
    api("sheet_get", params=_app("eval_scheduled"), **SEATED),
    api(
        "sheet_save",
        params=_app("eval_scheduled"),
        json=lambda c: {"version": c.eval_chair_sheet.version, "answers": _one_answer(c)},
        **SEATED,
    ),
    api(
        "sheet_submit",
        params=_app("eval_scheduled"),
        json=lambda c: {"version": c.eval_chair_sheet.version},
        **SEATED,
    ),
    api(
        "sheet_list",
        params=_app("eval_scheduled"),
        own={ADMIN, PROVINCE_OFFICER, COUNCIL_MEMBER},
        other={ADMIN},
        note="chair, secretary and the province's officers",
    ),
    api(
        "sheet_return",
        params=_sheet_of("eval_ready", "chair"),
        json=lambda c: {"reason": "Chênh lệch quá ngưỡng"},
        own={ADMIN, COUNCIL_MEMBER},
        other={ADMIN},
        note="the chair only",
    ),
    api(
        "sheet_enter_paper",
        params=_sheet_of("eval_scheduled", "m1"),
        form=lambda c: {
            "scan": testing.pdf_file("phieu.pdf"),
            "answers": json.dumps({k: {"option": v[0]} for k, v in c.eval_answers.items()}),
        },
        own={ADMIN},
        other={ADMIN},
        note="the secretary (not a matrix account) and admin",
    ),
    api(
        "application_score_finalise",
        params=_app("eval_ready"),
        own={ADMIN, PROVINCE_OFFICER},
        other={ADMIN},
        note="and the secretary",
    ),
    # --- results
    api("council_minutes_pdf", params=_round, **PROVINCE),
    api("decision_list", params=_round, **ROUND),
    api(
        "decision_record",
        params=_round,
        json=lambda c: {
            "number": f"{c.seq}/QĐ-UBND",
            "signed_on": "2026-01-10",
            "signer": "Phó Chủ tịch UBND tỉnh",
            "issuer": "UBND tỉnh",
            "level": "province",
            "applications": [str(c.eval_done.public_id)],
        },
        **PROVINCE,
    ),
    api(
        "decision_publish",
        params=lambda c: {
            "public_id": c.eval_round.public_id,
            "decision_id": c.eval_decision.public_id,
        },
        **PROVINCE,
    ),
]
