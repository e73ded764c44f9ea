import factory

from ocop.core.text import fold
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers.constants import ProducerKind
from ocop.producers.models import Producer, ProducerRepresentative


def _tax_code(n: int) -> str:
    """A syntactically valid 10-digit tax code (validity of the check digit is the validator's job)."""
    return f"{4000000000 + n * 7919:010d}"[:10]


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


class ProducerRepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProducerRepresentative

    producer = factory.SubFactory(ProducerFactory)
