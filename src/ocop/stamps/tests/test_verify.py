"""Public verification: /v/<code>, GS1 Digital Link paths and GET /api/v1/public/verify/{code}."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.core import clock
from ocop.stamps import codes, scanlog, verify
from ocop.stamps.models import ScanEvent
from ocop.stamps.tests.verify_support import (
    GTIN,
    TODAY,
    forged_token,
    fresh_buffer,
    genuine_stamp,
    inactive_stamp,
    token,
    voided_stamp,
)

pytestmark = pytest.mark.django_db

NOT_GENUINE = "Không phải tem thật / không hợp lệ"


@pytest.fixture(autouse=True)
def _clean():
    cache.clear()
    with clock.freeze(TODAY), fresh_buffer() as buf:
        yield buf


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def page(client, code):
    return client.get(f"/v/{code}")


def api(client, code):
    return client.get(f"/api/v1/public/verify/{code}")


def test_a_genuine_code_shows_the_product_its_certificate_and_lot(client):
    stamp = genuine_stamp()
    cert = stamp.lot.certificate

    response = page(client, token(stamp))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Tem thật. Sản phẩm OCOP có giấy chứng nhận còn hiệu lực." in text
    for fact in (
        cert.product_name,
        cert.producer_name,
        cert.number,
        cert.commune_name,
        cert.province_name,
        stamp.lot.lot_number,
        "01/12/2025",
        "01/12/2026",
    ):
        assert fact in text
    assert "Còn hiệu lực" in text
    assert "Sản phẩm OCOP 4 sao" in text
    assert "Đây là lần xác thực đầu tiên của mã này." in text
    assert "kiểm tra thanh địa chỉ" in text
    assert f"/v/{token(stamp)}/bao-cao" in text


def test_lower_case_tokens_verify_too(client):
    stamp = genuine_stamp()

    assert page(client, token(stamp).lower()).status_code == 200


def test_after_a_flush_the_page_says_how_often_and_when_the_code_was_first_verified(client):
    stamp = genuine_stamp()
    with clock.freeze(dt.datetime(2026, 1, 15, 8, 30, tzinfo=clock.LOCAL_TZ)):
        client.get(f"/v/{token(stamp)}?tinh=01")
    scanlog.flush()

    text = page(client, token(stamp)).content.decode()

    assert "Mã này đã được xác thực 1 lần trước đây." in text
    assert "Đã được xác thực lần đầu lúc 15/01/2026 08:30" in text


def test_a_revoked_certificate_is_shown_as_revoked_with_its_public_reason(client):
    stamp = genuine_stamp()
    cert = stamp.lot.certificate
    cert.revoked_at = clock.now() - dt.timedelta(hours=1)
    cert.revocation_public_reason = "Sản phẩm không duy trì chất lượng."
    cert.save()

    response = page(client, token(stamp))

    text = response.content.decode()
    assert response.status_code == 200
    assert "giấy chứng nhận OCOP của sản phẩm hiện không còn hiệu lực" in text
    assert "Đã thu hồi" in text
    assert "Sản phẩm không duy trì chất lượng." in text


def test_an_expired_certificate_is_shown_as_expired(client):
    stamp = genuine_stamp()
    after = stamp.lot.certificate.valid_until + dt.timedelta(days=1)

    with clock.freeze(after):
        response = api(client, token(stamp))

    assert response.status_code == 200
    assert response.json()["valid"] is False
    assert response.json()["certificate"]["status"] == "expired"


@pytest.mark.parametrize(
    ("make", "status", "outcome"),
    [
        (lambda: token(inactive_stamp()), 404, "inactive"),
        (lambda: token(voided_stamp()), 410, "voided"),
        (lambda: codes.sign(codes.new_serial()), 404, "unknown"),
        (lambda: forged_token(genuine_stamp()), 404, "forged"),
        (lambda: "not-a-code", 400, "malformed"),
        (lambda: "0" * 29, 404, "forged"),
        (lambda: "Ư" * 29, 400, "malformed"),
    ],
)
def test_codes_that_are_not_genuine_get_a_clear_answer_and_status(client, make, status, outcome):
    code = make()

    html = page(client, code)
    body = api(client, code)

    assert html.status_code == status
    assert NOT_GENUINE in html.content.decode()
    assert body.status_code == status
    assert body["Content-Type"] == "application/problem+json"
    assert body.json()["code"] == f"stamps.verify.{outcome}"
    assert body.json()["genuine"] is False


def test_the_api_returns_the_same_facts_as_the_page(client):
    stamp = genuine_stamp()
    cert = stamp.lot.certificate

    data = api(client, token(stamp)).json()

    assert data["outcome"] == "genuine"
    assert data["genuine"] is True and data["valid"] is True
    assert data["serial"] == codes.human_serial(stamp.serial)
    assert data["product"]["name"] == cert.product_name
    assert data["product"]["stars"] == 4
    assert data["product"]["province"] == cert.province_name
    assert data["certificate"] == {
        "number": cert.number,
        "status": "valid",
        "status_label": "Còn hiệu lực",
        "valid_until": cert.valid_until.isoformat(),
        "reason": "",
    }
    assert data["lot"] == {
        "number": stamp.lot.lot_number,
        "production_date": "2025-12-01",
        "best_before": "2026-12-01",
    }
    assert data["scans"] == {"count": 0, "first_at": None, "first_place": ""}


# --- GS1 Digital Link -------------------------------------------------------------------------------
def gs1_stamp():
    stamp = genuine_stamp()
    product = stamp.batch.product
    product.gtin = GTIN
    product.save()
    return stamp


def test_a_gs1_digital_link_resolves_to_the_same_answer(client):
    stamp = gs1_stamp()
    url = codes.gs1_path(gtin=GTIN, lot=stamp.lot.lot_number, serial=stamp.serial)

    response = client.get(url)

    assert response.status_code == 200
    assert stamp.lot.certificate.number in response.content.decode()


@pytest.mark.parametrize(
    ("mangle", "status"),
    [
        (lambda url: url.replace("/10/", "/10/X"), 404),  # another lot
        (lambda url: url.replace("08930000000019", "08930000000026"), 404),  # another GTIN
        (lambda url: url.replace("08930000000019", "08930000000010"), 400),  # bad check digit
        (lambda url: url.split("?")[0], 400),  # no signature
        (lambda url: url[:-3] + ("ZZZ" if not url.endswith("ZZZ") else "YYY"), 404),  # forged
        (lambda url: "/01/123", 400),
        (lambda url: "/01/", 400),
        (lambda url: url.replace("/01/", "/01/x"), 400),
    ],
)
def test_malformed_or_mismatched_gs1_paths_are_refused(client, mangle, status):
    stamp = gs1_stamp()
    url = codes.gs1_path(gtin=GTIN, lot=stamp.lot.lot_number, serial=stamp.serial)

    response = client.get(mangle(url))

    assert response.status_code == status
    assert NOT_GENUINE in response.content.decode()


# --- no write on the request path ---------------------------------------------------------------------
def test_a_verification_is_buffered_not_written(client, _clean):
    stamp = genuine_stamp()

    page(client, token(stamp))
    api(client, "nonsense")

    assert ScanEvent.objects.count() == 0
    assert [s.outcome for s in _clean.pending()] == ["genuine", "malformed"]
    assert _clean.pending()[0].serial == stamp.serial
    assert _clean.pending()[0].province_id == stamp.batch.province_id


def test_pages_carry_no_cookie_and_are_not_cached(client):
    stamp = genuine_stamp()

    response = page(client, token(stamp))

    assert not response.cookies
    assert response["Cache-Control"] == "no-store"


# --- the API path is answered by a plain view mounted ahead of the API -----------------------------
def test_the_api_path_is_served_by_the_plain_view_with_the_documented_answers(client):
    from django.urls import resolve

    from ocop.stamps import api_public

    genuine, voided = token(genuine_stamp()), token(voided_stamp())

    assert resolve(f"/api/v1/public/verify/{genuine}").func is api_public.verify_api
    api_public.VerificationOut.model_validate(api(client, genuine).json())
    problem = api(client, voided)
    assert problem.status_code == 410
    api_public.VerificationProblemOut.model_validate(problem.json())
    malformed = api(client, "abc")
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "stamps.verify.malformed"


def test_the_plain_view_and_the_documented_operation_answer_alike(client):
    from django.test import RequestFactory

    from ocop.stamps import api_public

    code = token(genuine_stamp())
    request = RequestFactory().get(f"/api/v1/public/verify/{code}")

    via_operation = api_public.stamp_verify(request, code)
    via_view = api(client, code)

    assert via_operation.status_code == via_view.status_code == 200
    assert via_operation.content == via_view.content


def test_other_methods_on_the_api_path_get_a_405_problem(client):
    response = client.post(f"/api/v1/public/verify/{token(genuine_stamp())}")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response["Allow"] == "GET"


# --- the page shell is rendered once per language and process ---------------------------------------
def test_the_page_is_the_shell_around_the_verdict_in_the_visitors_language(client, monkeypatch):
    from ocop.stamps import views_public

    monkeypatch.setattr(views_public, "_SHELLS", {})
    shells = []
    real = views_public.render_to_string

    def counting(template, context=None, *args, **kwargs):
        if template.endswith("verify_shell.html"):
            shells.append(context["LANGUAGE_CODE"])
        return real(template, context, *args, **kwargs)

    monkeypatch.setattr(views_public, "render_to_string", counting)
    first, second = token(genuine_stamp()), token(voided_stamp())

    vi = [page(client, first).content.decode(), page(client, second).content.decode()]
    client.cookies["django_language"] = "en"  # the language switch's cookie
    en = client.get(f"/v/{first}").content.decode()

    assert shells == ["vi", "en"]
    assert '<html lang="vi">' in vi[0] and '<html lang="en">' in en
    assert "<title>Xác thực tem OCOP · Hệ thống quản lý OCOP</title>" in vi[0]
    assert "Tem thật." in vi[0] and "đã bị hủy" in vi[1]
    assert views_public.BODY_MARKER not in vi[0] + vi[1] + en
    for html in (*vi, en):
        assert html.count("<article") == 1 and html.rstrip().endswith("</html>")
        assert html.index("site-header") < html.index("<article") < html.index("site-footer")


@pytest.mark.parametrize("route", ["/v/{}", "/api/v1/public/verify/{}"])
def test_a_forged_code_is_answered_without_a_request_log_line_but_is_in_the_scan_log(
    client, caplog, _clean, route
):
    forged = forged_token(genuine_stamp())

    with caplog.at_level("WARNING", logger="django.request"):
        response = client.get(route.format(forged))

    assert response.status_code == 404
    assert not [r for r in caplog.records if r.name == "django.request"]
    assert [s.outcome for s in _clean.pending()] == ["forged"]


# --- the page's kept body (all but the code's own parts, keyed by what it shows) -----------------
def test_codes_of_one_lot_share_the_facts_but_show_their_own_serial_and_scans(client):
    first = genuine_stamp()
    second = genuine_stamp(batch=first.batch, lot=first.lot)
    page(client, token(first))
    scanlog.flush()

    again = page(client, token(first)).content.decode()
    other = page(client, token(second)).content.decode()

    assert first.lot.certificate.product_name in other
    assert codes.human_serial(second.serial) in other
    assert codes.human_serial(first.serial) not in other
    assert "Đây là lần xác thực đầu tiên của mã này." in other
    assert codes.human_serial(first.serial) in again
    assert "Mã này đã được xác thực 1 lần trước đây." in again


def test_a_changed_fact_or_status_shows_at_once_despite_the_kept_body(client):
    stamp = genuine_stamp()
    cert = stamp.lot.certificate
    before = page(client, token(stamp)).content.decode()

    cert.product_name = "Mật ong bạc hà Mèo Vạc (đổi tên)"
    cert.save(update_fields=["product_name"])
    renamed = page(client, token(stamp)).content.decode()
    cert.revoked_at = clock.now()
    cert.revocation_public_reason = "Vi phạm an toàn thực phẩm."
    cert.save(update_fields=["revoked_at", "revocation_public_reason"])
    revoked = page(client, token(stamp)).content.decode()

    assert "(đổi tên)" not in before
    assert "Mật ong bạc hà Mèo Vạc (đổi tên)" in renamed
    assert "Vi phạm an toàn thực phẩm." in revoked
    assert "Tem thật. Sản phẩm OCOP có giấy chứng nhận còn hiệu lực." not in revoked


def test_the_kept_body_follows_the_language(client):
    stamp = genuine_stamp()
    vietnamese = page(client, token(stamp)).content.decode()
    client.cookies["django_language"] = "en"

    english = page(client, token(stamp)).content.decode()

    assert "Chủ thể sản xuất" in vietnamese
    assert "Chủ thể sản xuất" not in english
    assert 'class="verify-status">Certificate: <span' in english  # one certificate, not the menu's
    assert 'lang="en"' in english


def test_the_shared_place_comes_from_the_query_or_the_cookie_and_is_checked():
    from django.test import RequestFactory

    factory = RequestFactory()
    with_query = factory.get("/v/x", {"tinh": "01"})
    with_cookie = factory.get("/v/x")
    with_cookie.COOKIES[verify.PLACE_COOKIE] = "79"
    with_cookie.META["HTTP_COOKIE"] = f"{verify.PLACE_COOKIE}=79"
    bad = factory.get("/v/x", {"tinh": "Hà Nội"})

    assert verify.place_from(with_query) == "01"
    assert verify.place_from(with_cookie) == "79"
    assert verify.place_from(bad) == ""
    assert verify.place_from(factory.get("/v/x")) == ""


@given(code=st.text(min_size=0, max_size=70))
@settings(max_examples=300, deadline=None)
def test_the_pages_code_links_are_what_reverse_gives(code):
    from django.urls import NoReverseMatch, reverse

    from ocop.stamps.views_public import code_url

    for name in ("verify:report", "verify:place"):
        try:
            expected = reverse(name, kwargs={"code": code})
        except NoReverseMatch:
            with pytest.raises(NoReverseMatch):
                code_url(name, code)
            continue
        assert code_url(name, code) == expected


# --- the API's genuine answer, kept in pieces around the serial and the counters -------------------
texts = st.text(max_size=12)
days = st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
moments = st.one_of(
    st.none(),
    st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1), timezones=st.just(dt.UTC)),
)


@settings(max_examples=150, deadline=None)
@given(
    outcome=st.sampled_from([verify.ScanOutcome.GENUINE, verify.ScanOutcome.NOT_IN_FORCE]),
    status=st.sampled_from(["valid", "expiring", "revoked", "suspended", "expired", "superseded"]),
    names=st.lists(texts, min_size=7, max_size=7),
    stars=st.one_of(st.none(), st.integers(3, 5)),
    lot_days=st.tuples(days, days, days),
    serials=st.lists(st.integers(1, 2**63 - 1), min_size=2, max_size=2),
    counts=st.lists(st.integers(0, 10**6), min_size=2, max_size=2),
    firsts=st.lists(moments, min_size=2, max_size=2),
    places=st.lists(texts, min_size=2, max_size=2),
    language=st.sampled_from(["vi", "en"]),
)
def test_the_genuine_api_answer_is_the_verdict_encoded(
    outcome, status, names, stars, lot_days, serials, counts, firsts, places, language
):
    """Two codes with the same certificate, status, lot and language share the kept pieces, yet
    each answer is exactly `json.dumps(as_dict())` with its own serial and counters."""
    import json

    from django.utils import translation

    from ocop.stamps import api_public

    product, code, producer, commune, province, reason, lot = names
    valid_until, produced, best_before = lot_days
    with translation.override(language):
        for serial, count, first, place in zip(serials, counts, firsts, places, strict=True):
            verdict = verify.Verdict(
                outcome=outcome,
                token="X",
                serial=serial,
                product_name=product,
                product_code=code,
                producer_name=producer,
                commune_name=commune,
                province_name=province,
                stars=stars,
                certificate_number="01/2025/OCOP",
                certificate_status=status,
                certificate_valid_until=valid_until,
                status_reason=reason,
                lot_number=lot,
                production_date=produced,
                best_before=best_before,
                scan_count=count,
                first_scanned_at=first,
                first_scanned_place=place,
            )
            expected = json.dumps(verdict.as_dict(), ensure_ascii=False)
            assert api_public.genuine_json(verdict) == expected
            assert json.loads(api_public.genuine_json(verdict))["scans"]["count"] == count


def test_codes_of_one_lot_get_their_own_serial_and_counters_from_the_api(client):
    first = genuine_stamp()
    second = genuine_stamp(batch=first.batch, lot=first.lot)
    api(client, token(first))
    scanlog.flush()

    again = api(client, token(first)).json()
    other = api(client, token(second)).json()
    stamp = first
    stamp.lot.certificate.revoked_at = clock.now()
    stamp.lot.certificate.revocation_public_reason = "Vi phạm an toàn thực phẩm."
    stamp.lot.certificate.save(update_fields=["revoked_at", "revocation_public_reason"])
    revoked = api(client, token(second)).json()

    assert again["product"] == other["product"]
    assert (again["serial"], other["serial"]) == (
        codes.human_serial(first.serial),
        codes.human_serial(second.serial),
    )
    assert (again["scans"]["count"], other["scans"]["count"]) == (1, 0)
    assert again["scans"]["first_at"] is not None and other["scans"]["first_at"] is None
    assert (revoked["outcome"], revoked["valid"]) == ("not_in_force", False)
    assert revoked["certificate"]["status"] == "revoked"
    assert revoked["certificate"]["reason"] == "Vi phạm an toàn thực phẩm."


def _verdict(**fields):
    base = {
        "outcome": verify.ScanOutcome.GENUINE,
        "token": "X",
        "serial": 12345,
        "product_name": "Mật ong bạc hà",
        "product_code": "Z000-Z00000-000001-2025",
        "producer_name": "HTX Ong mật",
        "commune_name": "Xã Mèo Vạc",
        "province_name": "Tuyên Quang",
        "stars": 4,
        "certificate_number": "01/2025/OCOP-TQ",
        "certificate_status": "valid",
        "certificate_valid_until": dt.date(2028, 3, 1),
        "lot_number": "L-01",
        "production_date": dt.date(2025, 3, 1),
        "best_before": dt.date(2026, 3, 1),
    }
    return verify.Verdict(**{**base, **fields})


FIRST_AT = dt.datetime(2025, 6, 1, 2, 30, tzinfo=dt.UTC)
PAGE_CASES = {
    "first scan": {},
    "seen before, with place": {"scan_count": 3, "first_scanned_at": FIRST_AT,
                                "first_scanned_place": "Hà Nội"},
    "seen before, no place": {"scan_count": 1, "first_scanned_at": FIRST_AT},
    "revoked": {"outcome": verify.ScanOutcome.NOT_IN_FORCE, "certificate_status": "revoked",
                "status_reason": "Vi phạm <an toàn> thực phẩm."},
    "name like a marker": {"product_name": "<ocop-serial/> & <ocop-scans/>"},
    "forged": {"outcome": verify.ScanOutcome.FORGED, "serial": None, "product_name": ""},
    "unknown": {"outcome": verify.ScanOutcome.UNKNOWN},
    "voided": {"outcome": verify.ScanOutcome.VOIDED},
    "mismatch": {"outcome": verify.ScanOutcome.MISMATCH},
}  # fmt: skip


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("shared_place", ["", "01"])
@pytest.mark.parametrize("case", sorted(PAGE_CASES))
def test_the_kept_page_body_is_what_a_full_rendering_gives(case, shared_place, language, settings):
    """Two codes with the same answer shown share the kept body; each page is exactly what
    rendering the templates for that code gives (DEBUG renders everything every time)."""
    from django.utils import translation

    from ocop.stamps import views_public

    links = {
        "site_url": "http://testserver/",
        "shared_place": shared_place,
    }

    def body(verdict, debug):
        settings.DEBUG = debug
        code = verify.codes.human_serial(verdict.serial) if verdict.serial else "-"
        return views_public.verdict_body(
            verdict,
            report_url=f"/v/{code}/bao-cao?x=1&y=2",
            place_url=f"/v/{code}/noi-quet",
            **links,
        )

    with translation.override(language):
        other = _verdict(**{**PAGE_CASES[case], "serial": 999, "scan_count": 7,
                            "first_scanned_at": FIRST_AT} if PAGE_CASES[case].get("serial", 1)
                         else PAGE_CASES[case])  # fmt: skip
        one = _verdict(**PAGE_CASES[case])
        kept_other, kept_one = body(other, False), body(one, False)
        assert kept_one == body(one, True)
        assert kept_other == body(other, True)

    if one.serial is not None:
        assert verify.codes.human_serial(one.serial) in kept_one
        assert verify.codes.human_serial(one.serial) not in kept_other
    assert "x=1&amp;y=2" in kept_one
    assert "<ocop-" not in kept_one and "<ocop-" not in kept_other
    if case == "name like a marker":
        assert "&lt;ocop-serial/&gt; &amp; &lt;ocop-scans/&gt;" in kept_one
