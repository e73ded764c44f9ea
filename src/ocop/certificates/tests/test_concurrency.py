"""Certificate numbers stay unique and gapless when officers issue at the same moment."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.certificates import services
from ocop.certificates.models import Certificate
from ocop.certificates.tests.factories import DecisionFactory, recognised_application
from ocop.core import clock
from ocop.evaluation.tests.factories import RoundFactory, two_tier_ruleset
from ocop.geo.tests.factories import ProvinceFactory

PER_OFFICER = 5


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks across connections need PostgreSQL"
)
def test_two_officers_issuing_at_once_get_distinct_consecutive_numbers(transactional_db):
    province = ProvinceFactory()
    ruleset = two_tier_ruleset()
    decision = DecisionFactory(round=RoundFactory(province=province))
    apps = [
        recognised_application(decision=decision, ruleset=ruleset) for _ in range(2 * PER_OFFICER)
    ]
    officers = [
        actor_for(user_with_role(Role.PROVINCE_OFFICER, province=province)) for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def issue(actor, batch):
        try:
            barrier.wait()
            for app in batch:
                services.certificate_issue(actor=actor, application=app)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(officers[i], apps[i::2])) for i in range(2)]
    with clock.freeze(dt.date(2025, 12, 1)):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    rows = list(Certificate.objects.filter(province=province).values_list("sequence", "number"))
    assert sorted(seq for seq, _ in rows) == list(range(1, 2 * PER_OFFICER + 1))
    assert len({number for _, number in rows}) == 2 * PER_OFFICER
    assert Certificate.objects.filter(province=province).values(
        "application"
    ).distinct().count() == (2 * PER_OFFICER)


@pytest.mark.django_db
def test_a_rolled_back_issue_leaves_no_gap(province, officer_actor):
    ruleset = two_tier_ruleset()
    decision = DecisionFactory(round=RoundFactory(province=province))
    first, second = (recognised_application(decision=decision, ruleset=ruleset) for _ in range(2))
    with clock.freeze(dt.date(2025, 12, 1)):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.certificate_issue(actor=officer_actor, application=first)
            raise RuntimeError("printing failed")
        a = services.certificate_issue(actor=officer_actor, application=second)
        b = services.certificate_issue(actor=officer_actor, application=first)
    assert (a.sequence, b.sequence) == (1, 2)
