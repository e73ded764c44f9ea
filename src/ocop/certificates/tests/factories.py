"""Test data for certificates. `CertificateFactory()` builds a valid 4★ provincial certificate
(with its product, producer, commune and province), numbered T-000001… valid from 01/03/2025 to 01/03/2028, with a
30-day notice window; events are set by passing `revoked_at=`, `suspended_at=`…"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from ocop.certificates.constants import CertificateLevel
from ocop.certificates.models import Certificate
from ocop.core import clock
from ocop.evaluation.constants import ApplicationStatus, Level, Outcome
from ocop.evaluation.models import Decision
from ocop.evaluation.tests.factories import ApplicationFactory, RoundFactory, two_tier_ruleset
from ocop.products.tests.factories import ProductFactory


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    product = factory.SubFactory(ProductFactory)
    producer = factory.LazyAttribute(lambda o: o.product.producer)
    province = factory.LazyAttribute(lambda o: o.product.province)
    commune = factory.LazyAttribute(lambda o: o.product.commune)
    year = factory.LazyAttribute(lambda o: o.valid_from.year)
    # Numbers outside the counter's pattern, so issued certificates never collide with them.
    sequence = None
    number = factory.Sequence(lambda n: f"T-{n + 1:06d}")
    stars = 4
    level = CertificateLevel.PROVINCE
    decision_number = factory.Sequence(lambda n: f"{n + 100}/QĐ-UBND")
    decision_date = dt.date(2025, 3, 1)
    decision_issuer = "Ủy ban nhân dân tỉnh"
    decision_signer = "Phó Chủ tịch"
    product_code = factory.LazyAttribute(
        lambda o: f"{o.province.code}-{o.commune.code}-{o.number[2:]}-{o.year}"
    )
    product_name = factory.LazyAttribute(lambda o: o.product.name)
    producer_name = factory.LazyAttribute(lambda o: o.producer.name)
    commune_name = factory.LazyAttribute(lambda o: o.commune.name)
    province_name = factory.LazyAttribute(lambda o: o.province.name)
    valid_from = factory.LazyAttribute(lambda o: o.decision_date)
    valid_until = factory.LazyAttribute(lambda o: clock.add_months(o.valid_from, 36))
    expiry_notice_days = 30
    expiring_from = factory.LazyAttribute(
        lambda o: Certificate.notice_window_start(o.valid_until, o.expiry_notice_days)
    )
    issued_at = factory.LazyFunction(clock.now)


class DecisionFactory(factory.django.DjangoModelFactory):
    """A recognition decision of a round (published unless `published_at=None`)."""

    class Meta:
        model = Decision

    round = factory.SubFactory(RoundFactory)
    number = factory.Sequence(lambda n: f"{n + 1}/QĐ-UBND")
    signed_on = dt.date(2025, 11, 20)
    signer = "Nguyễn Văn Ký"
    issuer = "Ủy ban nhân dân tỉnh"
    level = Level.PROVINCE
    published_at = factory.LazyFunction(clock.now)


def recognised_application(*, decision=None, stars: int = 4, ruleset=None, **kwargs):
    """An application the council recognised at `stars`, listed in a published decision, on the
    synthetic two-tier rule set (36 months, no notice rule → 30 days) unless `ruleset` is given."""
    fields = {
        "ruleset": ruleset or two_tier_ruleset(),
        "stars": stars,
        "score": Decimal("75.50"),
        "outcome": Outcome.RECOGNISED,
        "status": ApplicationStatus.DECIDED,
    }
    fields.update(kwargs)
    if decision is None:
        app = ApplicationFactory(**fields)
        app.decision = DecisionFactory(round=app.round)
        app.save(update_fields=["decision"])
        return app
    if "product" not in fields:
        fields["product"] = ProductFactory(producer__commune__province=decision.round.province)
    return ApplicationFactory(round=decision.round, decision=decision, **fields)
