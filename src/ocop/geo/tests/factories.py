"""Small synthetic administrative units for tests that do not need the real 3,321 communes."""

import datetime as dt

import factory

from ocop.core.text import fold
from ocop.geo import naming
from ocop.geo.models import Commune, Province

MAP_2025 = dt.date(2025, 7, 1)


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90 + n % 9}{n // 9}"[:4])
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    division_type = "tỉnh"
    codename = factory.LazyAttribute(lambda o: fold(o.name).replace(" ", "_"))
    name_search = factory.LazyAttribute(lambda o: fold(o.name))
    short_key = factory.LazyAttribute(lambda o: naming.short_key(o.name, o.division_type))
    valid_from = MAP_2025


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9{n:05d}"[:6])
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    division_type = "xã"
    province = factory.SubFactory(ProvinceFactory)
    codename = factory.LazyAttribute(lambda o: fold(o.name).replace(" ", "_"))
    name_search = factory.LazyAttribute(lambda o: fold(o.name))
    short_key = factory.LazyAttribute(lambda o: naming.short_key(o.name, o.division_type))
    valid_from = MAP_2025
