"""The status is derived from dates and events at every boundary, and lists agree with it."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.certificates import selectors
from ocop.certificates.constants import CertificateStatus as S
from ocop.certificates.models import Certificate
from ocop.certificates.tests.factories import CertificateFactory
from ocop.core import clock

FROM = dt.date(2025, 3, 1)
UNTIL = dt.date(2028, 3, 1)


def build(**events) -> Certificate:
    """An unsaved certificate (status derivation needs no database)."""
    notice = events.pop("notice", 30)
    return Certificate(
        valid_from=events.pop("valid_from", FROM),
        valid_until=events.pop("valid_until", UNTIL),
        expiry_notice_days=notice,
        expiring_from=Certificate.notice_window_start(events.pop("until", UNTIL), notice),
        **events,
    )


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=clock.LOCAL_TZ)


DAY = dt.timedelta(days=1)


def test_the_status_moves_from_valid_to_expiring_to_expired_at_the_exact_days():
    cert = build()
    threshold = UNTIL - dt.timedelta(days=30)
    assert selectors.certificate_status(cert, FROM - DAY) == S.PENDING
    assert selectors.certificate_status(cert, FROM) == S.VALID
    assert selectors.certificate_status(cert, threshold - DAY) == S.VALID
    assert selectors.certificate_status(cert, threshold) == S.EXPIRING
    assert selectors.certificate_status(cert, threshold + DAY) == S.EXPIRING
    assert selectors.certificate_status(cert, UNTIL) == S.EXPIRING
    assert selectors.certificate_status(cert, UNTIL + DAY) == S.EXPIRED


def test_the_notice_window_follows_the_certificate_own_lead_time():
    cert = build(notice=45)
    assert cert.status_on(UNTIL - dt.timedelta(days=46)) == S.VALID
    assert cert.status_on(UNTIL - dt.timedelta(days=45)) == S.EXPIRING


def test_events_take_effect_on_their_local_day_and_not_before():
    # 00:30 local time on the 10th is still the 9th in UTC: the local day counts.
    day = dt.date(2026, 6, 10)
    late = dt.datetime(2026, 6, 10, 0, 30, tzinfo=clock.LOCAL_TZ)
    cert = build(revoked_at=late)
    assert cert.status_on(day - DAY) == S.VALID
    assert cert.status_on(day) == S.REVOKED


@pytest.mark.parametrize(
    ("field", "expected"),
    [("suspended_at", S.SUSPENDED), ("revoked_at", S.REVOKED), ("superseded_at", S.SUPERSEDED)],
)
def test_each_event_overrides_validity_from_its_day(field, expected):
    day = dt.date(2026, 6, 10)
    cert = build(**{field: at(day)})
    assert cert.status_on(day - DAY) == S.VALID
    assert cert.status_on(day) == expected
    assert cert.status_on(day + DAY) == expected
    assert cert.status_on(UNTIL + DAY) == expected  # an event outlives expiry


def test_revocation_wins_over_supersession_and_suspension():
    day = dt.date(2026, 6, 10)
    cert = build(
        suspended_at=at(day - DAY * 5), superseded_at=at(day - DAY * 2), revoked_at=at(day)
    )
    assert cert.status_on(day - DAY * 5) == S.SUSPENDED
    assert cert.status_on(day - DAY * 2) == S.SUPERSEDED
    assert cert.status_on(day) == S.REVOKED


days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))
optional_days = st.none() | days


@settings(max_examples=300, deadline=None)
@given(
    on=days,
    notice=st.integers(min_value=0, max_value=120),
    suspended=optional_days,
    revoked=optional_days,
    superseded=optional_days,
)
def test_the_status_is_the_documented_function_of_dates_and_events(
    on, notice, suspended, revoked, superseded
):
    cert = build(
        notice=notice,
        suspended_at=at(suspended) if suspended else None,
        revoked_at=at(revoked) if revoked else None,
        superseded_at=at(superseded) if superseded else None,
    )
    status = cert.status_on(on)
    if revoked and revoked <= on:
        assert status == S.REVOKED
    elif superseded and superseded <= on:
        assert status == S.SUPERSEDED
    elif suspended and suspended <= on:
        assert status == S.SUSPENDED
    elif on < FROM:
        assert status == S.PENDING
    elif on > UNTIL:
        assert status == S.EXPIRED
    elif (UNTIL - on).days <= notice:
        assert status == S.EXPIRING
    else:
        assert status == S.VALID
    assert cert.in_force_on(on) == (status in (S.VALID, S.EXPIRING))


@settings(max_examples=60, deadline=None)
@given(offset=st.integers(min_value=-2, max_value=2))
def test_boundaries_around_threshold_and_expiry(offset):
    threshold = UNTIL - dt.timedelta(days=30)
    cert = build()
    on_threshold = cert.status_on(threshold + dt.timedelta(days=offset))
    assert on_threshold == (S.VALID if offset < 0 else S.EXPIRING)
    on_expiry = cert.status_on(UNTIL + dt.timedelta(days=offset))
    assert on_expiry == (S.EXPIRING if offset <= 0 else S.EXPIRED)


def test_status_needs_no_query(django_assert_num_queries, db):
    cert = CertificateFactory()
    fresh = Certificate.objects.get(pk=cert.pk)
    with django_assert_num_queries(0):
        selectors.certificate_status(fresh, dt.date(2026, 1, 1))
        assert fresh.status in set(S)


@pytest.mark.django_db
def test_list_filters_agree_with_the_derived_status_on_every_boundary():
    threshold = UNTIL - dt.timedelta(days=30)
    event = dt.date(2026, 6, 10)
    certs = [
        CertificateFactory(),
        CertificateFactory(suspended_at=at(event)),
        CertificateFactory(revoked_at=at(event, 23)),
        CertificateFactory(superseded_at=at(event, 0)),
        CertificateFactory(decision_date=dt.date(2026, 1, 1)),
    ]
    ids = [c.pk for c in certs]
    for day in (
        FROM - DAY,
        FROM,
        event - DAY,
        event,
        threshold - DAY,
        threshold,
        UNTIL,
        UNTIL + DAY,
    ):
        for status in S:
            matched = set(
                Certificate.objects.filter(pk__in=ids)
                .filter(selectors.status_q(status, day))
                .values_list("pk", flat=True)
            )
            expected = {c.pk for c in certs if c.status_on(day) == status}
            assert matched == expected, (day, status)


@pytest.mark.django_db
def test_the_certificate_for_a_product_is_the_one_in_force_else_the_latest():
    old = CertificateFactory(decision_date=dt.date(2021, 1, 5))
    product = old.product
    assert selectors.certificate_for_product(product, dt.date(2024, 6, 1)) == old  # expired
    new = CertificateFactory(product=product, decision_date=dt.date(2024, 1, 5))
    assert selectors.certificate_for_product(product, dt.date(2024, 6, 1)) == new
    assert selectors.certificate_for_product(product, dt.date(2020, 1, 1)) is None
