"""Test data for the evaluation app: process variants from the shipped file, rounds, applications.

`ApplicationFactory(status=...)` writes a state directly: only for setting up workflow tests.
`two_tier_ruleset()` loads a small synthetic full sheet in force from 01/07/2025 for one QD148
product set (the shipped QD1048 sheet covers 2019–2023 only).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from ocop.core import clock
from ocop.criteria.tests import factories as cf
from ocop.evaluation import dossier, variants
from ocop.evaluation.constants import ApplicationKind, Level, RoundStatus
from ocop.evaluation.models import Application, DossierDocument, ProcessVariant, Round
from ocop.geo.tests.factories import ProvinceFactory
from ocop.products.models import ProductSet
from ocop.products.tests.factories import ProductFactory

TWO_TIER = "QD1489-2025.two-tier"
QD148_THREE_TIER = "QD148-2023.three-tier"
QD1048_THREE_TIER = "QD1048-2019.three-tier"
TWO_TIER_SET = "QD148-02"
QD1048_SET = "QD1048-01"
TWO_TIER_DAY = dt.date(2025, 9, 15)
QD1048_DAY = dt.date(2021, 6, 15)
QD148_DAY = dt.date(2024, 6, 15)


def variant(code: str = TWO_TIER) -> ProcessVariant:
    found = ProcessVariant.objects.filter(code=code).first()
    if found is None:
        variants.load_variants()
        found = ProcessVariant.objects.get(code=code)
    return found


def product_set(code: str) -> ProductSet:
    if not ProductSet.objects.filter(code=code).exists():
        cf.load_product_sets()
    return ProductSet.objects.get(code=code)


def two_tier_ruleset(**overrides):
    """A synthetic scorable sheet (A/B/C synthetic) for TWO_TIER_SET, from 01/07/2025, open-ended."""
    product_set(TWO_TIER_SET)
    doc = cf.document(
        id="TEST.evaluation.two-tier",
        effective_from="2025-07-01",
        effective_to=None,
        applies_to={"classification": "QD148", "product_sets": [TWO_TIER_SET]},
    )
    doc.pop("effective_to")
    doc.update(overrides)
    outcome = cf.services.ruleset_import_yaml(
        actor=cf.system(), data=cf.to_bytes(doc), filename="two-tier.yaml", trusted=True
    )
    return outcome.ruleset


def qd1048_ruleset():
    product_set(QD1048_SET)
    return cf.load_file(cf.QD1048)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    province = factory.SubFactory(ProvinceFactory)
    level = Level.PROVINCE
    name = factory.Sequence(lambda n: f"Đợt đánh giá thử nghiệm {n}")
    year = 2025
    number = 1
    process_variant = factory.LazyFunction(variant)
    registration_opens = dt.date(2025, 7, 6)
    registration_cutoff = dt.date(2025, 12, 31)
    status = RoundStatus.OPEN
    divergence_threshold = Decimal("10")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    product = factory.SubFactory(ProductFactory)
    round = factory.LazyAttribute(lambda o: RoundFactory(province=o.product.province))
    producer = factory.LazyAttribute(lambda o: o.product.producer)
    province = factory.LazyAttribute(lambda o: o.product.province)
    commune = factory.LazyAttribute(lambda o: o.product.commune)
    kind = ApplicationKind.FIRST


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def complete_dossier(application: Application, *, required_only: bool = True) -> list:
    """Give every (required) checklist item of `application` a current document row, so that it
    can be submitted. Rows only (no stored file): for tests and setups that do not download."""
    existing = set(
        DossierDocument.objects.filter(application=application, is_current=True).values_list(
            "item", flat=True
        )
    )
    rows = [
        DossierDocument(
            application=application,
            item=item.code,
            title=item.label,
            file=f"dossiers/test/{application.pk}-{item.code}.pdf",
            original_name=f"{item.code}.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="0" * 64,
            uploaded_at=clock.now(),
        )
        for item in dossier.checklist_for(application)
        if (item.required or not required_only) and item.code not in existing
    ]
    return DossierDocument.objects.bulk_create(rows)
