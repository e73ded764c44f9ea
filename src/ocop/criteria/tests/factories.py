"""Test data for the criteria app.

Rule sets are built the way production builds them: from `ocop-criteria/v1` documents through the
loader and services. `document()` gives a small valid full sheet (synthetic points, not official
values) to vary one thing at a time; `load_product_sets()` loads the product classification.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import factory
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.core.actor import Actor
from ocop.criteria import loader, services
from ocop.products.models import Classification, ProductSet

FIXTURES = Path(__file__).resolve().parent / "fixtures"
INVALID_FIXTURE = FIXTURES / "INVALID-QD1048-2019.fresh-produce.a32-split.yaml"
QD1048 = loader.RULESETS_DIR / "QD1048-2019.fresh-produce.yaml"
SKELETON = loader.RULESETS_DIR / "QD148-2023.skeleton.yaml"
FRAGMENT = loader.RULESETS_DIR / "QD26-2026.fresh-produce.fragment.yaml"


class ClassificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classification
        django_get_or_create = ("code",)

    code = "QD1048"
    legal_basis = "QĐ 1048/QĐ-TTg (2019)"
    effective_from = factory.Faker("date_object")


class ProductSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductSet
        django_get_or_create = ("code",)

    classification = factory.SubFactory(ClassificationFactory)
    group = None
    code = factory.Sequence(lambda n: f"QD1048-{n:02d}")
    name_vi = factory.Sequence(lambda n: f"Bộ sản phẩm {n}")
    name_en = ""


def load_product_sets() -> None:
    """The real classification through the products app's loader; factories if it is missing."""
    try:
        call_command("taxonomy_load", stdout=io.StringIO())
    except CommandError:
        for cls_code, codes in loader.taxonomy_from_file().items():
            cls = ClassificationFactory(code=cls_code)
            for code in codes:
                ProductSetFactory(code=code, classification=cls)


def system() -> Actor:
    return Actor.system("tests")


def load_file(path: Path, *, actor: Actor | None = None):
    """Load a YAML rule set file as the shipped-files loader does (trusted, system actor)."""
    outcome = services.ruleset_import_yaml(
        actor=actor or system(), data=path.read_bytes(), filename=path.name, trusted=True
    )
    return outcome.ruleset


def read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def to_bytes(doc: dict[str, Any]) -> bytes:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")


def _criterion(code: str, points: list[int]) -> dict[str, Any]:
    return {
        "code": code,
        "name_vi": f"Tiêu chí {code}",
        "mandatory": "unknown",
        "options": [
            {"code": f"{code}.{chr(97 + i)}", "points": p, "label_vi": f"Mức {p}"}
            for i, p in enumerate(points)
        ],
    }


def document(**overrides: Any) -> dict[str, Any]:
    """A small valid full sheet for QD1048-02 (A 35 / B 25 / C 40 from synthetic criteria)."""
    doc: dict[str, Any] = {
        "schema": "ocop-criteria/v1",
        "id": "TEST.synthetic",
        "title_vi": "Bộ tiêu chí thử nghiệm",
        "legal_basis": {"instrument": "Văn bản thử nghiệm"},
        "effective_from": "2019-08-21",
        "effective_to": "2023-02-23",
        "applies_to": {"classification": "QD1048", "product_sets": ["QD1048-02"]},
        "verification": {"status": "unverified_transcription", "confidence": "low"},
        "scale": {"total_max": 100, "selection": "single_choice_per_criterion"},
        "parts": [
            {
                "code": "A",
                "name_vi": "Phần A",
                "max_points": 35,
                "sections": [
                    {
                        "code": "A1",
                        "name_vi": "Nhóm A1",
                        "max_points": 20,
                        "criteria": [_criterion("A1.1", [0, 10]), _criterion("A1.2", [0, 5, 10])],
                    },
                    {"code": "A2", "name_vi": "Nhóm A2", "criteria": [_criterion("A2.1", [1, 15])]},
                ],
            },
            {
                "code": "B",
                "name_vi": "Phần B",
                "max_points": 25,
                "sections": [
                    {"code": "B1", "name_vi": "Nhóm B1", "criteria": [_criterion("B1.1", [0, 25])]}
                ],
            },
            {
                "code": "C",
                "name_vi": "Phần C",
                "max_points": 40,
                "sections": [
                    {"code": "C1", "name_vi": "Nhóm C1", "criteria": [_criterion("C1.1", [0, 40])]}
                ],
            },
        ],
        "star_bands": [
            {"stars": 1, "min_inclusive": 0, "max_exclusive": 30, "certifiable": False},
            {"stars": 2, "min_inclusive": 30, "max_exclusive": 50, "certifiable": False},
            {"stars": 3, "min_inclusive": 50, "max_exclusive": 70, "certifiable": True},
            {"stars": 4, "min_inclusive": 70, "max_exclusive": 90, "certifiable": True},
            {
                "stars": 5,
                "min_inclusive": 90,
                "max_inclusive": 100,
                "certifiable": True,
                "national_level": True,
            },
        ],
        "recognition": {"certifiable_min_stars": 3, "certificate_validity_months": 36},
    }
    doc = copy.deepcopy(doc)
    doc.update(overrides)
    return doc
