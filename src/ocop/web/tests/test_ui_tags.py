import datetime as dt

from django.template import Context, Template

from ocop.web.templatetags.ocop_ui import dmy, dmy_hm, vnd


def test_money_is_shown_in_dong_with_dot_separators():
    assert vnd(1250000) == "1.250.000 ₫"
    assert vnd(0) == "0 ₫"
    assert vnd(None) == "—"


def test_dates_are_day_month_year_in_vietnam_time():
    assert dmy(dt.date(2025, 7, 1)) == "01/07/2025"
    late_utc = dt.datetime(2025, 6, 30, 18, 5, tzinfo=dt.UTC)  # already 1 July in Hà Nội
    assert dmy(late_utc) == "01/07/2025"
    assert dmy_hm(late_utc) == "01/07/2025 01:05"


def test_try_url_gives_an_empty_string_for_pages_not_built_yet():
    template = Template(
        '{% load ocop_ui %}{% try_url "web:home" as a %}{% try_url "nowhere:page" as b %}[{{ a }}][{{ b }}]'
    )
    assert template.render(Context()) == "[/][]"
