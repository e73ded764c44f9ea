import datetime as dt

import factory

from ocop.accounts.tests.factories import UserFactory
from ocop.core.text import fold
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers.constants import CertificationKind, ProducerDocumentKind, ProducerKind
from ocop.producers.models import (
    Certification,
    Producer,
    ProducerDocument,
    ProducerRepresentative,
)
from ocop.producers.validators import tax_code_check_digit


def valid_tax_code(n: int) -> str:
    """The n-th of a series of distinct tax codes with a correct check digit."""
    sequence = n * 7919 + 1
    while True:
        base = f"{10 + sequence // 10_000_000 % 90:02d}{sequence % 10_000_000:07d}"
        check = tax_code_check_digit(base)
        if check is not None and base[2:] != "0000000":
            return f"{base}{check}"
        sequence += 1


def _tax_code(n: int) -> str:
    """Kept for callers of the first factory version; now returns a valid code."""
    return valid_tax_code(n)


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    kind = ProducerKind.COOPERATIVE
    name = factory.Sequence(lambda n: f"Hợp tác xã Thử Nghiệm {n}")
    name_search = factory.LazyAttribute(lambda o: fold(o.name))
    tax_code = None
    representative = "Người Đại Diện"
    commune = factory.SubFactory(CommuneFactory)
    province = factory.LazyAttribute(lambda o: o.commune.province)
    address_detail = "Thôn 1"

    class Params:
        with_tax_code = factory.Trait(tax_code=factory.Sequence(valid_tax_code))


class ProducerRepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProducerRepresentative

    producer = factory.SubFactory(ProducerFactory)
    user = factory.SubFactory(UserFactory)


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    producer = factory.SubFactory(ProducerFactory)
    kind = CertificationKind.VIETGAP
    number = factory.Sequence(lambda n: f"VG-{n:05d}")
    issuer = "Tổ chức chứng nhận Thử Nghiệm"
    scope = "Chè búp tươi"
    valid_from = dt.date(2025, 1, 1)
    valid_to = dt.date(2028, 1, 1)


class ProducerDocumentFactory(factory.django.DjangoModelFactory):
    """A document row; the file content is a tiny PDF stored through the default storage."""

    class Meta:
        model = ProducerDocument

    producer = factory.SubFactory(ProducerFactory)
    kind = ProducerDocumentKind.BUSINESS_REGISTRATION
    title = factory.Sequence(lambda n: f"Tài liệu {n}")
    file = factory.django.FileField(filename="tai-lieu.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "tai-lieu.pdf"
    content_type = "application/pdf"
    size = 15
    sha256 = "0" * 64
    version = 1
    uploaded_at = factory.LazyFunction(lambda: dt.datetime(2025, 8, 1, 9, 0, tzinfo=dt.UTC))
