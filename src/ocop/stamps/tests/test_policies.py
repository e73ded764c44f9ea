"""Who may do what with stamp batches (deny by default), and the scoped list."""

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.core.actor import Actor
from ocop.stamps import policies
from ocop.stamps.models_register import StampBatch
from ocop.stamps.tests.factories import StampBatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(certificate):
    return StampBatchFactory(certificate_obj=certificate)


def test_the_producer_acts_on_its_own_batches_but_cannot_decide_or_void(producer_actor, batch):
    assert policies.can_view_batch(producer_actor, batch)
    assert policies.can_request_batch(producer_actor, batch.product)
    assert policies.can_activate_batch(producer_actor, batch)
    assert policies.can_return_stamps(producer_actor, batch)
    assert policies.can_print_batch(producer_actor, batch)
    assert not policies.can_decide_batch(producer_actor, batch)
    assert not policies.can_void_stamps(producer_actor, batch)


def test_the_province_officer_decides_and_voids_but_does_not_activate(officer, batch):
    assert policies.can_decide_batch(officer, batch)
    assert policies.can_void_stamps(officer, batch)
    assert not policies.can_activate_batch(officer, batch)
    assert not policies.can_request_batch(officer, batch.product)


def test_officers_of_another_province_and_other_roles_get_nothing(other_officer, batch, product):
    commune_officer = actor_for(user_with_role(Role.COMMUNE_OFFICER, commune=product.commune))
    inspector = actor_for(user_with_role(Role.INSPECTOR, province=product.province))
    for actor in (other_officer, commune_officer, Actor.anonymous()):
        assert not policies.can_view_batch(actor, batch)
        assert not policies.can_decide_batch(actor, batch)
        assert not policies.can_print_batch(actor, batch)
    assert policies.can_view_batch(inspector, batch)
    assert not policies.can_decide_batch(inspector, batch)
    assert not policies.can_print_batch(inspector, batch)


def test_scopes_follow_the_same_rules(officer, other_officer, producer_actor, batch):
    qs = StampBatch.objects.all()
    assert list(policies.scope_batches(officer, qs)) == [batch]
    assert list(policies.scope_batches(producer_actor, qs)) == [batch]
    assert not policies.scope_batches(other_officer, qs).exists()
    assert list(policies.scope_batches(Actor.system("t"), qs)) == [batch]
