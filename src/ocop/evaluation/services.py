"""Every write of the evaluation app: rounds, applications and their workflow moves.

Each move runs in one transaction: policy, guards (workflow.APPLICATION), the status write, one
StatusChange row and one audit entry. Illegal moves raise InvalidTransition (409,
"evaluation.invalid_transition").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ocop.core import audit, clock
from ocop.core.access import require
from ocop.core.actor import Actor
from ocop.core.files import check_upload, upload_path
from ocop.core.notify import notify
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.errors import NoRuleSet
from ocop.evaluation import dossier, policies, scoring, variants
from ocop.evaluation.constants import ApplicationKind, ApplicationStatus, Level, RoundStatus
from ocop.evaluation.errors import (
    ApplicationDuplicate,
    ApplicationInvalid,
    ApplicationNotEditable,
    NoRuleSetForProduct,
    RoundClosed,
    RoundInvalid,
    UseDedicatedService,
)
from ocop.evaluation.models import (
    Application,
    PreAssessment,
    ProcessVariant,
    Round,
    StatusChange,
)
from ocop.evaluation.workflow import APPLICATION
from ocop.producers.models import ProducerRepresentative

DEDICATED_VERBS = frozenset({"submit", "return", "pre_assess", "lower_score", "score"})
# Stored scores are truncated: band edges have at most two decimals, so the stored value falls in
# the same band as the exact mean the stars were taken from. The lower tier's score keeps two
# decimals; the council's mean keeps four (STORED_MEAN), so that a published half-up rounding to
# two decimals of the stored value equals that of the exact mean (69.666… → 69.6666 → 69.67).
STORED = Decimal("0.01")
STORED_MEAN = Decimal("0.0001")
# The commune's signed pre-assessment report: a scan or a signed PDF.
REPORT_TYPES = {"application/pdf", "image/jpeg", "image/png"}


# Dossier writes live in evaluation.dossier; re-exported here, the app's write entry point.
document_upload = dossier.document_upload
document_remove = dossier.document_remove


# --- rounds --------------------------------------------------------------------------------------
@transaction.atomic
def round_create(
    *,
    actor: Actor,
    province: Any,
    name: str,
    year: int,
    process_variant: ProcessVariant,
    registration_opens: dt.date,
    registration_cutoff: dt.date,
    divergence_threshold: Decimal,
    level: str = Level.PROVINCE,
    number: int = 1,
    legacy_district: Any = None,
    meeting_date: dt.date | None = None,
    note: str = "",
    is_demo: bool = False,
) -> Round:
    """Open a round of a province (or of a legacy district) under one process variant."""
    require(actor, policies.can_create_round, province)
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors.setdefault("name", []).append(_("Nhập tên đợt đánh giá."))
    if registration_cutoff < registration_opens:
        errors.setdefault("registration_cutoff", []).append(
            _("Hạn nộp hồ sơ phải sau ngày bắt đầu nhận hồ sơ.")
        )
    if meeting_date is not None and meeting_date < registration_opens:
        errors.setdefault("meeting_date", []).append(
            _("Ngày họp hội đồng phải sau ngày bắt đầu nhận hồ sơ.")
        )
    if Decimal(divergence_threshold) < 0:
        errors.setdefault("divergence_threshold", []).append(_("Ngưỡng chênh lệch không âm."))
    if not (
        process_variant.effective_from <= registration_opens
        and (
            process_variant.effective_to is None
            or registration_opens <= process_variant.effective_to
        )
    ):
        errors.setdefault("process_variant", []).append(
            _("Quy trình không có hiệu lực vào ngày bắt đầu nhận hồ sơ.")
        )
    if level == Level.DISTRICT:
        if not variants.has_lower_tier(process_variant):
            errors.setdefault("level", []).append(_("Quy trình này không có cấp huyện."))
        if legacy_district is None:
            errors.setdefault("legacy_district", []).append(_("Chọn huyện tổ chức đợt."))
    elif level != Level.PROVINCE:
        errors.setdefault("level", []).append(_("Đợt đánh giá do cấp tỉnh hoặc cấp huyện tổ chức."))
    if errors:
        raise RoundInvalid.from_dict(errors)
    rnd = Round.objects.create(
        province=province,
        level=level,
        legacy_district=legacy_district,
        name=name.strip(),
        year=year,
        number=number,
        process_variant=process_variant,
        registration_opens=registration_opens,
        registration_cutoff=registration_cutoff,
        meeting_date=meeting_date,
        divergence_threshold=divergence_threshold,
        note=note,
        is_demo=is_demo,
    )
    audit.record(actor=actor, action="evaluation.round.create", obj=rnd, before=None)
    return rnd


# --- applications --------------------------------------------------------------------------------
@transaction.atomic
def application_create(
    *,
    actor: Actor,
    round: Round,  # noqa: A002 - the domain's word
    product: Any,
    kind: str = ApplicationKind.FIRST,
    previous: Application | None = None,
    registration: dict | None = None,
) -> Application:
    """A draft application of `product` for `round`. Upgrades and re-evaluations name the
    previous (decided) application of the same product; its current dossier documents are
    carried over (dossier.dossier_carry_over)."""
    require(actor, policies.can_create_application, product)
    errors: dict[str, list[str]] = {}
    if kind not in ApplicationKind.values:
        errors.setdefault("kind", []).append(_("Loại hồ sơ không hợp lệ."))
    elif kind == ApplicationKind.FIRST and previous is not None:
        errors.setdefault("previous", []).append(_("Hồ sơ đánh giá lần đầu không có hồ sơ trước."))
    elif kind != ApplicationKind.FIRST:
        if previous is None:
            errors.setdefault("previous", []).append(
                _("Nâng hạng hoặc đánh giá lại cần chọn hồ sơ trước của sản phẩm.")
            )
        elif previous.product_id != product.pk:
            errors.setdefault("previous", []).append(_("Hồ sơ trước thuộc sản phẩm khác."))
        elif previous.status != ApplicationStatus.DECIDED:
            errors.setdefault("previous", []).append(_("Hồ sơ trước chưa có quyết định."))
    if product.province_id != round.province_id:
        errors.setdefault("product", []).append(_("Sản phẩm không thuộc tỉnh tổ chức đợt."))
    if errors:
        raise ApplicationInvalid.from_dict(errors)
    if round.status != RoundStatus.OPEN:
        raise RoundClosed()
    live = Application.objects.filter(round=round, product=product).exclude(
        status=ApplicationStatus.WITHDRAWN
    )
    if live.exists():
        raise ApplicationDuplicate()
    app = Application.objects.create(
        round=round,
        product=product,
        producer_id=product.producer_id,
        province_id=product.province_id,
        commune_id=product.commune_id,
        kind=kind,
        previous=previous,
        registration=registration or {},
        is_demo=round.is_demo,
    )
    audit.record(actor=actor, action="evaluation.application.create", obj=app, before=None)
    if previous is not None:
        dossier.dossier_carry_over(actor=actor, application=app)
    return app


# The registration form: field -> maximum length (expected_stars: an integer 1-5).
REGISTRATION_FIELDS = {
    "contact_name": 150,
    "contact_phone": 20,
    "annual_output": 200,
    "market": 300,
    "expected_stars": None,
}
EDITABLE_STATES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.RETURNED})


def _stars_value(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        stars = int(str(value))
    except (TypeError, ValueError):
        return None
    return stars if 1 <= stars <= 5 else None


def _clean_registration(registration: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    """The registration form's known fields, trimmed; empty values dropped."""
    if not isinstance(registration, dict):
        errors.setdefault("registration", []).append(_("Phiếu đăng ký không hợp lệ."))
        return {}
    clean: dict[str, Any] = {}
    for key in set(registration) - set(REGISTRATION_FIELDS):
        errors.setdefault(f"registration.{key}", []).append(_("Mục không thuộc phiếu đăng ký."))
    for key, limit in REGISTRATION_FIELDS.items():
        value = registration.get(key)
        if value is None or value == "":
            continue
        if limit is None:
            stars = _stars_value(value)
            if stars is None:
                errors.setdefault(f"registration.{key}", []).append(
                    _("Hạng sao là số nguyên từ 1 đến 5.")
                )
            clean[key] = stars
        elif not isinstance(value, str) or len(value.strip()) > limit:
            errors.setdefault(f"registration.{key}", []).append(
                _("Nhập chữ, tối đa %(limit)s ký tự.") % {"limit": limit}
            )
        elif value.strip():
            clean[key] = value.strip()
    return clean


def self_assessment_ruleset(app: Application) -> Any:
    """The pinned rule set, or (draft) the one in force today for the product's set (its part
    maxima are declared even while it is not yet confirmed for scoring); None when there is none."""
    if app.ruleset is not None:
        return app.ruleset
    try:
        return criteria_selectors.ruleset_for(
            product_set=app.product.product_set, on=clock.today(), scorable_only=False
        )
    except NoRuleSet:
        return None


def _clean_self_assessment(
    value: Any, app: Application, errors: dict[str, list[str]]
) -> dict[str, Any]:
    """{"parts": {"A": points, ...}, "stars": n}: the producer's expected points per part of the
    application's rule set (each within the part's maximum) and expected stars.
    Stored as {"parts": {...}, "total": ..., "stars": n} with decimal strings."""
    if not isinstance(value, dict) or set(value) - {"parts", "stars"}:
        errors.setdefault("self_assessment", []).append(
            _(
                'Tự đánh giá có dạng {"parts": {"A": điểm, "B": điểm, "C": điểm}, "stars": hạng sao}.'
            )
        )
        return {}
    clean: dict[str, Any] = {}
    parts = value.get("parts") or {}
    if parts:
        ruleset = self_assessment_ruleset(app)
        maxima = ruleset.part_maxima() if ruleset is not None else {}
        if ruleset is None:
            errors.setdefault("self_assessment.parts", []).append(
                _("Chưa có bộ tiêu chí cho bộ sản phẩm này; chưa tự chấm điểm theo phần được.")
            )
        elif not isinstance(parts, dict):
            errors.setdefault("self_assessment.parts", []).append(_("Điểm theo phần không hợp lệ."))
        else:
            points: dict[str, str] = {}
            total = Decimal(0)
            for code, raw in parts.items():
                loc = f"self_assessment.parts.{code}"
                if code not in maxima:
                    errors.setdefault(loc, []).append(_("Bộ tiêu chí không có phần này."))
                    continue
                try:
                    number = Decimal(str(raw)) if not isinstance(raw, bool) else None
                except ArithmeticError:
                    number = None
                if number is None or not number.is_finite():
                    errors.setdefault(loc, []).append(_("Nhập số điểm."))
                elif not Decimal(0) <= number <= maxima[code]:
                    errors.setdefault(loc, []).append(
                        _("Điểm phần %(part)s từ 0 đến %(max)s.")
                        % {"part": code, "max": maxima[code].normalize()}
                    )
                else:
                    number = number.quantize(STORED, rounding=ROUND_DOWN)
                    points[code] = str(number)
                    total += number
            clean["parts"] = points
            clean["total"] = str(total)
    if value.get("stars") not in (None, ""):
        stars = _stars_value(value.get("stars"))
        if stars is None:
            errors.setdefault("self_assessment.stars", []).append(
                _("Hạng sao là số nguyên từ 1 đến 5.")
            )
        clean["stars"] = stars
    return clean


@transaction.atomic
def application_update(
    *,
    actor: Actor,
    application: Application,
    registration: dict | None = None,
    self_assessment: dict | None = None,
) -> Application:
    """Edit the registration form and/or the self-assessment while the application is a draft or
    returned for completion (whoever may submit it). None leaves that part unchanged; a bad
    value anywhere saves nothing (422); another state is refused (409)."""
    app = _locked(application)
    require(actor, policies.can_submit_application, app)
    if app.status not in EDITABLE_STATES:
        raise ApplicationNotEditable()
    errors: dict[str, list[str]] = {}
    fields = []
    if registration is not None:
        new_registration = _clean_registration(registration, errors)
        fields.append("registration")
    if self_assessment is not None:
        new_assessment = _clean_self_assessment(self_assessment, app, errors)
        fields.append("self_assessment")
    if errors:
        raise ApplicationInvalid.from_dict(errors)
    if not fields:
        return app
    before = audit.snapshot(app)
    if registration is not None:
        app.registration = new_registration
    if self_assessment is not None:
        app.self_assessment = new_assessment
    app.save(update_fields=[*fields, "updated_at"])
    audit.record(actor=actor, action="evaluation.application.update", obj=app, before=before)
    return app


# Producer notices: the title of each move ("%(product)s" is the product's name).
NOTICE_TITLES = {
    "submit": _lazy("Hồ sơ «%(product)s» đã được nộp"),
    "resubmit": _lazy("Hồ sơ «%(product)s» đã được nộp lại"),
    "return": _lazy("Hồ sơ «%(product)s» bị trả lại để bổ sung"),
    "withdraw": _lazy("Hồ sơ «%(product)s» đã được rút"),
    "pre_assess": _lazy("Hồ sơ «%(product)s» đã được UBND xã sơ đánh giá"),
    "lower_score": _lazy("Hồ sơ «%(product)s» đã được hội đồng cấp huyện chấm điểm"),
    "lower_recognise": _lazy("Sản phẩm «%(product)s» được cấp huyện đề nghị công nhận"),
    "lower_reject": _lazy("Sản phẩm «%(product)s» không được cấp huyện công nhận"),
    "forward": _lazy("Hồ sơ «%(product)s» đã được chuyển lên cấp tỉnh"),
    "schedule": _lazy("Hồ sơ «%(product)s» đã được xếp lịch họp hội đồng"),
    "score": _lazy("Hội đồng đã chấm điểm sản phẩm «%(product)s»"),
    "recognise": _lazy("Sản phẩm «%(product)s» được đề nghị công nhận %(stars)s sao"),
    "not_recognise": _lazy("Sản phẩm «%(product)s» chưa đạt hạng sao OCOP"),
    "propose_national": _lazy(
        "Sản phẩm «%(product)s» được đề nghị Trung ương đánh giá 5 sao (tiềm năng 5 sao)"
    ),
    "decide": _lazy("Đã có quyết định công nhận cho sản phẩm «%(product)s»"),
}


def application_link(application: Application) -> str:
    """The application's page (evaluation:application_detail)."""
    try:
        return reverse("evaluation:application_detail", kwargs={"public_id": application.public_id})
    except NoReverseMatch:
        return f"/evaluation/applications/{application.public_id}/"


def producer_users(application: Application) -> list[Any]:
    """The active user accounts linked to the application's producer."""
    return [
        link.user
        for link in ProducerRepresentative.objects.filter(
            producer_id=application.producer_id, user__is_active=True
        ).select_related("user")
    ]


def _notify_producer(application: Application, verb: str, old: str, new: str, reason: str):
    """One notice (and e-mail copy) per producer account, in the move's transaction."""
    template = NOTICE_TITLES.get(verb)
    if template is None:
        return
    users = producer_users(application)
    if not users:
        return
    params = {"product": application.product.name, "stars": application.stars or ""}
    lines = [
        _("Trạng thái: %(old)s → %(new)s.")
        % {"old": ApplicationStatus(old).label, "new": ApplicationStatus(new).label},
        _("Đợt đánh giá: %(round)s.") % {"round": application.round.name},
    ]
    if application.score is not None and verb in SCORE_VERBS:
        lines.append(_("Điểm trung bình: %(score)s.") % {"score": display_score(application)})
    if reason:
        lines.append(_("Nội dung: %(reason)s") % {"reason": reason})
    notify(
        users,
        kind=f"evaluation.{verb}",
        title=str(template) % params,
        body="\n".join(lines),
        link=application_link(application),
    )


SCORE_VERBS = frozenset({"score", "recognise", "not_recognise", "propose_national", "decide"})


display_score = scoring.display_score


def _move(
    *, actor: Actor, application: Application, verb: str, reason: str = "", fields=()
) -> Application:
    """Apply one workflow move, store it with its StatusChange row and audit entry.

    `fields`: further fields the caller changed on `application` before the move."""
    before = audit.snapshot(application)
    applied = APPLICATION.apply(application, verb, actor=actor, reason=reason)
    application.save(update_fields=["status", "updated_at", *fields])
    StatusChange.objects.create(
        application=application,
        verb=verb,
        from_status=applied.old,
        to_status=applied.new,
        actor_user_id=actor.user_id,
        actor_label=actor.username[:150],
        reason=reason,
        at=applied.at,
    )
    _notify_producer(application, verb, applied.old, applied.new, reason)
    audit.record(
        actor=actor,
        action=f"evaluation.application.{verb}",
        obj=application,
        before=before,
        reason=reason,
    )
    return application


def _locked(application: Application) -> Application:
    """Re-read the row under lock, so two concurrent moves cannot both start from one state."""
    fresh = (
        Application.objects.select_for_update(of=("self",))
        .select_related("round__process_variant", "product__product_set", "producer", "ruleset")
        .get(pk=application.pk)
    )
    return fresh


@transaction.atomic
def application_submit(*, actor: Actor, application: Application, note: str = "") -> Application:
    """Submit a draft. Pins the rule set in force for the product's set on the submission date;
    the pin never changes afterwards (resubmission after a return keeps it).

    Refused (422 "evaluation.dossier_incomplete", one error per item) while a required item of
    the dossier checklist has no current document."""
    app = _locked(application)
    require(actor, policies.can_submit_application, app)
    fields = ["submitted_at"]
    if app.status == ApplicationStatus.DRAFT and app.ruleset_id is None:
        today = clock.today()
        try:
            app.ruleset = criteria_selectors.ruleset_for(
                product_set=app.product.product_set, on=today
            )
        except NoRuleSet:
            raise NoRuleSetForProduct(
                product_set=app.product.product_set.code, on=today.strftime("%d/%m/%Y")
            ) from None
        fields.append("ruleset")
    if app.status == ApplicationStatus.DRAFT:
        dossier.require_complete(app)
    app.submitted_at = clock.now()
    return _move(actor=actor, application=app, verb="submit", reason=note, fields=fields)


@transaction.atomic
def application_return(*, actor: Actor, application: Application, reason: str) -> Application:
    """Return a submitted dossier to the producer for changes; the reason is required."""
    app = _locked(application)
    if not (reason or "").strip():
        raise ApplicationInvalid.from_dict({"reason": [_("Nêu lý do trả lại hồ sơ.")]})
    return _move(actor=actor, application=app, verb="return", reason=reason.strip())


@transaction.atomic
def application_pre_assess(
    *,
    actor: Actor,
    application: Application,
    answers: dict[str, dict[str, Any]],
    conclusion: str,
    report: Any = None,
) -> Application:
    """The commune's pre-assessment (two-tier variant): one answer {"met": bool, "note": str}
    per criterion of the round's variant, a conclusion and the signed commune report (required:
    PDF, JPEG or PNG, type sniffed from the content; stored with its SHA-256)."""
    app = _locked(application)
    codes = variants.criteria_codes(app.round.process_variant)
    errors: dict[str, list[str]] = {}
    for code in codes:
        answer = (answers or {}).get(code)
        if not isinstance(answer, dict) or not isinstance(answer.get("met"), bool):
            errors.setdefault(code, []).append(_("Đánh giá đạt hoặc không đạt cho nội dung này."))
    for code in set(answers or {}) - set(codes):
        errors.setdefault(code, []).append(_("Nội dung không thuộc quy trình của đợt."))
    if not (conclusion or "").strip():
        errors.setdefault("conclusion", []).append(_("Nhập kết luận sơ đánh giá."))
    if report is None:
        errors.setdefault("report", []).append(
            _("Tải lên báo cáo sơ đánh giá có chữ ký của UBND xã (PDF, JPEG hoặc PNG).")
        )
    if errors:
        raise ApplicationInvalid.from_dict(errors)
    checked = check_upload(report, allowed=REPORT_TYPES, field="report")
    _move(actor=actor, application=app, verb="pre_assess", reason=conclusion.strip())
    stored = default_storage.save(upload_path("pre-assessments", checked.extension), report)
    PreAssessment.objects.update_or_create(
        application=app,
        defaults={
            "answers": {
                code: {
                    "met": answers[code]["met"],
                    "note": str(answers[code].get("note") or "")[:2000],
                }
                for code in codes
            },
            "conclusion": conclusion.strip(),
            "report_file": stored,
            "report_sha256": checked.sha256,
            "signed_by_id": actor.user_id,
            "signed_at": clock.now(),
        },
    )
    return app


@transaction.atomic
def application_transition(
    *, actor: Actor, application: Application, verb: str, reason: str = ""
) -> Application:
    """Any other move of the workflow (withdraw, resubmit, forward, schedule,
    recognise, not_recognise, propose_national, decide, lower_recognise, lower_reject)."""
    if verb in DEDICATED_VERBS:
        raise UseDedicatedService(verb=verb)
    app = _locked(application)
    if verb == "resubmit" and app.status == ApplicationStatus.RETURNED:
        require(actor, policies.can_submit_application, app)
        dossier.require_complete(app)
    return _move(actor=actor, application=app, verb=verb, reason=reason)


@transaction.atomic
def application_lower_score(
    *, actor: Actor, application: Application, score: Decimal, note: str = ""
) -> Application:
    """Record the district council's score (legacy three-tier variants) and move on."""
    app = _locked(application)
    value = Decimal(str(score))
    if app.ruleset is not None and not Decimal(0) <= value <= app.ruleset.scale_total:
        raise ApplicationInvalid.from_dict({"score": [_("Điểm nằm ngoài thang điểm.")]})
    app.lower_tier_score = value.quantize(STORED, rounding=ROUND_DOWN)
    return _move(
        actor=actor, application=app, verb="lower_score", reason=note, fields=["lower_tier_score"]
    )


@transaction.atomic
def application_score(
    *, actor: Actor, application: Application, totals: Iterable[Decimal], note: str = ""
) -> Application:
    """Close the council's scoring: score = mean of the members' totals, stars = the band of the
    pinned rule set containing the exact (unrounded) mean."""
    app = _locked(application)
    values = [Decimal(str(t)) for t in totals]
    if not values:
        raise ApplicationInvalid.from_dict({"totals": [_("Chưa có phiếu chấm điểm nào.")]})
    if app.ruleset is None:
        raise ApplicationInvalid.from_dict({"ruleset": [_("Hồ sơ chưa gắn bộ tiêu chí.")]})
    if any(not Decimal(0) <= v <= app.ruleset.scale_total for v in values):
        raise ApplicationInvalid.from_dict({"totals": [_("Có tổng điểm nằm ngoài thang điểm.")]})
    mean = scoring.mean_total(values)
    app.stars = scoring.stars_for(app.ruleset, mean)
    app.score = mean.quantize(STORED_MEAN, rounding=ROUND_DOWN)
    return _move(actor=actor, application=app, verb="score", reason=note, fields=["score", "stars"])
