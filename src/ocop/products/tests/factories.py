"""Factories for the products app. Self-contained: `ProductFactory()` builds its producer, commune,
province and product set.

By default every product set belongs to one shared classification "QD148" (in force since
24/02/2023, open-ended), so products built today pass the service's classification check. Pass
`classification=ClassificationFactory(code="QD1048", ...)` for the old one.
"""

import datetime as dt

import factory

from ocop.core import clock
from ocop.core.text import fold
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.models import Classification, Product, ProductGroup, ProductSet, Sector

QD148_FROM = dt.date(2023, 2, 24)


class ClassificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classification
        django_get_or_create = ("code",)

    code = "QD148"
    legal_basis = "QĐ 148/QĐ-TTg (2023)"
    effective_from = QD148_FROM
    effective_to = None


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("classification", "code")

    classification = factory.SubFactory(ClassificationFactory)
    code = "I"
    name_vi = "Thực phẩm"
    name_en = "Food"


class ProductGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductGroup
        django_get_or_create = ("sector", "code")

    sector = factory.SubFactory(SectorFactory)
    code = factory.LazyAttribute(lambda o: f"{o.sector.code}.1")
    name_vi = "Thực phẩm chế biến"
    name_en = "Processed food"


class ProductSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductSet

    classification = factory.SubFactory(ClassificationFactory)
    group = factory.SubFactory(
        ProductGroupFactory, sector__classification=factory.SelfAttribute("...classification")
    )
    code = factory.Sequence(lambda n: f"TEST-{n:03d}")
    name_vi = factory.Sequence(lambda n: f"Bộ sản phẩm thử nghiệm {n}")
    name_en = factory.Sequence(lambda n: f"Test product set {n}")
    ministries = factory.LazyFunction(lambda: ["MARD"])


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    province = factory.LazyAttribute(lambda o: o.producer.province)
    commune = factory.LazyAttribute(lambda o: o.producer.commune)
    name = factory.Sequence(lambda n: f"Sản phẩm thử nghiệm {n}")
    name_search = factory.LazyAttribute(lambda o: fold(o.name))
    product_set = factory.SubFactory(ProductSetFactory)
    registered_on = factory.LazyFunction(clock.today)
