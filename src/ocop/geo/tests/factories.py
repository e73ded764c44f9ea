"""Small synthetic administrative units for tests that do not need the real 3,321 communes."""

import datetime as dt

import factory

from ocop.core.text import fold
from ocop.geo import naming
from ocop.geo.models import Commune, Province

MAP_2025 = dt.date(2025, 7, 1)
_LETTERS = "ABCDEGHKLMNPQRSTVXY"
_DIGITS36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def unit_word(n: int) -> str:
    """A distinct letter word per sequence number (1 -> "B", 20 -> "BB"): real unit names carry no
    long numbers, and the address reader treats a 4-digit number as a house number."""
    word = ""
    while True:
        n, rest = divmod(n, len(_LETTERS))
        word = _LETTERS[rest] + word
        if n == 0:
            return word.capitalize()


def synthetic_code(n: int, width: int) -> str:
    """A unique code outside the official numeric ones (they are all digits)."""
    body = ""
    while n:
        n, rest = divmod(n, 36)
        body = _DIGITS36[rest] + body
    return "Z" + body.rjust(width - 1, "0")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: synthetic_code(n, 4))
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {unit_word(n)}")
    division_type = "tỉnh"
    codename = factory.LazyAttribute(lambda o: fold(o.name).replace(" ", "_"))
    name_search = factory.LazyAttribute(lambda o: fold(o.name))
    short_key = factory.LazyAttribute(lambda o: naming.short_key(o.name, o.division_type))
    valid_from = MAP_2025


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: synthetic_code(n, 6))
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {unit_word(n)}")
    division_type = "xã"
    province = factory.SubFactory(ProvinceFactory)
    codename = factory.LazyAttribute(lambda o: fold(o.name).replace(" ", "_"))
    name_search = factory.LazyAttribute(lambda o: fold(o.name))
    short_key = factory.LazyAttribute(lambda o: naming.short_key(o.name, o.division_type))
    valid_from = MAP_2025
