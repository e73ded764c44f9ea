"""The application state machine: every verb from every state, and the variant guards."""

from decimal import Decimal

import pytest

from ocop.core.actor import Actor
from ocop.core.errors import InvalidTransition
from ocop.core.workflow import GuardFailed
from ocop.evaluation.constants import ApplicationStatus as S
from ocop.evaluation.constants import RoundStatus
from ocop.evaluation.tests import factories as f
from ocop.evaluation.workflow import APPLICATION

SYSTEM = Actor.system("tests")

# The table the guide describes, written out independently of workflow.py.
EXPECTED = {
    "submit": ({S.DRAFT}, S.SUBMITTED),
    "return": ({S.SUBMITTED}, S.RETURNED),
    "resubmit": ({S.RETURNED}, S.SUBMITTED),
    "pre_assess": ({S.SUBMITTED}, S.PRE_ASSESSED),
    "lower_score": ({S.SUBMITTED}, S.LOWER_SCORED),
    "forward": ({S.LOWER_SCORED}, S.FORWARDED),
    "lower_recognise": ({S.LOWER_SCORED}, S.RECOGNISED),
    "lower_reject": ({S.LOWER_SCORED}, S.NOT_RECOGNISED),
    "schedule": ({S.PRE_ASSESSED, S.FORWARDED}, S.SCHEDULED),
    "score": ({S.SCHEDULED}, S.SCORED),
    "recognise": ({S.SCORED}, S.RECOGNISED),
    "not_recognise": ({S.SCORED}, S.NOT_RECOGNISED),
    "propose_national": ({S.SCORED}, S.PROPOSED_NATIONAL),
    "decide": ({S.RECOGNISED, S.NOT_RECOGNISED, S.PROPOSED_NATIONAL}, S.DECIDED),
    "withdraw": ({S.DRAFT, S.SUBMITTED, S.RETURNED}, S.WITHDRAWN),
}

# A context in which each verb's guards hold: (variant, application fields).
CONTEXT = {
    "pre_assess": (f.TWO_TIER, {}),
    "lower_score": (f.QD1048_THREE_TIER, {"lower_tier_score": Decimal(60)}),
    "forward": (f.QD1048_THREE_TIER, {"lower_tier_score": Decimal(60)}),
    "lower_recognise": (f.QD148_THREE_TIER, {"lower_tier_score": Decimal(60)}),
    "lower_reject": (f.QD148_THREE_TIER, {"lower_tier_score": Decimal(40)}),
    "score": (f.TWO_TIER, {"score": Decimal(75), "stars": 4}),
    "recognise": (f.TWO_TIER, {"score": Decimal(75), "stars": 4}),
    "propose_national": (f.TWO_TIER, {"score": Decimal(95), "stars": 5}),
}


def test_the_machine_declares_exactly_the_expected_verbs():
    assert set(APPLICATION.verbs) == set(EXPECTED)


def _app(ruleset, variant_code, status, **fields):
    rnd = f.RoundFactory(process_variant=f.variant(variant_code))
    product = f.ProductFactory(producer__commune__province=rnd.province)
    return f.ApplicationFactory(
        round=rnd, product=product, status=status, ruleset=ruleset, **fields
    )


@pytest.mark.parametrize("verb", sorted(EXPECTED))
def test_every_verb_from_every_state(verb, two_tier_ruleset, today):
    sources, target = EXPECTED[verb]
    variant_code, fields = CONTEXT.get(verb, (f.TWO_TIER, {}))
    for state in S.values:
        app = _app(two_tier_ruleset, variant_code, state, **fields)
        if state in sources:
            applied = APPLICATION.apply(app, verb, actor=SYSTEM)
            assert (applied.old, applied.new, app.status) == (state, target, target)
        else:
            with pytest.raises(InvalidTransition) as err:
                APPLICATION.apply(app, verb, actor=SYSTEM)
            assert err.value.code == "evaluation.invalid_transition"
            assert err.value.status == 409
            assert app.status == state


def test_an_unknown_verb_is_an_invalid_transition(two_tier_ruleset):
    app = _app(two_tier_ruleset, f.TWO_TIER, S.DRAFT)
    with pytest.raises(InvalidTransition):
        APPLICATION.apply(app, "approve_everything", actor=SYSTEM)


def _refused(app, verb):
    with pytest.raises(GuardFailed):
        APPLICATION.apply(app, verb, actor=SYSTEM)


@pytest.mark.usefixtures("today")
def test_variant_guards(two_tier_ruleset):
    rs = two_tier_ruleset
    # Commune pre-assessment exists only in the two-tier process; district scoring only in three.
    _refused(_app(rs, f.QD1048_THREE_TIER, S.SUBMITTED), "pre_assess")
    _refused(_app(rs, f.TWO_TIER, S.SUBMITTED, lower_tier_score=Decimal(60)), "lower_score")
    _refused(_app(rs, f.QD1048_THREE_TIER, S.SUBMITTED), "lower_score")  # no district score yet
    # QĐ 1048 forwards from 50 (inclusive); QĐ 148 names no threshold.
    _refused(
        _app(rs, f.QD1048_THREE_TIER, S.LOWER_SCORED, lower_tier_score=Decimal("49.99")), "forward"
    )
    app = _app(rs, f.QD1048_THREE_TIER, S.LOWER_SCORED, lower_tier_score=Decimal(50))
    assert APPLICATION.apply(app, "forward", actor=SYSTEM).new == S.FORWARDED
    app = _app(rs, f.QD148_THREE_TIER, S.LOWER_SCORED, lower_tier_score=Decimal(20))
    assert APPLICATION.apply(app, "forward", actor=SYSTEM).new == S.FORWARDED
    # Districts recognise 3★ under QĐ 148 only.
    _refused(
        _app(rs, f.QD1048_THREE_TIER, S.LOWER_SCORED, lower_tier_score=Decimal(60)),
        "lower_recognise",
    )
    _refused(
        _app(rs, f.QD148_THREE_TIER, S.LOWER_SCORED, lower_tier_score=Decimal(75)),
        "lower_recognise",
    )
    # The province recognises certifiable stars its tier names; 5★ goes to the centre.
    for stars, score in ((2, Decimal(45)), (5, Decimal(95))):
        _refused(_app(rs, f.TWO_TIER, S.SCORED, stars=stars, score=score), "recognise")
    app = _app(rs, f.QD148_THREE_TIER, S.SCORED, stars=3, score=Decimal(60))
    _refused(app, "recognise")  # QĐ 148: 3★ was the district's
    _refused(_app(rs, f.TWO_TIER, S.SCORED, stars=4, score=Decimal("89.99")), "propose_national")
    app = _app(rs, f.TWO_TIER, S.SCORED, stars=5, score=Decimal(90))
    assert APPLICATION.apply(app, "propose_national", actor=SYSTEM).new == S.PROPOSED_NATIONAL
    _refused(_app(rs, f.TWO_TIER, S.SCHEDULED), "score")  # no score yet


def test_submission_needs_an_open_round_inside_its_window(two_tier_ruleset):
    from ocop.core import clock

    app = _app(two_tier_ruleset, f.TWO_TIER, S.DRAFT)
    with clock.freeze(app.round.registration_cutoff.replace(year=2026)):
        _refused(app, "submit")
    with clock.freeze(f.TWO_TIER_DAY):
        app.round.status = RoundStatus.REVIEW
        _refused(app, "submit")
        app.round.status = RoundStatus.OPEN
        assert APPLICATION.apply(app, "submit", actor=SYSTEM).new == S.SUBMITTED
