import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.core.errors import NotFound, PermissionDenied
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers import selectors
from ocop.producers.constants import ProducerKind, ProducerStatus
from ocop.producers.tests.factories import (
    CertificationFactory,
    ProducerDocumentFactory,
    ProducerFactory,
)


def names(qs):
    return [p.name for p in qs]


def test_search_ignores_accents_and_case_and_matches_tax_codes(admin, commune):
    ProducerFactory(commune=commune, name="Hợp tác xã Chè Đồng Tâm", tax_code="0100233488")
    ProducerFactory(commune=commune, name="Cơ sở Mật ong Bản Đôn")
    assert names(selectors.producer_list(actor=admin, q="dong tam")) == ["Hợp tác xã Chè Đồng Tâm"]
    assert names(selectors.producer_list(actor=admin, q="ĐỒNG TÂM")) == ["Hợp tác xã Chè Đồng Tâm"]
    assert names(selectors.producer_list(actor=admin, q="0100 233")) == ["Hợp tác xã Chè Đồng Tâm"]
    assert names(selectors.producer_list(actor=admin, q="mat ong")) == ["Cơ sở Mật ong Bản Đôn"]


def test_filters_by_kind_status_province_and_commune(admin, commune, other_commune):
    a = ProducerFactory(commune=commune, kind=ProducerKind.HOUSEHOLD)
    b = ProducerFactory(commune=other_commune, status=ProducerStatus.SUSPENDED)
    assert list(selectors.producer_list(actor=admin, kind="hkd")) == [a]
    assert list(selectors.producer_list(actor=admin, status="suspended")) == [b]
    assert list(selectors.producer_list(actor=admin, province=commune.province.code)) == [a]
    assert list(selectors.producer_list(actor=admin, commune=other_commune)) == [b]
    assert list(selectors.producer_list(actor=admin, commune="nope")) == []


def test_lists_are_scoped_to_the_actor(commune_officer, province_officer, commune, province):
    mine = ProducerFactory(commune=commune)
    neighbour = ProducerFactory(commune=CommuneFactory(province=province))
    ProducerFactory()  # elsewhere
    assert list(selectors.producer_list(actor=commune_officer)) == [mine]
    assert set(selectors.producer_list(actor=province_officer)) == {mine, neighbour}


def test_roles_that_never_see_producers_are_refused_the_list(council_member):
    with pytest.raises(PermissionDenied):
        selectors.producer_list(actor=council_member)


def test_get_outside_scope_or_with_a_bad_id_is_not_found(commune_officer, other_commune):
    elsewhere = ProducerFactory(commune=other_commune)
    for public_id in (elsewhere.public_id, uuid.uuid4(), "not-a-uuid", None):
        with pytest.raises(NotFound):
            selectors.producer_get(actor=commune_officer, public_id=public_id)


def test_children_of_a_producer_out_of_scope_are_not_found(commune_officer, other_commune):
    elsewhere = ProducerFactory(commune=other_commune)
    cert = CertificationFactory(producer=elsewhere)
    with pytest.raises(NotFound):
        selectors.certification_list(actor=commune_officer, producer=elsewhere)
    with pytest.raises(NotFound):
        selectors.certification_get(
            actor=commune_officer, producer=elsewhere, public_id=cert.public_id
        )
    with pytest.raises(NotFound):
        selectors.producer_history(actor=commune_officer, producer=elsewhere)


def test_a_document_is_found_only_through_its_own_producer(admin, commune):
    producer, other = ProducerFactory(commune=commune), ProducerFactory(commune=commune)
    document = ProducerDocumentFactory(producer=producer)
    found = selectors.producer_document_get(
        actor=admin, producer=producer, public_id=document.public_id
    )
    assert found == document
    with pytest.raises(NotFound):
        selectors.producer_document_get(actor=admin, producer=other, public_id=document.public_id)


def _render_rows(actor):
    rows = selectors.producer_list(actor=actor)
    return [(p.name, p.province.name, p.commune.name, p.get_kind_display()) for p in rows]


@pytest.mark.parametrize("actor_fixture", ["admin", "province_officer"])
def test_the_list_query_count_does_not_grow_with_rows(request, actor_fixture, commune):
    actor = request.getfixturevalue(actor_fixture)
    ProducerFactory.create_batch(2, commune=commune)
    with CaptureQueriesContext(connection) as two:
        assert len(_render_rows(actor)) == 2
    ProducerFactory.create_batch(18, commune=CommuneFactory(province=commune.province))
    with CaptureQueriesContext(connection) as twenty:
        assert len(_render_rows(actor)) == 20
    assert len(two) == len(twenty) == 1


def test_a_linked_producer_lists_its_producers_in_one_query(producer_actor, producer, commune):
    ProducerFactory.create_batch(3, commune=commune)
    with CaptureQueriesContext(connection) as queries:
        assert _render_rows(producer_actor) == [
            (producer.name, commune.province.name, commune.name, producer.get_kind_display())
        ]
    assert len(queries) == 1
