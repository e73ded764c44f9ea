"""Fixtures of the products tests: the loaded classifications, uploads under a temporary root,
actors per role bound to the shared `province`/`commune` fixtures."""

import io

import pytest
from PIL import Image

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.producers.tests.factories import ProducerFactory, ProducerRepresentativeFactory
from ocop.products.taxonomy import load_taxonomy


@pytest.fixture
def taxonomy(db):
    load_taxonomy()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def producer(commune):
    return ProducerFactory(commune=commune)


@pytest.fixture
def admin(db):
    return actor_for(user_with_role(Role.ADMIN))


@pytest.fixture
def province_officer(province):
    return actor_for(user_with_role(Role.PROVINCE_OFFICER, province=province))


@pytest.fixture
def commune_officer(commune):
    return actor_for(user_with_role(Role.COMMUNE_OFFICER, commune=commune))


@pytest.fixture
def inspector(province):
    return actor_for(user_with_role(Role.INSPECTOR, province=province))


@pytest.fixture
def council_member(province):
    return actor_for(user_with_role(Role.COUNCIL_MEMBER, province=province))


@pytest.fixture
def producer_user(producer):
    user = user_with_role(Role.PRODUCER)
    ProducerRepresentativeFactory(producer=producer, user=user)
    return actor_for(user)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
