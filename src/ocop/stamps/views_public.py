"""Public, log-in-free verification pages: /v/<code>, GS1 Digital Link paths, report, place.

The verification pages render without the request context (no session, no `request.user`, no
context processors): the answer costs at most two SELECTs (stamps.verify).
"""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ocop.core.access import access
from ocop.core.display import dmy_hm
from ocop.core.errors import ValidationFailed
from ocop.core.memo import Memo
from ocop.core.middleware import accepts_nul
from ocop.stamps import scanlog, services_alerts, verify
from ocop.stamps.forms_public import PlaceForm, ProblemReportForm
from ocop.stamps.models_scan import ScanChannel

NO_STORE = "no-store"
PLACE_COOKIE_AGE = 365 * 24 * 3600


def _page(template: str, context: dict[str, Any], status: int) -> HttpResponse:
    return _html(render_to_string(template, context), status)


PAGE_HEADERS = {"Cache-Control": NO_STORE, "X-Robots-Tag": "noindex"}


def _html(content: str, status: int) -> HttpResponse:
    # The content type and charset given: the response does not read them from settings.
    return HttpResponse(
        content,
        status=status,
        headers=PAGE_HEADERS,
        content_type="text/html; charset=utf-8",
        charset="utf-8",
    )


def _limited(seconds: int) -> HttpResponse:
    response = _page("stamps/public/limited.html", {"retry_after": seconds}, 429)
    response["Retry-After"] = str(seconds)
    return response


def _verdict_page(request: HttpRequest, result: verify.Verdict | int, token: str) -> HttpResponse:
    if isinstance(result, int):
        return _limited(result)
    head, foot = _shell()
    body = verdict_body(
        result,
        # build_absolute_uri("/") without parsing and re-quoting "/": a validated host is ASCII.
        site_url=f"{request.scheme}://{request.get_host()}/",
        report_url=code_url("verify:report", token[:64] or "-"),
        place_url=code_url("verify:place", token[:64] or "-"),
        shared_place=verify.place_from(request),
    )
    return verify.unlogged(_html(head + body + foot, result.http_status))


# The code's own parts of a verification page, as markers in what is rendered once and kept:
# marked safe, so they reach the HTML as they are, while the same text typed into a product's
# name would be escaped (`&lt;…`) and could never be taken for one.
_MARKS = re.compile("(<ocop-[a-z_]+/>)")
_BODIES = Memo(4096)
_SCANS = Memo(4096)


@functools.cache
def _mark(name: str) -> str:
    return mark_safe(f"<ocop-{name}/>")  # noqa: S308 (a fixed name)


def _kept_rendering(
    kept: Memo, key: tuple, template: str, context: dict, own: dict[str, Any]
) -> str:
    """`template` rendered with `context` and the code's own values `own`.

    What the template makes of `context` is the same for every code with the same `key`: it is
    rendered once per key with a marker in place of each of `own`, kept, and each code's values
    put in the markers' places, escaped as the template would (tested equal to a full rendering).
    With DEBUG (templates reloaded on change) it is rendered in full every time."""
    if settings.DEBUG:
        return render_to_string(template, {**context, **own})
    pieces = kept.get(key)
    if pieces is None:
        marked = {name: _mark(name) for name in own}
        pieces = kept.keep(key, _MARKS.split(render_to_string(template, {**context, **marked})))
    values = {_mark(name): conditional_escape(value) for name, value in own.items()}
    return mark_safe("".join([values.get(piece, piece) for piece in pieces]))  # noqa: S308


def verdict_body(
    result: verify.Verdict, *, site_url: str, report_url: str, place_url: str, shared_place: str
) -> str:
    """The page's body (stamps/public/verify.html) for one code: everything but the code's own
    parts (serial, scan history, per-code links) is the same for every code of a lot with the
    same certificate status, so it is kept per `result.shown`, site address and whether a
    place was shared."""
    return _kept_rendering(
        _BODIES,
        (result.shown, site_url, bool(shared_place)),
        "stamps/public/verify.html",
        {"v": result, "site_url": site_url, "shared_place": shared_place},
        {
            "serial": result.human_serial,
            "scans": scans_html(result),
            "report_url": report_url,
            "place_url": place_url,
        },
    )


def scans_html(result: verify.Verdict) -> str:
    """The code's scan history (stamps/public/verify_scans.html): it reads the same for every
    code verified as many times before, with or without a first place, so it is kept per
    language, count and whether there is a place."""
    if result.serial is None or result.outcome in (
        verify.ScanOutcome.UNKNOWN,
        verify.ScanOutcome.MISMATCH,
    ):
        return ""
    count, place = int(result.scan_count or 0), result.first_scanned_place
    own = {"at": dmy_hm(result.first_scanned_at) if count else ""}
    if place:
        own["place"] = place
    return _kept_rendering(
        _SCANS,
        (result.language, count, bool(place)),
        "stamps/public/verify_scans.html",
        {"n": count, "place": ""},
        own,
    )


CODE_MARK = "0ocopcodemark0"
_CODE_URLS: dict[tuple[str, str], tuple[str, str]] = {}


def code_url(name: str, code: str) -> str:
    """`reverse(name, kwargs={"code": code})` for the page's per-code links, from the pattern
    reversed once per process and script prefix: a reverse() costs ~50 µs (namespace lookup, the
    active language read several times), and every verification page links twice. The code is
    quoted as reverse() quotes it; a code that the path converter would refuse goes through
    reverse() and fails there as before (tested against reverse())."""
    if "/" in code or not code:
        return reverse(name, kwargs={"code": code})
    key = (name, get_script_prefix())
    parts = _CODE_URLS.get(key)
    if parts is None:
        head, mark, tail = reverse(name, kwargs={"code": CODE_MARK}).partition(CODE_MARK)
        if not mark:
            raise RuntimeError(f"{name} does not carry its code in the path")
        parts = _CODE_URLS[key] = (head, tail)
    return parts[0] + quote(code, safe=RFC3986_SUBDELIMS + "/~:@") + parts[1]


BODY_MARKER = "@@ocop-verify-body@@"
_SHELLS: dict[str, tuple[str, str]] = {}


def _shell() -> tuple[str, str]:
    """(head, foot) of the verification page in the active language.

    The site shell (head, header, footer: ~40 % of the page's rendering) is the same for every
    code, so it is rendered once per language and process; with DEBUG (templates reloaded on
    change) it is rendered every time."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    shell = None if settings.DEBUG else _SHELLS.get(language)
    if shell is None:
        html = render_to_string(
            "stamps/public/verify_shell.html",
            {"body_marker": BODY_MARKER, "LANGUAGE_CODE": language},
        )
        head, marker, foot = html.partition(BODY_MARKER)
        if not marker:
            raise RuntimeError("verify_shell.html lost its body marker")
        shell = _SHELLS[language] = (head, foot)
    return shell


@accepts_nul
@access.public
@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """/v/<code>: is this stamp genuine, and is its product's certificate in force today?"""
    result = verify.answer(request, token=code, channel=ScanChannel.PAGE)
    return _verdict_page(request, result, code)


@accepts_nul
@access.public
@require_GET
def verify_gs1(request: HttpRequest, rest: str) -> HttpResponse:
    """GS1 Digital Link: /01/<GTIN-14>[/22/<cpv>][/10/<lot>]/21/<serial>?s=<signature>."""
    path = "/01/" + rest
    result = verify.answer(request, gs1=(path, request.GET.get("s", "")), channel=ScanChannel.GS1)
    token = result.human_serial if isinstance(result, verify.Verdict) else ""
    return _verdict_page(request, result, token or "-")


def _report_target(code: str) -> tuple[int | None, int | None]:
    """(serial, product province) of a code, without recording a scan."""
    try:
        parsed = verify.codes.parse(code)
    except verify.codes.InvalidCode:
        return None, None
    stamp = verify.stamp_lookup(parsed.serial)
    return parsed.serial, (stamp.province_id if stamp is not None else None)


@access.public
@require_http_methods(["GET", "POST"])
def report_problem(request: HttpRequest, code: str) -> HttpResponse:
    """A consumer reports a problem with a code; inspectors of the province get an alert."""
    form = ProblemReportForm(request.POST or None)
    if request.method == "POST":
        wait = verify.report_retry_after(request)
        if wait is not None:
            return _limited(wait)
        if form.is_valid():
            serial, province_id = _report_target(code)
            try:
                services_alerts.problem_report_create(
                    actor=request.actor,
                    token=code,
                    message=form.cleaned_data["message"],
                    contact=form.cleaned_data["contact"],
                    client_hash=scanlog.client_hash(verify.client_address(request)),
                    serial=serial,
                    province_id=province_id,
                )
            except ValidationFailed as exc:
                for name, messages in exc.field_errors().items():
                    for message in messages:
                        form.add_error(name if name in form.fields else None, message)
            else:
                verify.report_counted(request)
                return redirect(reverse("verify:report", kwargs={"code": code}) + "?da-gui=1")
    context = {"form": form, "code": code, "sent": request.GET.get("da-gui") == "1"}
    status = 422 if form.errors else 200
    return render(request, "stamps/public/report.html", context, status=status)


@access.public
@require_http_methods(["GET", "POST"])
def share_place(request: HttpRequest, code: str) -> HttpResponse:
    """Let the visitor share the province they are in (coarse place, remembered in a cookie)."""
    form = PlaceForm(request.POST or None, provinces=verify.province_choices())
    if request.method == "POST" and form.is_valid():
        place = form.cleaned_data["tinh"]
        response = redirect(reverse("verify:code", kwargs={"code": code}) + f"?tinh={place}")
        response.set_cookie(
            verify.PLACE_COOKIE, place, max_age=PLACE_COOKIE_AGE, samesite="Lax", httponly=True
        )
        return response
    return render(
        request,
        "stamps/public/place.html",
        {"form": form, "code": code, "title": _("Chia sẻ nơi bạn quét mã")},
        status=422 if form.errors else 200,
    )
