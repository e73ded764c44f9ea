"""The producer's accounts are notified of every workflow move, inside the move's transaction."""

from decimal import Decimal

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.core.errors import InvalidTransition
from ocop.core.models import Notification, OutboxEmail
from ocop.core.testing import pdf_file
from ocop.evaluation import services
from ocop.evaluation.tests import factories as f
from ocop.producers.tests.factories import ProducerRepresentativeFactory

ANSWERS = {
    code: {"met": True, "note": ""}
    for code in ("local_origin", "local_labour", "idea_origin", "local_identity")
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads (the commune's signed report) go to a temporary media root."""
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.mark.usefixtures("today")
def test_each_move_notifies_every_producer_account(product, two_tier_round, actors, producer_user):
    second = user_with_role(Role.PRODUCER)
    ProducerRepresentativeFactory(producer=product.producer, user=second)
    inactive = user_with_role(Role.PRODUCER)
    inactive.is_active = False
    inactive.save()
    ProducerRepresentativeFactory(producer=product.producer, user=inactive)
    officer, commune_officer = actors["province_officer"], actors["commune_officer"]

    app = services.application_create(
        actor=actors["producer"], round=two_tier_round, product=product
    )
    f.complete_dossier(app)
    app = services.application_submit(actor=actors["producer"], application=app)
    app = services.application_return(
        actor=commune_officer, application=app, reason="Bổ sung phiếu kiểm nghiệm"
    )
    app = services.application_transition(
        actor=actors["producer"], application=app, verb="resubmit"
    )
    app = services.application_pre_assess(
        actor=commune_officer, application=app, answers=ANSWERS, conclusion="Đạt", report=pdf_file()
    )
    app = services.application_transition(actor=officer, application=app, verb="schedule")
    app = services.application_score(
        actor=officer, application=app, totals=[Decimal(70), Decimal(69), Decimal(70)]
    )
    app = services.application_transition(actor=officer, application=app, verb="recognise")
    app = services.application_transition(actor=officer, application=app, verb="decide")

    kinds = list(
        Notification.objects.filter(user=producer_user)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "evaluation.submit",
        "evaluation.return",
        "evaluation.resubmit",
        "evaluation.pre_assess",
        "evaluation.schedule",
        "evaluation.score",
        "evaluation.recognise",
        "evaluation.decide",
    ]
    assert Notification.objects.filter(user=second).count() == len(kinds)
    assert not Notification.objects.filter(user=inactive).exists()
    assert not Notification.objects.exclude(user__in=[producer_user, second]).exists()

    returned = Notification.objects.get(user=producer_user, kind="evaluation.return")
    assert "Bổ sung phiếu kiểm nghiệm" in returned.body
    assert product.name in returned.title
    assert returned.link == f"/evaluation/applications/{app.public_id}/"
    scored = Notification.objects.get(user=producer_user, kind="evaluation.score")
    assert "69.67" in scored.body  # the mean 69.666… as published
    recognised = Notification.objects.get(user=producer_user, kind="evaluation.recognise")
    assert "3 sao" in recognised.title
    if producer_user.email:
        assert OutboxEmail.objects.filter(to=producer_user.email).count() == len(kinds)


@pytest.mark.usefixtures("today")
def test_a_refused_move_leaves_no_notice(product, two_tier_round, actors, producer_user):
    app = f.ApplicationFactory(product=product, round=two_tier_round)
    with pytest.raises(InvalidTransition):
        services.application_transition(
            actor=actors["province_officer"], application=app, verb="schedule"
        )
    assert not Notification.objects.exists()
