"""Playwright journeys against pytest-django's live server, in Debian's Chromium.

Fixtures:
  browser            one headless Chromium per session (/usr/bin/chromium; never a downloaded one)
  page               a fresh context and page per test, base URL = the live server, Vietnamese
                     locale, 1280×900; fails the test if the page reported a CSP violation
  console_messages   what the page logged (type, text), for extra assertions
  log_in             log_in(page, user, password=TEST_PASSWORD): through the real log-in form
  user_for           user_for(role, province=, commune=, **user fields): a user holding the role

Mark journeys with @pytest.mark.browser (run them alone with `make test-browser`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ocop.accounts.tests.factories import TEST_PASSWORD, user_with_role

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def console_messages() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def page(browser, live_server, console_messages):
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda msg: console_messages.append((msg.type, msg.text)))
    yield page
    context.close()
    violations = [text for _, text in console_messages if "Content Security Policy" in text]
    assert not violations, f"CSP violations: {violations}"


def _log_in(page, user, password: str = TEST_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form[action='/accounts/login/'] button[type=submit]").click()


@pytest.fixture
def log_in():
    return _log_in


@pytest.fixture
def user_for(transactional_db):
    def make(role: str, province=None, commune=None, **fields):
        return user_with_role(role, province=province, commune=commune, **fields)

    return make
