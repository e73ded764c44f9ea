"""Demo data: evaluation rounds — a historic QĐ 1048 round and the current two-tier round.

Called by loader.load_demo() after users, producers and products. Everything goes through the
services, acting as the demo user who holds the right (province officer, commune officer, producer,
council members), or as the system actor "demo" where no demo account does (e.g. submitting for a
household without an account outside the commune officer's commune). Each step runs with the clock
frozen at its date, so the history reads as it would have happened.

- Historic round (2021, QĐ 1048 three-tier): district scores recorded, ≥ 50 forwarded, a council of
  five scores on the shipped QĐ 1048 fresh-produce sheet, scores finalised, a decision recorded and
  published: the producer's feedback and the council minutes have real content.
- "Đợt 1/2026" (two-tier, QĐ 1489): applications at every stage and a council part-way through
  scoring, on the demonstration rule set DEMO-2026.two-tier.demonstration.yaml (status
  `demonstration`, scorable only in demo mode). Without settings.DEMO_MODE this round is left out
  (a later run in demo mode adds it).

Idempotent: users, products and rounds that exist (same username / product name under its
producer / round name in its province) are left alone, so a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ocop.accounts import services as account_services
from ocop.accounts.models import User
from ocop.core import clock
from ocop.core.actor import Actor
from ocop.core.actors import actor_for_user
from ocop.core.pdf import register_fonts
from ocop.criteria import services as criteria_services
from ocop.criteria.models import Criterion
from ocop.evaluation import council as council_services
from ocop.evaluation import dossier, results
from ocop.evaluation import services as evaluation_services
from ocop.evaluation.constants import ApplicationStatus, Level, SheetStatus
from ocop.evaluation.models import Application, ProcessVariant, Round
from ocop.evaluation.variants import load_variants
from ocop.geo.models import Province
from ocop.producers.models import Producer
from ocop.products import services as product_services
from ocop.products.models import Product, ProductSet

log = logging.getLogger(__name__)

DATA_FILE = Path(__file__).with_name("evaluation.yaml")
RULESET_FILE = Path(__file__).with_name("DEMO-2026.two-tier.demonstration.yaml")
ACTOR = Actor.system("demo")
DEMO = "demo"
# Each member scores a little above or below the application's level (chair first).
MEMBER_OFFSETS = (0.0, 0.03, -0.03, 0.02, -0.02)
PRE_ASSESSMENT_NOTES = {
    "local_origin": "Nguyên liệu trồng, đánh bắt tại địa phương.",
    "local_labour": "Lao động là người dân trong xã.",
    "idea_origin": "Ý tưởng của chủ thể, phát triển từ nghề truyền thống.",
    "local_identity": "Gắn với sản vật và câu chuyện của vùng Thăng Bình.",
}
PRE_ASSESSMENT_CONCLUSION = (
    "Sản phẩm đáp ứng 4 nội dung sơ đánh giá; đề nghị Hội đồng cấp tỉnh đánh giá, phân hạng."
)


def load(report: Any) -> None:
    """Load this section; `report.count(kind)` tallies what was created."""
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    _reference_data(report)
    password = _password()
    for row in data["council_users"]:
        _council_user(row, password, report)
    for row in data["products"]:
        _product(row, report)
    for spec in data["rounds"]:
        if spec.get("needs_demo_mode") and not getattr(settings, "DEMO_MODE", False):
            log.warning(
                "Demo round %r needs demo mode (OCOP_DEMO=1): its rule set is a demonstration.",
                spec["name"],
            )
            continue
        province = Province.objects.get(code=str(spec["province"]))
        if Round.objects.filter(province=province, name=spec["name"], is_demo=True).exists():
            continue
        _round(spec, province, report)


# --- reference data ------------------------------------------------------------------------------
def _reference_data(report: Any) -> None:
    """Process variants and the shipped rule sets (idempotent), then the demonstration sheet."""
    if not ProcessVariant.objects.exists():
        load_variants()
    criteria_services.rulesets_load()
    outcome = criteria_services.ruleset_import_yaml(
        actor=ACTOR, data=RULESET_FILE.read_bytes(), filename=RULESET_FILE.name
    )
    if outcome.created:
        report.count("demonstration_rulesets")


def _password() -> str:
    from ocop.web.demo.loader import load_data

    return str(load_data()["password"])


def _council_user(row: dict[str, Any], password: str, report: Any) -> None:
    if User.objects.filter(username=row["username"]).exists():
        return
    account_services.user_create(
        actor=ACTOR,
        username=row["username"],
        password=password,
        full_name=row["full_name"],
        email=f"{row['username']}@demo.ocop.invalid",
        title=row.get("title", ""),
        organisation=row.get("organisation", ""),
        note="Tài khoản trình diễn (thành viên hội đồng; vai trò cấp theo từng hội đồng)",
    )
    report.count("users")


def _product(row: dict[str, Any], report: Any) -> None:
    producer = Producer.objects.get(name=row["producer"], is_demo=True)
    if Product.objects.filter(producer=producer, name=row["name"]).exists():
        return
    product_services.product_create(
        actor=ACTOR,
        producer=producer,
        name=row["name"],
        product_set=ProductSet.objects.get(code=row["product_set"]),
        registered_on=_date(row["registered_on"]),
        is_demo=True,
    )
    report.count("products")


# --- helpers -------------------------------------------------------------------------------------
def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _actor(username: str) -> Actor:
    """The demo user as the services see them on the (frozen) day, or the system actor."""
    if username == DEMO:
        return ACTOR
    return actor_for_user(User.objects.get(username=username))


def _product_named(name: str) -> Product:
    return Product.objects.get(name=name, is_demo=True)


def _fresh(app: Application) -> Application:
    return Application.objects.select_related("round", "ruleset").get(pk=app.pk)


# --- rounds --------------------------------------------------------------------------------------
def _round(spec: dict[str, Any], province: Province, report: Any) -> None:
    created = spec["created"]
    with clock.freeze(_date(created["date"])):
        rnd = evaluation_services.round_create(
            actor=_actor(created["by"]),
            province=province,
            name=spec["name"],
            year=spec["year"],
            number=spec.get("number", 1),
            process_variant=ProcessVariant.objects.get(code=spec["variant"]),
            registration_opens=_date(spec["registration_opens"]),
            registration_cutoff=_date(spec["registration_cutoff"]),
            meeting_date=_date(spec["meeting_date"]) if spec.get("meeting_date") else None,
            divergence_threshold=Decimal(str(spec["divergence_threshold"])),
            note=spec.get("note", ""),
            is_demo=True,
        )
    report.count("rounds")
    apps = {row["product"]: _application(rnd, row, report) for row in spec["applications"]}
    if spec["key"] == "historic":
        _historic(rnd, spec, apps, report)
    else:
        _current(rnd, spec, apps, report)


def _application(rnd: Round, row: dict[str, Any], report: Any) -> Application:
    """Create the application and, when the row says so, submit it."""
    actor_name = row["by"]
    with clock.freeze(_date(row["created_on"])):
        app = evaluation_services.application_create(
            actor=_actor(actor_name), round=rnd, product=_product_named(row["product"])
        )
        report.count("applications")
        _dossier(app, _actor(actor_name), complete=bool(row.get("submitted_on")), report=report)
    if row.get("submitted_on"):
        with clock.freeze(_date(row["submitted_on"])):
            app = evaluation_services.application_submit(actor=_actor(actor_name), application=app)
    return app


def _dossier(app: Application, actor: Actor, *, complete: bool, report: Any) -> None:
    """Upload a small generated PDF for every required checklist item (a draft: the first half),
    each saying plainly that it is a demonstration document."""
    items = [i for i in dossier.checklist_for(app) if i.required]
    if not complete:
        items = items[: len(items) // 2]
    for item in items:
        dossier.document_upload(
            actor=actor,
            application=app,
            item=item.code,
            file=SimpleUploadedFile(
                f"{item.code}.pdf", _pdf(item.label), content_type="application/pdf"
            ),
        )
        report.count("dossier_documents")


@functools.cache
def _pdf(title: str) -> bytes:
    """A one-page PDF naming the checklist item, marked as a demonstration document (one per
    item, reused across applications)."""
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle(title)
    _width, height = A4
    page.setFont(bold, 14)
    page.drawString(56, height - 80, "TÀI LIỆU TRÌNH DIỄN — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ")
    page.setFont(regular, 12)
    page.drawString(56, height - 120, title[:95])
    page.drawString(56, height - 140, "Dữ liệu trình diễn của hệ thống quản lý OCOP.")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _council(rnd: Round, spec: dict[str, Any], report: Any) -> list[Any]:
    """The round's council and its seats, in the file's order (chair first)."""
    cspec = spec["council"]
    with clock.freeze(_date(cspec["date"])):
        officer = _actor(spec["created"]["by"])
        council = council_services.council_create(
            actor=officer,
            round=rnd,
            name=cspec["name"],
            establishing_decision=cspec.get("establishing_decision", ""),
            established_on=_date(cspec["established_on"]),
        )
        report.count("councils")
        seats = []
        for row in cspec["members"]:
            user = User.objects.get(username=row["username"])
            seats.append(
                council_services.council_member_add(
                    actor=officer,
                    council=council,
                    user=user,
                    role=row["role"],
                    valid_from=_date(cspec["valid_from"]),
                    valid_to=_date(cspec["valid_to"]),
                    organisation=row.get("organisation", ""),
                    is_external=bool(row.get("is_external", False)),
                )
            )
            report.count("council_members")
    return seats


def _declare_and_assign(
    apps: list[Application], seats: list[Any], recused: dict[int, tuple[Any, str]]
) -> None:
    """Each member declares (no) conflict on each application; the secretary assigns the rest."""
    for app in apps:
        for seat in seats:
            conflict = recused.get(app.pk)
            has_conflict = conflict is not None and conflict[0].pk == seat.pk
            council_services.conflict_declare(
                actor=_actor(seat.user.username),
                member=seat,
                application=app,
                has_conflict=has_conflict,
                note=conflict[1] if has_conflict else "",
            )
    secretary = next(s for s in seats if s.role == "secretary")
    council_services.assignment_bulk(
        actor=_actor(secretary.user.username),
        council=secretary.council,
        applications=apps,
        members=seats,
    )


def _answers(app: Application, level: float, seed: str, *, share: float = 1.0) -> dict:
    """Plausible, deterministic choices: near `level` × the criterion's maximum, with seeded
    noise; a mandatory criterion is never left at 0. `share` < 1 answers only the first part."""
    rng = random.Random(seed)
    criteria = list(
        Criterion.objects.filter(ruleset=app.ruleset)
        .order_by("position")
        .prefetch_related("options")
    )
    count = round(len(criteria) * share)
    out = {}
    for criterion in criteria[:count]:
        options = sorted(criterion.options.all(), key=lambda o: (o.points, o.position))
        top = float(options[-1].points)
        target = min(1.0, max(0.0, level + rng.uniform(-0.22, 0.22))) * top
        best = min(options, key=lambda o: (abs(float(o.points) - target), o.points))
        if criterion.mandatory == "yes" and best.points == 0:
            best = next(o for o in options if o.points > 0)
        comment = ""
        if top and float(best.points) < top / 2:
            comment = "Cần cải thiện nội dung này."
        out[criterion.code] = (best.code, comment)
    return out


def _score(
    app: Application,
    seat: Any,
    level: float,
    seed: str,
    *,
    submit: bool,
    report: Any,
    paper_by: Any = None,
) -> None:
    """The member's own sheet, or (`paper_by`: the secretary's seat) a signed paper sheet the
    secretary transcribes, with its scan."""
    answers = _answers(app, level, seed, share=1.0 if submit else 0.5)
    if paper_by is not None:
        actor = _actor(paper_by.user.username)
        sheet = council_services.sheet_enter_paper(
            actor=actor,
            application=app,
            member=seat,
            answers=answers,
            scan_upload=SimpleUploadedFile(
                "phieu-cham.pdf", _pdf("Phiếu chấm điểm có chữ ký (bản quét)"), "application/pdf"
            ),
        )
        report.count("paper_sheets")
    else:
        actor = _actor(seat.user.username)
        sheet = council_services.sheet_save(
            actor=actor, application=app, member=seat, answers=answers, expected_version=None
        )
    report.count("score_sheets")
    if submit:
        council_services.sheet_submit(actor=actor, sheet=sheet, expected_version=sheet.version)


# --- the historic round --------------------------------------------------------------------------
def _historic(rnd: Round, spec: dict[str, Any], apps: dict[str, Application], report) -> None:
    officer_name = spec["created"]["by"]
    forwarded = []
    with clock.freeze(_date(spec["lower_scored_on"])):
        officer = _actor(officer_name)
        for row in spec["applications"]:
            app = evaluation_services.application_lower_score(
                actor=officer,
                application=apps[row["product"]],
                score=Decimal(str(row["lower_score"])),
                note="Điểm của Hội đồng cấp huyện (dữ liệu trình diễn).",
            )
            threshold = rnd.process_variant.forward_min_score
            if threshold is None or app.lower_tier_score >= threshold:
                app = evaluation_services.application_transition(
                    actor=officer, application=app, verb="forward"
                )
                forwarded.append((row, app))
            else:
                evaluation_services.application_transition(
                    actor=officer,
                    application=app,
                    verb="lower_reject",
                    reason="Dưới ngưỡng điểm chuyển lên tỉnh.",
                )
    seats = _council(rnd, spec, report)
    with clock.freeze(_date(spec["scheduled_on"])):
        officer = _actor(officer_name)
        scheduled = [
            evaluation_services.application_transition(
                actor=officer, application=app, verb="schedule"
            )
            for _row, app in forwarded
        ]
        _declare_and_assign(scheduled, seats, {})
    secretary = next(s for s in seats if s.role == "secretary")
    with clock.freeze(_date(spec["scored_on"])):
        for row, app in forwarded:
            for index, seat in enumerate(seats):
                level = row["level"] + MEMBER_OFFSETS[index % len(MEMBER_OFFSETS)]
                seed = f"{spec['key']}|{row['product']}|{seat.user.username}"
                on_paper = seat.user.username in row.get("paper_sheets", [])
                _score(
                    _fresh(app),
                    seat,
                    level,
                    seed,
                    submit=True,
                    report=report,
                    paper_by=secretary if on_paper else None,
                )
    with clock.freeze(_date(spec["finalised_on"])):
        finalised = [
            council_services.application_score_finalise(
                actor=_actor(secretary.user.username), application=app
            )
            for _row, app in forwarded
        ]
    _decision(rnd, spec["decision"], finalised, report)


def _decision(rnd: Round, dspec: dict[str, Any], apps: list[Application], report) -> None:
    listed = [a for a in apps if a.outcome in results.DECIDABLE_OUTCOMES]
    with clock.freeze(_date(dspec["signed_on"])):
        officer = _actor(dspec["by"])
        decision = results.decision_record(
            actor=officer,
            round=rnd,
            number=dspec["number"],
            signed_on=_date(dspec["signed_on"]),
            signer=dspec["signer"],
            issuer=dspec["issuer"],
            level=Level.PROVINCE,
            applications=listed,
        )
    report.count("decisions")
    with clock.freeze(_date(dspec["published_on"])):
        officer = _actor(dspec["by"])
        results.decision_publish(actor=officer, decision=decision)
        for app in listed:
            app = _fresh(app)
            if app.status != ApplicationStatus.DECIDED:
                evaluation_services.application_transition(
                    actor=officer,
                    application=app,
                    verb="decide",
                    reason=f"Quyết định {decision.number}",
                )


# --- the current round ---------------------------------------------------------------------------
def _current(rnd: Round, spec: dict[str, Any], apps: dict[str, Application], report) -> None:
    commune_officer = spec["commune_officer"]
    for row in spec["applications"]:
        app = apps[row["product"]]
        if row["stage"] == "returned":
            with clock.freeze(_date(row["returned_on"])):
                evaluation_services.application_return(
                    actor=_actor(commune_officer), application=app, reason=row["return_reason"]
                )
        if row.get("pre_assessed_on"):
            with clock.freeze(_date(row["pre_assessed_on"])):
                evaluation_services.application_pre_assess(
                    actor=_actor(commune_officer),
                    application=app,
                    answers={
                        code: {"met": True, "note": note}
                        for code, note in PRE_ASSESSMENT_NOTES.items()
                    },
                    conclusion=PRE_ASSESSMENT_CONCLUSION,
                    report=SimpleUploadedFile(
                        "bao-cao-so-danh-gia.pdf",
                        _pdf(f"Báo cáo sơ đánh giá: {app.product.name}"),
                        content_type="application/pdf",
                    ),
                )
    scheduled_rows = [row for row in spec["applications"] if row["stage"] == "scheduled"]
    seats = _council(rnd, spec, report)
    by_username = {seat.user.username: seat for seat in seats}
    with clock.freeze(_date(spec["scheduled_on"])):
        officer = _actor(spec["created"]["by"])
        scheduled = [
            evaluation_services.application_transition(
                actor=officer, application=apps[row["product"]], verb="schedule"
            )
            for row in scheduled_rows
        ]
        recused = {
            app.pk: (by_username[row["recused"]["username"]], row["recused"]["note"])
            for row, app in zip(scheduled_rows, scheduled, strict=True)
            if row.get("recused")
        }
        _declare_and_assign(scheduled, seats, recused)
    for row, app in zip(scheduled_rows, scheduled, strict=True):
        visit = row.get("field_visit")
        if visit:
            with clock.freeze(_date(visit["date"])):
                council_services.field_visit_record(
                    actor=_actor(visit["by"]),
                    application=app,
                    visited_on=_date(visit["date"]),
                    members=[by_username[name] for name in visit["members"]],
                    notes=visit["notes"],
                )
            report.count("field_visits")
    with clock.freeze(_date(spec["scored_on"])):
        for row, app in zip(scheduled_rows, scheduled, strict=True):
            for index, seat in enumerate(seats):
                state = row["sheets"].get(seat.user.username, "none")
                if state == "none":
                    continue
                level = row["level"] + MEMBER_OFFSETS[index % len(MEMBER_OFFSETS)]
                seed = f"{spec['key']}|{row['product']}|{seat.user.username}"
                _score(
                    _fresh(app),
                    seat,
                    level,
                    seed,
                    submit=state == SheetStatus.SUBMITTED,
                    report=report,
                )
