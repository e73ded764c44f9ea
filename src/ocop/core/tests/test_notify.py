import pytest
from django.core import mail

from ocop.accounts.tests.factories import UserFactory
from ocop.core import notify
from ocop.core.models import Notification, OutboxEmail

pytestmark = pytest.mark.django_db


def test_notify_writes_one_notice_per_user_and_queues_mail():
    a = UserFactory(email="a@example.vn")
    b = UserFactory(email="")
    notify.notify([a, b, a], kind="test", title="Hồ sơ đã được tiếp nhận", body="Nội dung")
    assert Notification.objects.filter(kind="test").count() == 2
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == ["a@example.vn"]
    assert notify.unread_count(a) == 1


def test_outbox_delivery_marks_sent_and_is_not_repeated():
    a = UserFactory(email="a@example.vn")
    notify.notify([a], kind="test", title="Thông báo")
    assert notify.deliver_outbox() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Thông báo"
    assert notify.deliver_outbox() == 0
    assert OutboxEmail.objects.get().sent_at is not None


def test_mark_read():
    a = UserFactory()
    notify.notify([a], kind="x", title="1")
    notify.notify([a], kind="x", title="2")
    assert notify.mark_read(a) == 2
    assert notify.unread_count(a) == 0
