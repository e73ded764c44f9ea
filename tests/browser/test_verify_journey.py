"""A consumer opens a stamp's verification page; after the province revokes the certificate, the
same page says "revoked" at once (no cache, the status is derived on every request)."""

import os
from pathlib import Path

import pytest

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for
from ocop.certificates import grounds, services
from ocop.stamps.tests.verify_support import genuine_stamp, token

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("OCOP_SCREENSHOTS", "/tmp/ocop-screenshots"))


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_scanned_code_shows_the_revocation_at_once(page, user_for, transactional_db):
    stamp = genuine_stamp()
    cert = stamp.lot.certificate
    officer = user_for(Role.PROVINCE_OFFICER, province=cert.province)

    page.goto(f"/v/{token(stamp)}")
    verdict = page.get_by_role("status")
    assert "Tem OCOP thật" in verdict.text_content()
    assert page.get_by_test_id("certificate-status").inner_text() == "Còn hiệu lực"
    assert cert.product_name in page.locator("main").inner_text()
    shot(page, "verify-genuine")

    services.certificate_revoke(
        actor=actor_for(officer),
        certificate=cert,
        legal_ground=grounds.grounds_for("revoke")[0].code,
        public_reason="Sản phẩm không còn đáp ứng tiêu chuẩn chất lượng đã công bố.",
    )
    page.reload()

    assert page.get_by_test_id("certificate-status").inner_text() == "Đã thu hồi"
    assert "không còn hiệu lực" in page.get_by_role("status").text_content()
    assert "Sản phẩm không còn đáp ứng tiêu chuẩn" in page.locator("main").inner_text()
    shot(page, "verify-revoked")
    with page.expect_navigation():
        page.get_by_role("link", name="Báo cáo vấn đề với sản phẩm hoặc tem này").click()
    assert page.locator("main h1").inner_text() == "Báo cáo vấn đề với sản phẩm hoặc tem"
