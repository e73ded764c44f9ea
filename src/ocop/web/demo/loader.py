"""Load the demonstration data set (demo/data.yaml) through the real services, idempotently.

Every record is created by the services a user would call (so validation, scoping and audit apply),
acting as the system actor "demo", and flagged `is_demo`. Existing records (same username, same
producer name, same product name under its producer) are left untouched, so a second run changes
nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from ocop.accounts import services as account_services
from ocop.accounts.models import User
from ocop.core.actor import Actor
from ocop.geo.models import Commune, Province
from ocop.producers import services as producer_services
from ocop.producers.models import Producer
from ocop.producers.validators import tax_code_check_digit
from ocop.products import services as product_services
from ocop.products.models import Product, ProductSet

DATA_FILE = Path(__file__).with_name("data.yaml")
ACTOR = Actor.system("demo")


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


def load_data() -> dict[str, Any]:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


def demo_tax_code(index: int) -> str:
    """A fictitious tax code with a correct check digit (prefix 99 marks demo data)."""
    serial = 9_900_000_00 + index * 37
    while True:
        first_nine = f"{serial:09d}"[-9:]
        digit = tax_code_check_digit(first_nine)
        if digit is not None:
            return f"{first_nine}{digit}"
        serial += 1


@transaction.atomic
def load_demo() -> DemoReport:
    data = load_data()
    report = DemoReport()
    producers = _load_producers(data["producers"], report)
    _load_users(data["users"], data["password"], producers, report)
    # Later stages of the programme, each in its own module, in dependency order.
    from ocop.web.demo import certificates, evaluation, stamps

    for section in (evaluation, certificates, stamps):
        section.load(report)
    return report


def _load_producers(rows: list[dict[str, Any]], report: DemoReport) -> dict[str, Producer]:
    out: dict[str, Producer] = {}
    for index, row in enumerate(rows, start=1):
        producer = Producer.objects.filter(name=row["name"], is_demo=True).first()
        if producer is None:
            producer = producer_services.producer_create(
                actor=ACTOR,
                kind=row["kind"],
                name=row["name"],
                representative=row["representative"],
                representative_title=row.get("representative_title", ""),
                legacy_address=row.get("legacy_address", ""),
                tax_code=demo_tax_code(index),
                phone=f"0235{3800000 + index:07d}",
                founded_year=row.get("founded_year"),
                members_count=row.get("members_count"),
                employees_count=row.get("employees_count"),
                women_owned=row.get("women_owned", False),
                ethnic_minority_owned=row.get("ethnic_minority_owned", False),
                note="Dữ liệu trình diễn",
                is_demo=True,
            )
            report.count("producers")
            for cert in row.get("certifications", []):
                producer_services.certification_add(actor=ACTOR, producer=producer, **cert)
                report.count("certifications")
        out[producer.name] = producer
        for prow in row.get("products", []):
            _load_product(producer, prow, report)
    return out


def _load_product(producer: Producer, row: dict[str, Any], report: DemoReport) -> None:
    if Product.objects.filter(producer=producer, name=row["name"]).exists():
        return
    registered_on = row["registered_on"]
    if isinstance(registered_on, str):
        registered_on = dt.date.fromisoformat(registered_on)
    product = product_services.product_create(
        actor=ACTOR,
        producer=producer,
        name=row["name"],
        product_set=ProductSet.objects.get(code=row["product_set"]),
        registered_on=registered_on,
        is_demo=True,
    )
    step = row.get("cycle_step")
    if step and step != product.cycle_step:
        product_services.product_set_cycle_step(actor=ACTOR, product=product, cycle_step=step)
    report.count("products")


def _load_users(
    rows: list[dict[str, Any]], password: str, producers: dict[str, Producer], report: DemoReport
) -> None:
    for row in rows:
        role = row["role"]
        province = Province.objects.get(code=row["province"]) if row.get("province") else None
        commune = Commune.objects.get(code=row["commune"]) if row.get("commune") else None
        user = User.objects.filter(username=row["username"]).first()
        if user is None:
            user = account_services.user_create(
                actor=ACTOR,
                username=row["username"],
                password=password,
                full_name=row["full_name"],
                email=f"{row['username']}@demo.ocop.invalid",
                title=row.get("title", ""),
                organisation=row.get("organisation", ""),
                role=role,
                province=province,
                commune=commune,
                note="Tài khoản trình diễn",
            )
            report.count("users")
            if row.get("producer"):
                producer_services.representative_link(
                    actor=ACTOR, producer=producers[row["producer"]], user=user
                )
        unit = (commune or province or "").__str__()
        report.logins.append((row["username"], password, f"{role} {unit}".strip()))
