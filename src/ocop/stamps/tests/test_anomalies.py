"""Every anomaly rule raises a deduplicated alert for the inspectors of the product's province."""

import datetime as dt

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import user_with_role
from ocop.core import clock
from ocop.core.models import Notification
from ocop.stamps import anomalies, scanlog
from ocop.stamps.models import Alert, AlertKind, AlertStatus
from ocop.stamps.tests.verify_support import TODAY, fresh_buffer, scan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with clock.freeze(TODAY), fresh_buffer():
        yield


def flush(*scans):
    buf = scanlog.ScanBuffer()
    for s in scans:
        buf.record(s)
    buf.flush()


def kinds() -> list[str]:
    return sorted(Alert.objects.values_list("kind", flat=True))


@pytest.mark.parametrize(
    ("outcome", "kind"),
    [
        ("inactive", AlertKind.NOT_ACTIVATED),
        ("voided", AlertKind.VOIDED),
        ("not_in_force", AlertKind.NOT_IN_FORCE),
    ],
)
def test_scans_of_codes_out_of_circulation_alert_the_province_inspectors(
    province, other_province, outcome, kind
):
    inspector = user_with_role(Role.INSPECTOR, province=province)
    elsewhere = user_with_role(Role.INSPECTOR, province=other_province)

    flush(scan(serial=11, outcome=outcome, province_id=province.pk, certificate_status="revoked"))

    alert = Alert.objects.get()
    assert alert.kind == kind
    assert alert.province_id == province.pk
    assert alert.stamp_serial == 11
    assert alert.evidence[0]["outcome"] == outcome
    assert Notification.objects.filter(user=inspector, kind="stamps.alert").count() == 1
    assert not Notification.objects.filter(user=elsewhere).exists()


def test_genuine_scans_raise_nothing(province):
    flush(*[scan(serial=n + 1, province_id=province.pk) for n in range(5)])

    assert kinds() == []


def test_a_rule_firing_again_refreshes_the_open_alert_and_notifies_once(province):
    inspector = user_with_role(Role.INSPECTOR, province=province)

    flush(scan(serial=12, outcome="inactive", province_id=province.pk))
    flush(scan(serial=12, outcome="inactive", province_id=province.pk))

    alert = Alert.objects.get()
    assert alert.occurrences == 2
    assert len(alert.evidence) == 2
    assert Notification.objects.filter(user=inspector).count() == 1


def test_after_an_alert_is_closed_a_new_finding_opens_a_new_one(province):
    flush(scan(serial=13, outcome="voided", province_id=province.pk))
    Alert.objects.update(status=AlertStatus.CLOSED)

    flush(scan(serial=13, outcome="voided", province_id=province.pk))

    assert Alert.objects.filter(status=AlertStatus.OPEN).count() == 1
    assert Alert.objects.count() == 2


def test_a_code_scanned_more_than_n_times_raises_an_alert(settings, province):
    settings.OCOP_SCAN_ALERT_MAX_SCANS = 3

    flush(*[scan(serial=14, province_id=province.pk) for _ in range(3)])
    assert kinds() == []
    flush(scan(serial=14, province_id=province.pk))

    alert = Alert.objects.get()
    assert alert.kind == AlertKind.MANY_SCANS
    assert "4 lần" in alert.summary


def test_a_code_scanned_in_two_provinces_within_the_window_raises_an_alert(
    settings, province, other_province
):
    settings.OCOP_SCAN_ALERT_PLACES_HOURS = 24
    flush(scan(serial=15, province_id=province.pk, place_code=province.code))
    assert kinds() == []

    flush(scan(serial=15, province_id=province.pk, place_code=other_province.code))

    alert = Alert.objects.get()
    assert alert.kind == AlertKind.DISTANT_PLACES
    assert alert.province_id == province.pk
    assert province.code in alert.summary and other_province.code in alert.summary


def test_scans_in_two_provinces_far_apart_in_time_raise_nothing(settings, province, other_province):
    settings.OCOP_SCAN_ALERT_PLACES_HOURS = 24
    with clock.freeze(clock.now() - dt.timedelta(hours=30)):
        flush(scan(serial=16, province_id=province.pk, place_code=province.code))

    flush(scan(serial=16, province_id=province.pk, place_code=other_province.code))

    assert kinds() == []


def test_a_burst_of_forged_codes_from_one_address_raises_an_alert(settings, province):
    settings.OCOP_SCAN_ALERT_FORGED_COUNT = 3
    settings.OCOP_SCAN_ALERT_FORGED_MINUTES = 10
    flush(*[scan(outcome="forged", client_hash="f" * 32) for _ in range(3)])
    assert kinds() == []

    flush(scan(outcome="malformed", client_hash="f" * 32, place_code=province.code))

    alert = Alert.objects.get()
    assert alert.kind == AlertKind.FORGED_BURST
    assert alert.client_hash == "f" * 32
    assert alert.province_id == province.pk  # the place the client shared


def test_forged_codes_from_many_addresses_are_not_a_burst(settings):
    settings.OCOP_SCAN_ALERT_FORGED_COUNT = 3

    flush(*[scan(outcome="forged", client_hash=f"{n:032d}") for n in range(10)])

    assert kinds() == []


def test_old_forged_codes_fall_out_of_the_window(settings):
    settings.OCOP_SCAN_ALERT_FORGED_COUNT = 3
    settings.OCOP_SCAN_ALERT_FORGED_MINUTES = 10
    with clock.freeze(clock.now() - dt.timedelta(minutes=30)):
        flush(*[scan(outcome="forged", client_hash="e" * 32) for _ in range(3)])

    flush(scan(outcome="forged", client_hash="e" * 32))

    assert kinds() == []


def test_a_failing_rule_never_loses_the_written_scans(monkeypatch):
    def broken(batch):
        raise RuntimeError("rule bug")

    monkeypatch.setattr(anomalies, "evaluate", broken)

    flush(scan(serial=17, outcome="inactive"))

    assert scanlog.ScanEvent.objects.filter(stamp_serial=17).exists()


def test_the_burst_count_reads_a_bounded_number_of_rows(settings):
    """However many forged scans one address has sent in the window, each flush counts at most
    the threshold + 1 of them."""
    from ocop.stamps.anomalies import recent_rejections

    since = clock.now() - dt.timedelta(minutes=10)
    flush(*[scan(outcome="forged", client_hash="a" * 32) for _ in range(30)])
    flush(scan(outcome="forged", client_hash="b" * 32))

    assert recent_rejections(["a" * 32, "b" * 32, "c" * 32], since, cap=6) == {
        "a" * 32: 6,
        "b" * 32: 1,
        "c" * 32: 0,
    }
