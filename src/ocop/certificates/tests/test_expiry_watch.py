"""The daily expiry watch: one notice before expiry, one on lapse, never twice."""

import datetime as dt

import pytest
from django.core.management import call_command

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.certificates import tasks
from ocop.certificates.constants import NoticeKind
from ocop.certificates.models import CertificateNotice
from ocop.certificates.tests.factories import CertificateFactory
from ocop.core import clock
from ocop.core.models import Notification, OutboxEmail
from ocop.producers.tests.factories import ProducerRepresentativeFactory

pytestmark = pytest.mark.django_db
UNTIL = dt.date(2028, 3, 1)


@pytest.fixture
def cert(province):
    cert = CertificateFactory(product__producer__commune__province=province)
    rep = ProducerRepresentativeFactory(producer=cert.producer)
    rep.user.email = "chu-the@example.org"
    rep.user.save()
    cert.rep_user = rep.user
    return cert


def run(day):
    with clock.freeze(day):
        return tasks.expiry_watch.enqueue().return_value


def test_nothing_is_sent_before_the_notice_window(cert, officer):
    assert run(UNTIL - dt.timedelta(days=31)) == {"expiring": 0, "expired": 0}
    assert not Notification.objects.exists()


def test_the_notice_goes_once_to_the_producer_and_the_province_officers(
    cert, officer, other_province
):
    other = user_with_role(Role.PROVINCE_OFFICER, province=other_province)
    assert run(UNTIL - dt.timedelta(days=30)) == {"expiring": 1, "expired": 0}
    assert run(UNTIL - dt.timedelta(days=29)) == {"expiring": 0, "expired": 0}
    assert run(UNTIL) == {"expiring": 0, "expired": 0}
    notified = set(Notification.objects.values_list("user_id", flat=True))
    assert notified == {cert.rep_user.pk, officer.pk}
    assert other.pk not in notified
    assert OutboxEmail.objects.filter(to="chu-the@example.org").count() == 1
    assert OutboxEmail.objects.filter(to="officer@example.org").count() == 1


def test_on_lapse_a_second_notice_goes_once(cert, officer):
    run(UNTIL - dt.timedelta(days=10))
    assert run(UNTIL + dt.timedelta(days=1)) == {"expiring": 0, "expired": 1}
    assert run(UNTIL + dt.timedelta(days=2)) == {"expiring": 0, "expired": 0}
    kinds = list(CertificateNotice.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [NoticeKind.EXPIRING, NoticeKind.EXPIRED]
    assert Notification.objects.filter(user=cert.rep_user).count() == 2


def test_revoked_and_superseded_certificates_get_no_expiry_notice(province, officer):
    CertificateFactory(product__producer__commune__province=province, revoked_at=clock.now())
    assert run(UNTIL - dt.timedelta(days=5)) == {"expiring": 0, "expired": 0}


def test_the_management_command_runs_the_watch(cert, officer, capsys):
    with clock.freeze(UNTIL - dt.timedelta(days=3)):
        call_command("expiry_watch", "--now")
    assert "expiring" in capsys.readouterr().out
    assert CertificateNotice.objects.filter(certificate=cert).count() == 1


def test_the_next_run_is_tomorrow_morning_local_time():
    moment = dt.datetime(2026, 1, 31, 23, 30, tzinfo=clock.LOCAL_TZ)
    assert tasks.next_run_after(moment) == dt.datetime(2026, 2, 1, 6, 0, tzinfo=clock.LOCAL_TZ)


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_the_scheduled_watch_keeps_exactly_one_run_waiting_for_tomorrow(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    with clock.freeze(dt.datetime(2026, 11, 23, 14, 0, tzinfo=clock.LOCAL_TZ)):
        call_command("expiry_watch", "--schedule")  # a run now, re-enqueueing itself
        assert DBTaskResult.objects.filter(task_path=tasks.expiry_watch.module_path).count() == 1
        call_command("expiry_watch", "--schedule")  # already waiting: nothing added
        assert DBTaskResult.objects.count() == 1
        DBTaskResult.objects.all().delete()  # as if the worker ran it
        assert tasks.schedule_next() is True
        assert tasks.schedule_next() is False
    waiting = DBTaskResult.objects.get()
    assert waiting.run_after == dt.datetime(2026, 11, 24, 6, 0, tzinfo=clock.LOCAL_TZ)
