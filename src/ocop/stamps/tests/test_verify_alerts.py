"""Alert pages (scoped to the inspector's province, with the evidence; acknowledge and close) and
the public "report a problem" form."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.core import clock
from ocop.core.errors import InvalidTransition, PermissionDenied
from ocop.core.models import Notification
from ocop.stamps import services_alerts
from ocop.stamps.models import Alert, AlertKind, AlertStatus, ProblemReport
from ocop.stamps.tests.verify_support import TODAY, AlertFactory, genuine_stamp, token

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _frozen():
    cache.clear()
    with clock.freeze(TODAY):
        yield


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_inspectors_see_only_their_provinces_alerts(province, other_province):
    mine = AlertFactory(province=province, summary="Cảnh báo của tỉnh mình")
    AlertFactory(province=other_province, summary="Cảnh báo tỉnh khác")
    inspector = user_with_role(Role.INSPECTOR, province=province)

    text = signed_in(inspector).get("/stamps/alerts/").content.decode()

    assert mine.summary in text
    assert "Cảnh báo tỉnh khác" not in text


def test_the_alert_list_costs_the_same_queries_for_2_and_20_alerts(province):
    inspector = user_with_role(Role.INSPECTOR, province=province)
    client = signed_in(inspector)
    AlertFactory.create_batch(2, province=province)
    client.get("/stamps/alerts/")

    with CaptureQueriesContext(connection) as two:
        client.get("/stamps/alerts/")
    AlertFactory.create_batch(18, province=province)
    with CaptureQueriesContext(connection) as twenty:
        client.get("/stamps/alerts/")

    assert len(two) == len(twenty)


def test_the_detail_page_shows_the_evidence(province):
    alert = AlertFactory(
        province=province,
        evidence=[{"at": "2026-01-15T08:00:00+07:00", "outcome": "inactive", "place": "Tỉnh Mẫu"}],
    )
    inspector = user_with_role(Role.INSPECTOR, province=province)

    text = signed_in(inspector).get(f"/stamps/alerts/{alert.public_id}/").content.decode()

    assert "Tỉnh Mẫu" in text and "inactive" in text
    assert "Tiếp nhận" in text


def test_an_inspector_of_another_province_gets_404(province, other_province):
    alert = AlertFactory(province=province)
    outsider = user_with_role(Role.INSPECTOR, province=other_province)

    response = signed_in(outsider).get(f"/stamps/alerts/{alert.public_id}/")

    assert response.status_code == 404


def test_acknowledge_then_close(province):
    alert = AlertFactory(province=province)
    client = signed_in(user_with_role(Role.INSPECTOR, province=province))

    client.post(f"/stamps/alerts/{alert.public_id}/acknowledge/", {"note": "Đang kiểm tra"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert alert.note == "Đang kiểm tra"

    client.post(f"/stamps/alerts/{alert.public_id}/close/", {"note": "Đã xử lý"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED
    assert alert.closed_at == clock.now()


def test_a_closed_alert_cannot_be_closed_or_acknowledged_again(province):
    alert = AlertFactory(province=province, status=AlertStatus.CLOSED)
    actor = actor_for(user_with_role(Role.INSPECTOR, province=province))

    with pytest.raises(InvalidTransition):
        services_alerts.alert_close(actor=actor, alert=alert)
    with pytest.raises(InvalidTransition):
        services_alerts.alert_acknowledge(actor=actor, alert=alert)


def test_producers_and_commune_officers_cannot_handle_alerts(province, commune):
    alert = AlertFactory(province=province)
    for user in (
        user_with_role(Role.PRODUCER),
        user_with_role(Role.COMMUNE_OFFICER, commune=commune),
    ):
        with pytest.raises(PermissionDenied):
            services_alerts.alert_close(actor=actor_for(user), alert=alert)


def test_alerts_without_a_province_are_for_administrators_only(province):
    alert = AlertFactory(province=None)
    inspector = user_with_role(Role.INSPECTOR, province=province)
    admin = user_with_role(Role.ADMIN)

    assert signed_in(inspector).get(f"/stamps/alerts/{alert.public_id}/").status_code == 404
    assert signed_in(admin).get(f"/stamps/alerts/{alert.public_id}/").status_code == 200


# --- consumer reports -----------------------------------------------------------------------------
def test_a_consumer_report_is_stored_and_alerts_the_province_inspectors():
    stamp = genuine_stamp()
    inspector = user_with_role(Role.INSPECTOR, province=stamp.batch.province)
    url = f"/v/{token(stamp)}/bao-cao"

    response = Client().post(url, {"message": "Tem bị bóc ra dán lại.", "contact": "0900000000"})

    assert response.status_code == 302
    report = ProblemReport.objects.get()
    assert report.stamp_serial == stamp.serial
    assert report.province_id == stamp.batch.province_id
    assert report.alert.kind == AlertKind.REPORT
    assert Notification.objects.filter(user=inspector, kind="stamps.alert").exists()
    assert "Cảm ơn bạn" in Client().get(response["Location"]).content.decode()


def test_an_empty_report_is_refused_and_nothing_is_saved():
    stamp = genuine_stamp()

    response = Client().post(f"/v/{token(stamp)}/bao-cao", {"message": "  "})

    assert response.status_code == 422
    assert ProblemReport.objects.count() == 0
    assert Alert.objects.count() == 0


def test_reports_about_forged_codes_go_to_administrators(settings):
    response = Client().post("/v/KHONGPHAIMA/bao-cao", {"message": "Mã không quét được."})

    assert response.status_code == 302
    assert ProblemReport.objects.get().province_id is None


def test_reports_are_rate_limited_per_address(settings):
    settings.OCOP_VERIFY_REPORT_LIMIT = 2
    client = Client()
    for _ in range(2):
        client.post("/v/MA/bao-cao", {"message": "Lần nữa"})

    response = client.post("/v/MA/bao-cao", {"message": "Lần nữa"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert ProblemReport.objects.count() == 2


def test_sharing_a_place_remembers_it_for_later_scans(province):
    stamp = genuine_stamp()
    client = Client()

    response = client.post(f"/v/{token(stamp)}/noi-quet", {"tinh": province.code})

    assert response.status_code == 302
    assert response.cookies["ocop_tinh"].value == province.code
