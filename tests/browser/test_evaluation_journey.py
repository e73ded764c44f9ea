"""A council member scores an application in the browser (running totals through htmx, save,
submit); the chair reads the summary; the secretary finalises the council's score."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ocop.accounts.tests.factories import actor_for
from ocop.evaluation import council as svc
from ocop.evaluation.constants import Outcome, SheetStatus
from ocop.evaluation.models import ScoreSheet
from ocop.evaluation.tests.policy_cases_council import build_council, full_answers

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("OCOP_SCREENSHOTS", "/tmp/ocop-screenshots"))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _log_out(page) -> None:
    page.locator("details.user-menu summary").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()


def _total(page) -> str:
    return page.locator("#sheet-total").inner_text()


def test_a_member_scores_online_and_the_council_finalises(page, log_in, transactional_db, commune):
    world = build_council(province=commune.province)
    for key in ("chair", "secretary"):
        seat = world.seats[key]
        sheet = svc.sheet_save(
            actor=actor_for(seat.user),
            application=world.app,
            member=seat,
            answers=full_answers(world.ruleset),
            expected_version=1,
        )
        svc.sheet_submit(actor=actor_for(seat.user), sheet=sheet)
    member = world.seats["member"]
    page.on("dialog", lambda dialog: dialog.accept())

    # The member opens their sheets and the assigned application.
    log_in(page, member.user)
    page.goto("/evaluation/sheets/")
    assert page.locator("main h1").inner_text() == "Phiếu chấm của tôi"
    with page.expect_navigation():
        page.get_by_role("link", name=str(world.app.product)).click()
    assert page.locator("#sheet-total").inner_text() == "0"
    page.evaluate("window.__sameDocument = true")

    # Picking options updates the running totals without a reload.
    options = {
        (c.code, str(int(o.points))): o.code
        for c in world.ruleset.criteria.prefetch_related("options")
        for o in c.options.all()
    }

    def choose(criterion: str, points: str) -> None:
        code = options[(criterion, points)]
        page.locator(f"input[name='c-{criterion}'][value='{code}']").check()

    choose("A1.1", "10")
    expect(page.locator("#sheet-total")).to_have_text("10")
    choose("B1.1", "25")
    expect(page.locator("#sheet-total")).to_have_text("35")
    assert page.locator("[data-part-total='A']").inner_text() == "10"
    assert page.locator("[data-part-total='B']").inner_text() == "25"
    assert page.evaluate("window.__sameDocument") is True
    page.locator("textarea[name='n-B1.1']").fill("Có hồ sơ truy xuất nguồn gốc đầy đủ")

    # Save as a draft.
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").click()
    assert "Đã lưu nháp phiếu chấm." in page.locator(".messages").inner_text()
    sheet = ScoreSheet.objects.get(application=world.app, member=member)
    assert (sheet.status, sheet.total) == (SheetStatus.DRAFT, 35)
    assert _total(page) == "35"

    # Finish and submit: the sheet is locked afterwards.
    choose("A1.2", "10")
    choose("A2.1", "15")
    choose("C1.1", "40")
    expect(page.locator("#sheet-total")).to_have_text("100")
    _shot(page, "evaluation-sheet")
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp phiếu").click()
    assert "Đã nộp phiếu chấm." in page.locator(".messages").inner_text()
    assert page.get_by_role("button", name="Nộp phiếu").count() == 0
    assert page.locator("input[type=radio]:not([disabled])").count() == 0
    sheet.refresh_from_db()
    assert (sheet.status, sheet.total) == (SheetStatus.SUBMITTED, 100)
    _log_out(page)

    # The chair reads the summary: every member's total and the mean.
    log_in(page, world.seats["chair"].user)
    page.goto(f"/evaluation/rounds/{world.round.public_id}/council/summary/")
    row = page.locator("table.summary-table tbody tr", has_text=str(world.app.product))
    assert row.locator("td.score-cell strong").all_inner_texts() == ["100", "100", "100"]
    assert "5★" in row.inner_text()
    assert "Đủ phiếu, chờ chốt điểm" in row.inner_text()  # the chair returns, does not finalise
    _shot(page, "evaluation-summary")
    _log_out(page)

    # The secretary finalises the council's score.
    log_in(page, world.seats["secretary"].user)
    page.goto(f"/evaluation/rounds/{world.round.public_id}/council/summary/")
    with page.expect_navigation():
        page.get_by_role("button", name="Chốt điểm").click()
    assert "Đã chốt điểm" in page.locator(".messages").inner_text()
    world.app.refresh_from_db()
    assert world.app.outcome == Outcome.PROPOSED_NATIONAL
    assert "Tiềm năng 5 sao" in page.locator("table.summary-table").inner_text()
