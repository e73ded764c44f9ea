import datetime as dt

from django.db import transaction
from django.template.loader import render_to_string

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.core import audit, clock
from ocop.core.models import AuditEvent
from ocop.geo.tests.factories import CommuneFactory
from ocop.producers.constants import ProducerStatus
from ocop.producers.tests.factories import ProducerFactory

UTC_MORNING = dt.datetime(2025, 8, 1, 2, 30, tzinfo=dt.UTC)  # 09:30 in Hà Nội


def _update(actor, producer, **changes):
    with transaction.atomic():
        before = audit.snapshot(producer)
        for name, value in changes.items():
            setattr(producer, name, value)
        producer.save()
        return audit.record(
            actor=actor, action="producers.producer.update", obj=producer, before=before
        )


def _render(events, **extra):
    return render_to_string("core/_history.html", {"events": events, **extra})


def test_an_update_shows_time_actor_action_and_each_change(commune):
    user = user_with_role(Role.PROVINCE_OFFICER, province=commune.province, full_name="Vũ Thị Mai")
    producer = ProducerFactory(commune=commune, phone="")
    with clock.freeze(UTC_MORNING):
        _update(actor_for(user), producer, phone="0210 3847 123", status=ProducerStatus.SUSPENDED)
    events = AuditEvent.objects.select_related("actor_user").order_by("-id")
    html = _render(events)
    assert "01/08/2025 09:30" in html
    assert "Vũ Thị Mai" in html
    assert "Cập nhật · chủ thể OCOP" in html
    assert "Điện thoại" in html and "0210 3847 123" in html
    assert "Đang hoạt động" in html and "Tạm ngừng hoạt động" in html


def test_without_the_joined_user_the_user_name_is_shown(commune):
    user = user_with_role(Role.PROVINCE_OFFICER, province=commune.province, full_name="Vũ Thị Mai")
    _update(actor_for(user), ProducerFactory(commune=commune), phone="0900000000")
    html = _render(AuditEvent.objects.order_by("-id"))
    assert user.username in html
    assert "Vũ Thị Mai" not in html


def test_a_moved_producer_names_the_old_and_new_commune(commune):
    user = user_with_role(Role.PROVINCE_OFFICER, province=commune.province)
    target = CommuneFactory(province=commune.province, name="Xã Đích Đến")
    _update(actor_for(user), ProducerFactory(commune=commune), commune=target)
    html = _render(AuditEvent.objects.order_by("-id"))
    assert commune.name in html and "Xã Đích Đến" in html


def test_naming_related_rows_costs_one_query_per_related_model(commune, django_assert_num_queries):
    user = user_with_role(Role.PROVINCE_OFFICER, province=commune.province)
    for _ in range(5):
        _update(
            actor_for(user),
            ProducerFactory(commune=commune),
            commune=CommuneFactory(province=commune.province),
        )
    events = list(AuditEvent.objects.select_related("actor_user").order_by("-id"))
    with django_assert_num_queries(1):
        _render(events)


def test_creations_show_their_initial_values_folded_away_or_not_at_all_when_compact(commune):
    user = user_with_role(Role.PROVINCE_OFFICER, province=commune.province)
    producer = ProducerFactory(commune=commune, name="HTX Mới Lập")
    with transaction.atomic():
        audit.record(actor=actor_for(user), action="producers.producer.create", obj=producer)
    events = AuditEvent.objects.order_by("-id")
    assert "<details" in _render(events) and "HTX Mới Lập" in _render(events)
    compact = _render(events, compact=True, show_object=True)
    assert "<details" not in compact
    assert "Tạo mới · chủ thể OCOP" in compact and "HTX Mới Lập" in compact


def test_no_events_reads_as_an_empty_state():
    assert "Chưa có thay đổi nào được ghi nhận." in _render([])
