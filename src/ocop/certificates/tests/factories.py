"""Test data for certificates. `CertificateFactory()` builds a valid 4★ provincial certificate
(with its product, producer, commune and province) valid from 01/03/2025 to 01/03/2028, with a
30-day notice window; events are set by passing `revoked_at=`, `suspended_at=`…"""

from __future__ import annotations

import datetime as dt

import factory

from ocop.certificates.constants import CertificateLevel
from ocop.certificates.models import Certificate
from ocop.core import clock
from ocop.products.tests.factories import ProductFactory


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    product = factory.SubFactory(ProductFactory)
    producer = factory.LazyAttribute(lambda o: o.product.producer)
    province = factory.LazyAttribute(lambda o: o.product.province)
    commune = factory.LazyAttribute(lambda o: o.product.commune)
    year = factory.LazyAttribute(lambda o: o.valid_from.year)
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"{o.province.code}-{o.year}-{o.sequence:04d}")
    stars = 4
    level = CertificateLevel.PROVINCE
    decision_number = factory.Sequence(lambda n: f"{n + 100}/QĐ-UBND")
    decision_date = dt.date(2025, 3, 1)
    decision_issuer = "Ủy ban nhân dân tỉnh"
    decision_signer = "Phó Chủ tịch"
    product_code = factory.LazyAttribute(
        lambda o: f"{o.province.code}-{o.commune.code}-{o.sequence:04d}-{o.year}"
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
