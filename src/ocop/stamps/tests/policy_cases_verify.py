"""Policy cases: public verification (anyone, signed in or not), consumer reports and the
places shared by visitors (anyone), scan alerts (administrators everywhere; inspectors and
province officers in their province). Format: ocop.core.testing.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from ocop.core.testing import ADMIN, EVERYONE, INSPECTOR, PROVINCE_OFFICER, api, html
from ocop.stamps import codes
from ocop.stamps.tests.verify_support import GTIN, AlertFactory, StampFactory, token

HANDLERS = {ADMIN, PROVINCE_OFFICER, INSPECTOR}


def setup(world) -> None:
    for area in world.areas.values():
        stamp = StampFactory(
            batch__certificate__product=area.product,
        )
        area.product.gtin = GTIN
        area.product.save(update_fields=["gtin"])
        area.stamp_token = token(stamp)
        link = urlparse(codes.gs1_path(gtin=GTIN, lot=stamp.lot.lot_number, serial=stamp.serial))
        area.gs1_rest = link.path.removeprefix("/01/")
        area.gs1_signature = parse_qs(link.query)["s"][0]


def _alert(c):
    return {"public_id": AlertFactory(province=c.province).public_id}


PUBLIC = [
    html("verify:code", kwargs=lambda c: {"code": c.stamp_token}, allow=EVERYONE),
    html(
        "verify:gs1",
        kwargs=lambda c: {"rest": c.gs1_rest},
        query=lambda c: {"s": c.gs1_signature},
        allow=EVERYONE,
    ),
    html("verify:report", kwargs=lambda c: {"code": c.stamp_token}, allow=EVERYONE),
    html(
        "verify:report",
        method="POST",
        kwargs=lambda c: {"code": c.stamp_token},
        data=lambda c: {"message": "Tem bị bóc ra và dán lại."},
        allow=EVERYONE,
    ),
    html("verify:place", kwargs=lambda c: {"code": c.stamp_token}, allow=EVERYONE),
    html(
        "verify:place",
        method="POST",
        kwargs=lambda c: {"code": c.stamp_token},
        data=lambda c: {"tinh": c.province.code},
        allow=EVERYONE,
    ),
    api("stamp_verify", params=lambda c: {"code": c.stamp_token}, allow=EVERYONE),
]

ALERT_PAGES = [
    html("stamps:alert_list", allow=HANDLERS),
    html("stamps:alert_detail", kwargs=_alert, own=HANDLERS, other={ADMIN}),
    html("stamps:alert_acknowledge", method="POST", kwargs=_alert, own=HANDLERS, other={ADMIN}),
    html("stamps:alert_close", method="POST", kwargs=_alert, own=HANDLERS, other={ADMIN}),
]

ALERT_API = [
    api("alert_list", allow=HANDLERS),
    api("alert_acknowledge", params=_alert, json=lambda c: {}, own=HANDLERS, other={ADMIN}),
    api("alert_close", params=_alert, json=lambda c: {}, own=HANDLERS, other={ADMIN}),
]


CASES = [*PUBLIC, *ALERT_PAGES, *ALERT_API]
