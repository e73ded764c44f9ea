"""The verification's lookup reads the certificate's columns into a light row: its derived status
must be the certificate's own on every day around every boundary."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ocop.certificates.models import Certificate
from ocop.core import clock
from ocop.stamps import verify

START = dt.date(2025, 3, 1)


def _moment(offset: int | None) -> dt.datetime | None:
    if offset is None:
        return None
    day = START + dt.timedelta(days=offset)
    return dt.datetime.combine(day, dt.time(23, 30), tzinfo=clock.LOCAL_TZ)


events = st.one_of(st.none(), st.integers(min_value=-5, max_value=1200))


@given(revoked=events, superseded=events, suspended=events, day=st.integers(-40, 1200))
def test_the_light_row_derives_the_same_status_as_the_certificate(
    revoked, superseded, suspended, day
):
    columns = {
        "number": "01/2025/HN",
        "valid_from": START,
        "valid_until": START + dt.timedelta(days=1095),
        "expiring_from": START + dt.timedelta(days=1065),
        "revoked_at": _moment(revoked),
        "superseded_at": _moment(superseded),
        "suspended_at": _moment(suspended),
        "product_name": "Trà",
        "product_code": "X",
        "producer_name": "HTX",
        "commune_name": "Xã",
        "province_name": "Tỉnh",
        "stars": 4,
        "revocation_public_reason": "",
        "suspension_public_reason": "",
        "supersession_reason": "",
    }
    row = verify.CertificateRow([columns[c] for c in verify.CERTIFICATE_COLUMNS])
    on = START + dt.timedelta(days=day)

    assert row.status_on(on) == Certificate(**columns).status_on(on)
