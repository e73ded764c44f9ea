"""The application state machine. Only `APPLICATION.apply()` assigns Application.status.

    draft ─submit→ submitted ─return→ returned ─resubmit→ submitted
    submitted ─pre_assess→ pre_assessed                      (two-tier: commune, QĐ 1489)
    submitted ─lower_score→ lower_scored ─forward→ forwarded (three-tier: district council)
    lower_scored ─lower_recognise→ recognised                (district recognises, QĐ 148: 3★)
    lower_scored ─lower_reject→ not_recognised               (not forwarded)
    pre_assessed | forwarded ─schedule→ scheduled ─score→ scored
    scored ─recognise→ recognised | ─not_recognise→ not_recognised | ─propose_national→ proposed_national
    recognised | not_recognised | proposed_national ─decide→ decided
    draft | submitted | returned ─withdraw→ withdrawn

Which branch applies is the round's process variant (guards read evaluation.variants); star levels
and the national threshold come from the application's pinned rule set. Services store the
StatusChange row and the audit entry for each move.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ocop.core import clock
from ocop.core.workflow import StateMachine, T
from ocop.evaluation import policies, variants
from ocop.evaluation.constants import ApplicationStatus as S
from ocop.evaluation.constants import Level, RoundStatus
from ocop.evaluation.models import Application


def _variant(app: Application):
    return app.round.process_variant


def _stars_of(app: Application, score: Decimal | None) -> int | None:
    if score is None or app.ruleset is None:
        return None
    return app.ruleset.star_for(score).stars


# --- guards: None when satisfied, else the reason --------------------------------------------
def round_accepting(app: Application):
    rnd = app.round
    if rnd.status != RoundStatus.OPEN:
        return _("Đợt đánh giá không còn nhận hồ sơ.")
    today = clock.today()
    if not rnd.registration_opens <= today <= rnd.registration_cutoff:
        return _("Ngoài thời hạn nhận hồ sơ của đợt đánh giá.")
    return None


def two_tier(app: Application):
    if not variants.is_two_tier(_variant(app)):
        return _("Quy trình của đợt này không có bước sơ đánh giá cấp xã.")
    return None


def three_tier(app: Application):
    if not variants.has_lower_tier(_variant(app)):
        return _("Quy trình của đợt này không có bước chấm điểm cấp huyện.")
    return None


def lower_score_recorded(app: Application):
    if app.lower_tier_score is None:
        return _("Chưa có điểm của hội đồng cấp huyện.")
    return None


def forward_allowed(app: Application):
    variant = _variant(app)
    if not variants.does(variant, Level.DISTRICT, "forward"):
        return _("Quy trình của đợt này không chuyển hồ sơ từ huyện lên tỉnh.")
    threshold = variant.forward_min_score
    if threshold is not None and (app.lower_tier_score or Decimal(0)) < threshold:
        return _("Điểm cấp huyện thấp hơn ngưỡng chuyển lên tỉnh.")
    return None


def district_recognises(app: Application):
    if not variants.recognises(_variant(app), Level.DISTRICT, _stars_of(app, app.lower_tier_score)):
        return _("Cấp huyện không công nhận hạng sao này theo quy trình của đợt.")
    return None


def score_recorded(app: Application):
    if app.score is None or app.stars is None:
        return _("Chưa có điểm trung bình và hạng sao của hội đồng.")
    return None


def province_recognises(app: Application):
    if app.ruleset is None or not app.ruleset.is_certifiable(app.stars or 0):
        return _("Hạng sao này không đủ điều kiện công nhận.")
    if not variants.recognises(_variant(app), Level.PROVINCE, app.stars):
        return _("Cấp tỉnh không công nhận hạng sao này theo quy trình của đợt.")
    return None


def reaches_national(app: Application):
    if not variants.does(_variant(app), Level.PROVINCE, "propose_national"):
        return _("Quy trình của đợt này không đề nghị Trung ương.")
    threshold = app.ruleset.national_threshold if app.ruleset else None
    if threshold is None or app.score is None or app.score < threshold:
        return _("Điểm chưa đạt ngưỡng đề nghị Trung ương đánh giá 5 sao.")
    return None


FINAL_RESULTS = {S.RECOGNISED, S.NOT_RECOGNISED, S.PROPOSED_NATIONAL}
SUBMIT = policies.can_submit_application
MANAGE = policies.can_manage_application

APPLICATION = StateMachine(
    field_name="status",
    state_labels=lambda s: S(s).label,
    error_code="evaluation.invalid_transition",
    transitions=[
        T(
            "submit",
            source={S.DRAFT},
            target=S.SUBMITTED,
            policy=SUBMIT,
            guards=[round_accepting],
            label=_("Nộp hồ sơ"),
        ),
        T(
            "return",
            source={S.SUBMITTED},
            target=S.RETURNED,
            policy=policies.can_return_application,
            label=_("Trả lại hồ sơ"),
        ),
        T(
            "resubmit",
            source={S.RETURNED},
            target=S.SUBMITTED,
            policy=SUBMIT,
            label=_("Nộp lại hồ sơ"),
        ),
        T(
            "pre_assess",
            source={S.SUBMITTED},
            target=S.PRE_ASSESSED,
            policy=policies.can_pre_assess_application,
            guards=[two_tier],
            label=_("Sơ đánh giá cấp xã"),
        ),
        T(
            "lower_score",
            source={S.SUBMITTED},
            target=S.LOWER_SCORED,
            policy=MANAGE,
            guards=[three_tier, lower_score_recorded],
            label=_("Ghi điểm cấp huyện"),
        ),
        T(
            "forward",
            source={S.LOWER_SCORED},
            target=S.FORWARDED,
            policy=MANAGE,
            guards=[forward_allowed],
            label=_("Chuyển lên tỉnh"),
        ),
        T(
            "lower_recognise",
            source={S.LOWER_SCORED},
            target=S.RECOGNISED,
            policy=MANAGE,
            guards=[district_recognises],
            label=_("Cấp huyện công nhận"),
        ),
        T(
            "lower_reject",
            source={S.LOWER_SCORED},
            target=S.NOT_RECOGNISED,
            policy=MANAGE,
            label=_("Cấp huyện không công nhận"),
        ),
        T(
            "schedule",
            source={S.PRE_ASSESSED, S.FORWARDED},
            target=S.SCHEDULED,
            policy=MANAGE,
            label=_("Xếp lịch hội đồng"),
        ),
        T(
            "score",
            source={S.SCHEDULED},
            target=S.SCORED,
            policy=MANAGE,
            guards=[score_recorded],
            label=_("Chốt điểm hội đồng"),
        ),
        T(
            "recognise",
            source={S.SCORED},
            target=S.RECOGNISED,
            policy=MANAGE,
            guards=[province_recognises],
            label=_("Đề nghị công nhận"),
        ),
        T(
            "not_recognise",
            source={S.SCORED},
            target=S.NOT_RECOGNISED,
            policy=MANAGE,
            label=_("Không công nhận"),
        ),
        T(
            "propose_national",
            source={S.SCORED},
            target=S.PROPOSED_NATIONAL,
            policy=MANAGE,
            guards=[reaches_national],
            label=_("Đề nghị Trung ương"),
        ),
        T(
            "decide",
            source=FINAL_RESULTS,
            target=S.DECIDED,
            policy=MANAGE,
            label=_("Ghi nhận quyết định"),
        ),
        T(
            "withdraw",
            source={S.DRAFT, S.SUBMITTED, S.RETURNED},
            target=S.WITHDRAWN,
            policy=policies.can_withdraw_application,
            label=_("Rút hồ sơ"),
        ),
    ],
)
