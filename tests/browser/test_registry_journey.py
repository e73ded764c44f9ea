import pytest
from playwright.sync_api import expect

from ocop.accounts.constants import Role
from ocop.producers.tests.factories import valid_tax_code
from ocop.products.tests.factories import ProductSetFactory

pytestmark = pytest.mark.browser


def _alert(page) -> str:
    return page.locator(".messages .alert-success").inner_text()


def _follow(page, link) -> None:
    """Clicks a link and waits for the page it opens (a bare click returns before the new page
    has loaded, and a look-up right after it may read the old one)."""
    with page.expect_navigation():
        link.click()


def _menu(page, name: str) -> None:
    _follow(
        page,
        page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name=name),
    )


def test_an_officer_registers_a_producer_and_its_product_and_finds_both_in_the_lists(
    page, log_in, user_for, commune
):
    product_set = ProductSetFactory(name_vi="Chè và sản phẩm từ chè")
    officer = user_for(Role.PROVINCE_OFFICER, province=commune.province)
    log_in(page, officer)

    # A producer, through the form (the officer's province is already chosen).
    _menu(page, "Chủ thể OCOP")
    _follow(page, page.get_by_role("link", name="Đăng ký chủ thể"))
    page.get_by_role("combobox", name="Loại hình", exact=True).select_option("htx")
    page.get_by_role("textbox", name="Tên chủ thể", exact=True).fill("HTX Chè Đồi Mây")
    page.get_by_role("textbox", name="Mã số thuế / số ĐKKD", exact=True).fill(valid_tax_code(7))
    page.get_by_role("textbox", name="Người đại diện theo pháp luật", exact=True).fill(
        "Hoàng Văn Sơn"
    )
    province = page.get_by_role("combobox", name="Tỉnh", exact=True)
    assert province.input_value() == str(commune.province.pk)
    page.get_by_role("combobox", name="Xã, phường, đặc khu", exact=True).select_option(
        str(commune.pk)
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng ký", exact=True).click()
    assert "HTX Chè Đồi Mây" in _alert(page)
    assert page.locator("main h1").inner_text() == "HTX Chè Đồi Mây"

    _menu(page, "Chủ thể OCOP")
    expect(page.locator("table.table").get_by_role("link", name="HTX Chè Đồi Mây")).to_be_visible()

    # A product of that producer, through the form.
    _menu(page, "Sản phẩm")
    _follow(page, page.get_by_role("link", name="Đăng ký sản phẩm"))
    page.get_by_role("combobox", name="Chủ thể", exact=True).select_option(
        label=f"HTX Chè Đồi Mây ({commune.name})"
    )
    page.get_by_role("textbox", name="Tên sản phẩm", exact=True).fill("Chè búp Đồi Mây")
    page.get_by_role("combobox", name="Bộ sản phẩm", exact=True).select_option(product_set.code)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng ký", exact=True).click()
    assert "Chè búp Đồi Mây" in _alert(page)

    _menu(page, "Sản phẩm")
    row = page.locator("table.table tbody tr", has_text="Chè búp Đồi Mây")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("HTX Chè Đồi Mây")

    # The dashboard counts them.
    _menu(page, "Trang chủ")
    tiles = page.locator(".stat .stat-value")
    expect(tiles.nth(0)).to_have_text("1")
    expect(tiles.nth(1)).to_have_text("1")


def test_choosing_a_province_refills_the_commune_list_through_htmx(
    page, log_in, user_for, commune, console_messages
):
    log_in(page, user_for(Role.ADMIN))
    page.goto("/producers/new/")
    communes = page.get_by_role("combobox", name="Xã, phường, đặc khu", exact=True)
    assert communes.locator("option", has_text=commune.name).count() == 0
    with page.expect_response(lambda r: "/geo/communes/options" in r.url) as answer:
        page.get_by_role("combobox", name="Tỉnh", exact=True).select_option(
            str(commune.province.pk)
        )
    assert answer.value.ok
    communes.select_option(str(commune.pk))
    assert communes.input_value() == str(commune.pk)
    assert not [text for kind, text in console_messages if kind == "error"]
