"""Seed check: cumulative recognised vs currently valid comes from the certificates."""

import datetime as dt

import pytest

from ocop.certificates import selectors
from ocop.certificates.models import Certificate
from ocop.certificates.tests.factories import CertificateFactory
from ocop.core import clock
from ocop.core.actor import Actor
from ocop.products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 5, 13)


def test_337_recognised_to_date_and_235_currently_valid(province, officer_actor, other_province):
    products = ProductFactory.create_batch(337, producer__commune__province=province)
    rows = []
    for i, product in enumerate(products):
        fields = {"decision_date": dt.date(2023, 6, 1)}
        if i < 80:  # lapsed: decided in 2020, 36 months over
            fields["decision_date"] = dt.date(2020, 6, 1)
        elif i < 102:  # revoked last year
            fields["revoked_at"] = dt.datetime(2023, 11, 2, 10, tzinfo=clock.LOCAL_TZ)
        rows.append(CertificateFactory.build(product=product, **fields))
    # A re-recognised product counts once: its old certificate is superseded by a valid one.
    old = CertificateFactory.build(
        product=products[-1],
        decision_date=dt.date(2021, 1, 10),
        superseded_at=dt.datetime(2023, 6, 1, 9, tzinfo=clock.LOCAL_TZ),
    )
    Certificate.objects.bulk_create([*rows, old])
    CertificateFactory(product__producer__commune__province=other_province)  # not counted

    counts = selectors.province_certificate_counts(actor=officer_actor, province=province, on=TODAY)
    assert (counts.recognised, counts.valid, counts.not_valid) == (337, 235, 102)
    assert counts.certificates == 338
    with clock.freeze(TODAY):
        by_status = selectors.certificate_status_counts(
            actor=Actor.system(), qs=Certificate.objects.filter(province=province)
        )
    assert by_status["valid"] == 235
    assert by_status["expired"] == 80
    assert by_status["revoked"] == 22
    assert by_status["superseded"] == 1
