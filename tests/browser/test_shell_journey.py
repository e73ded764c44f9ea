import pytest
from playwright.sync_api import expect

from ocop.accounts.constants import Role
from ocop.producers.tests.factories import ProducerFactory
from tests.browser.i18n import english_locale_dir

pytestmark = pytest.mark.browser

ENGLISH = {"Bảng điều khiển": "Dashboard", "Chủ thể theo loại hình": "Producers by legal form"}


@pytest.fixture
def english(settings, tmp_path):
    settings.LOCALE_PATHS = [english_locale_dir(tmp_path, ENGLISH), *settings.LOCALE_PATHS]


def test_a_province_officer_logs_in_sees_the_dashboard_and_switches_to_english(
    page, log_in, user_for, commune, english
):
    ProducerFactory.create_batch(3, commune=commune)
    officer = user_for(Role.PROVINCE_OFFICER, province=commune.province, full_name="Đỗ Thị Lan")
    log_in(page, officer)

    heading = page.locator("main h1")
    assert heading.inner_text() == "Bảng điều khiển"
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Đỗ Thị Lan" in page.locator(".user-menu summary").inner_text()
    assert commune.province.name in page.locator(".brand-context").inner_text()
    assert page.locator(".stat").first.inner_text().split()[-1] == "3"

    with page.expect_navigation():
        page.get_by_role("button", name="EN").click()

    assert heading.inner_text() == "Dashboard"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Producers by legal form").is_visible()
    assert page.get_by_role("button", name="EN").get_attribute("aria-pressed") == "true"


def test_the_menu_collapses_behind_a_toggle_on_a_narrow_screen(page, log_in, user_for, province):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, user_for(Role.PROVINCE_OFFICER, province=province))
    menu = page.locator("#nav-menu")
    assert not menu.is_visible()
    page.locator("label.nav-toggle").click()
    expect(menu).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_logging_out_posts_the_form_and_returns_to_the_log_in_page(
    page, log_in, user_for, province
):
    log_in(page, user_for(Role.INSPECTOR, province=province))
    page.locator(".user-menu summary").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()
    assert "/accounts/login/" in page.url
    assert page.locator(".user-menu").count() == 0


def test_going_back_after_an_htmx_filter_reloads_the_whole_page(page, log_in, user_for, commune):
    ProducerFactory(commune=commune, name="HTX An Bình", kind="htx")
    ProducerFactory(commune=commune, name="Công ty Bảo Lộc", kind="dn")
    log_in(page, user_for(Role.PROVINCE_OFFICER, province=commune.province))
    page.goto("/producers/")
    with page.expect_response(lambda r: "kind=dn" in r.url):
        page.get_by_role("combobox", name="Loại hình", exact=True).select_option("dn")
    page.wait_for_url("**kind=dn**")
    expect(page.locator("table.table tbody tr")).to_have_count(1)

    # htmx keeps no snapshot (historyCacheSize 0): going back reloads the page from the server.
    with page.expect_event("load"):
        page.go_back()

    assert page.url.endswith("/producers/")
    assert page.locator("main h1").count() == 1
    assert page.locator(".site-header").count() == 1
    assert page.locator("table.table tbody tr").count() == 2
