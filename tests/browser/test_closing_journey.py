"""A demo report goes all the way round the loop in a real browser: acknowledged, an action
added on the report page, marked done by its owner on the closeout board, verified there by
someone else, summarised — Closed by itself — while the anonymous reporter watches each step
on /followup and finally answers "Is it fixed?"."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal import demo
from portal.database import begin_write
from portal.extensions import db
from portal.lib import codes
from portal.models import Report, ReportStatus
from tests.browser.helpers import fits_the_screen, open_context, screenshot

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
SUPERVISOR = {
    "riverside": "supervisor.riverside@closecall.example",
    "north-dc": "supervisor.north@closecall.example",
}
SAFETY = "safety@closecall.example"


@pytest.fixture
def laptop(browser, live_server):
    yield from open_context(browser, live_server, viewport=LAPTOP, locale="en-US")


@pytest.fixture
def second_laptop(browser, live_server):
    yield from open_context(browser, live_server, viewport=LAPTOP, locale="en-US")


@pytest.fixture
def demo_report(app) -> tuple[str, int, str]:
    """The demo company (a small one); the newest report's receipt, id and site slug."""
    with app.app_context():
        begin_write()
        summary = demo.seed(report_count=30, seed=7)
        db.session.commit()
        receipt = summary.rsplit(": ", 1)[1].strip()
        digest = codes.receipt_hash(app.config["SECRET_KEY"], codes.normalize(receipt))
        report = db.session.scalar(select(Report).where(Report.receipt_hash == digest))
        assert report.status == ReportStatus.NEW, "the newest demo report waits in New"
        found = receipt, report.id, report.site.slug
        db.session.remove()
    return found


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/"))


def _followup(phone, receipt: str):
    page = phone.new_page()
    page.goto("/followup")
    page.get_by_label("Your receipt code").fill(receipt)
    page.get_by_role("button", name="Show my report").click()
    return page


def test_a_demo_report_is_fixed_verified_and_closed_while_the_reporter_watches(
    demo_report, phone, laptop, second_laptop
):
    receipt, rid, site = demo_report

    # The safety manager acknowledges it on the triage board.
    manager = laptop.new_page()
    _sign_in(manager, SAFETY)
    manager.goto("/triage")
    card = manager.locator(f"#cards-new #card-{rid}")
    card.get_by_role("button", name=re.compile("^Acknowledge")).click()
    manager.locator(f"#cards-acknowledged #card-{rid}").wait_for()

    reporter = _followup(phone, receipt)
    reporter.get_by_text("Acknowledged — a supervisor has seen it").first.wait_for()

    # On the report page: an engineering control, owned by the site's supervisor, shown to
    # the reporter. The due date comes pre-filled by risk.
    manager.goto(f"/reports/{rid}")
    form = manager.locator("form.add-action")
    assert form.get_by_label("Due date").input_value()
    form.get_by_label("What will change").fill("A mirror and a stop line at the aisle end")
    form.get_by_label("Engineering control").check()
    owner = form.get_by_label("Owner", exact=True)
    supervisor_name = SUPERVISOR[site].split("@")[0].replace(".", " ").title()
    owner.select_option(label=supervisor_name)
    form.get_by_label("Show this action to the reporter").check()
    form.get_by_role("button", name="Add action").click()
    manager.locator(".action-list").get_by_text(
        "A mirror and a stop line at the aisle end"
    ).wait_for()
    assert "In progress" in manager.locator(".report-head").inner_text()
    screenshot(manager, "laptop-report-actions")

    reporter.reload()
    reporter.get_by_text("Being fixed").first.wait_for()
    reporter.get_by_text(re.compile("A mirror and a stop line at the aisle end — due ")).wait_for()
    screenshot(reporter, "phone-followup-in-progress")

    # The supervisor marks it done on the closeout board.
    board = second_laptop.new_page()
    _sign_in(board, SUPERVISOR[site])
    board.goto("/closeout?mine=1")
    action = board.locator("article", has_text="A mirror and a stop line at the aisle end")
    action.get_by_role("link", name=re.compile("^Mark done")).click()
    done_form = board.locator("form.complete-form")
    done_form.get_by_label("What was done?").fill("Mirror fitted, stop line painted")
    done_form.get_by_role("button", name="Mark done", exact=True).click()
    board.locator("#cards-done article", has_text="A mirror and a stop line").wait_for()
    screenshot(board, "laptop-closeout-done")

    reporter.reload()
    reporter.get_by_text("Fixed — waiting to be checked").first.wait_for()

    # The safety manager, not the person who did it, verifies it.
    manager.goto("/closeout")
    waiting = manager.locator("#cards-done article", has_text="A mirror and a stop line")
    waiting.get_by_role("link", name=re.compile("^Verify")).click()
    verify = manager.locator("form.verify-form")
    verify.get_by_label("How did you check the fix?").fill("Walked the aisle: mirror and line")
    verify.get_by_role("button", name="Verified — the fix holds").click()
    manager.locator("#cards-verified article", has_text="A mirror and a stop line").wait_for()

    # Not closed until the crew is told what was fixed.
    manager.goto(f"/reports/{rid}")
    assert "Before this report can close" in manager.content()
    manager.get_by_label("What we fixed", exact=True).fill(
        "The aisle end has a mirror and a stop line now."
    )
    manager.get_by_role("button", name="Save summary").click()
    manager.locator(".report-head", has_text="Closed").wait_for()
    screenshot(manager, "laptop-report-closed")

    # The reporter sees every step, and answers the question.
    reporter.reload()
    reporter.get_by_text("Fixed and checked").first.wait_for()
    page_text = reporter.locator("main").inner_text()
    assert re.search(r"Checked \d", page_text), page_text
    assert "supervisor" not in page_text.lower().replace("a supervisor has seen it", "")
    reporter.get_by_role("button", name="Yes").click()
    reporter.get_by_text("Thank you for checking.").wait_for()
    assert fits_the_screen(reporter)
    screenshot(reporter, "phone-followup-closed")
