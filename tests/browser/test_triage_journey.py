"""A supervisor takes a fresh report through triage in a real browser, and talks to the
anonymous reporter, who answers from the follow-up page."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import open_context, screenshot
from tests.factories import PASSWORD, time_passes

pytestmark = pytest.mark.browser

BOARD = {"width": 1280, "height": 900}


@pytest.fixture
def laptop(browser, live_server):
    """The supervisor's laptop: the board at 1280x900."""
    yield from open_context(browser, live_server, viewport=BOARD, locale="en-US")


def _report_from_the_floor(phone, code: str, app) -> str:
    """An anonymous report from the phone, and the hour it was made in passes: staff see an
    anonymous report only once its hour is over (portal/lib/hours.py)."""
    page = phone.new_page()
    page.goto(f"/r/{code}")
    page.get_by_label("What happened?").fill("Forklift reversed out of aisle 9 without the horn")
    page.get_by_label("Serious injury or worse").check()
    page.get_by_role("button", name="Send report").click()
    receipt = page.get_by_test_id("receipt-code").inner_text()
    page.close()
    time_passes(app)
    return receipt


def test_a_supervisor_triages_and_talks_to_the_anonymous_reporter(app, phone, laptop, world):
    receipt = _report_from_the_floor(phone, world.location_a, app)

    board = laptop.new_page()
    board.goto("/login")
    board.get_by_label("Email").fill(world.supervisor_a.email)
    board.get_by_label("Password").fill(PASSWORD)
    board.get_by_role("button", name="Sign in").click()
    board.goto("/triage")
    card = board.locator("#cards-new article.card").filter(has_text="Forklift reversed")
    card.wait_for()
    card_id = card.get_attribute("id")

    # Acknowledge in place: the card moves to the Acknowledged column, the page stays.
    card.get_by_role("button", name=re.compile("^Acknowledge")).click()
    moved = board.locator(f"#cards-acknowledged #{card_id}")
    moved.wait_for()
    assert board.locator(f"#cards-new #{card_id}").count() == 0

    # Classify inside the card: severity 4 makes it high-potential automatically.
    moved.get_by_role("link", name=re.compile("^Classify")).click()
    form = board.locator(f"#{card_id} form.classify-form")
    form.get_by_label("Category", exact=True).select_option(label="Vehicles and traffic")
    form.get_by_label("Domain", exact=True).select_option(value="safety")
    form.get_by_label("Severity potential", exact=True).select_option(value="4")
    form.get_by_label("Likelihood", exact=True).select_option(value="3")
    screenshot(board, "laptop-triage-classify")
    form.get_by_role("button", name="Save classification").click()
    board.locator(f"#{card_id} .pill.hipo").wait_for()

    # Assign the safety manager of the site as owner.
    board.locator(f"#{card_id}").get_by_role("link", name=re.compile("^Assign")).click()
    assign = board.locator(f"#{card_id} form.assign-form")
    owner_option = assign.get_by_label("Owner").locator("option", has_text="safety")
    assign.get_by_label("Owner").select_option(value=owner_option.get_attribute("value"))
    assign.get_by_role("button", name="Save assignment").click()
    board.locator(f"#{card_id} summary", has_text="Details").click()  # the rest of the triage
    board.locator(f"#{card_id} .tag.owner", has_text="Owner: safety").wait_for()
    screenshot(board, "laptop-triage-board")

    # Ask the anonymous reporter a question from the report page.
    board.locator(f"#{card_id} h3 a").click()
    board.get_by_label("Message").fill("Which door was it, and was anyone walking there?")
    board.get_by_role("button", name="Send question to the reporter").click()
    board.get_by_text("Which door was it, and was anyone walking there?").first.wait_for()

    # The reporter reads it with the receipt code and answers, still anonymous.
    followup = phone.new_page()
    followup.goto("/followup")
    followup.get_by_label("Your receipt code").fill(receipt)
    followup.get_by_role("button", name="Show my report").click()
    followup.get_by_text("Acknowledged — a supervisor has seen it").first.wait_for()
    followup.get_by_text("Which door was it, and was anyone walking there?").wait_for()
    assert world.supervisor_a.email.split("@")[0] not in followup.content()
    followup.get_by_label("Your answer").fill("Door 4, two pickers were crossing")
    followup.get_by_role("button", name="Send answer").click()
    followup.get_by_text("your answer was sent to the safety team").wait_for()
    screenshot(followup, "phone-followup-answered")

    # The supervisor reads the answer on the report page.
    board.reload()
    board.get_by_text("Door 4, two pickers were crossing").first.wait_for()
    screenshot(board, "laptop-report-page")


def test_empty_columns_say_so_and_stop_saying_so_when_a_card_arrives(app, phone, laptop, world):
    _report_from_the_floor(phone, world.location_a, app)
    board = laptop.new_page()
    board.goto("/login")
    board.get_by_label("Email").fill(world.supervisor_a.email)
    board.get_by_label("Password").fill(PASSWORD)
    board.get_by_role("button", name="Sign in").click()
    board.goto("/triage")
    acknowledged = board.locator(".column-acknowledged .empty")
    new = board.locator(".column-new .empty")
    assert acknowledged.is_visible() and not new.is_visible()
    board.locator("#cards-new").get_by_role("button", name=re.compile("^Acknowledge")).click()
    board.locator("#cards-acknowledged article.card").wait_for()
    assert new.is_visible() and not acknowledged.is_visible()


def test_the_board_works_from_the_keyboard(app, phone, laptop, world):
    _report_from_the_floor(phone, world.location_a, app)
    board = laptop.new_page()
    board.goto("/login")
    board.get_by_label("Email").fill(world.supervisor_a.email)
    board.get_by_label("Password").fill(PASSWORD)
    board.keyboard.press("Enter")
    board.wait_for_url("**/staff/")
    board.goto("/triage")
    acknowledge = board.locator("#cards-new").get_by_role("button", name=re.compile("^Acknowledge"))
    acknowledge.wait_for()
    for _ in range(60):  # Tab through the page until the Acknowledge button has the focus
        board.keyboard.press("Tab")
        if acknowledge.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("the Acknowledge button cannot be reached with Tab")
    assert acknowledge.evaluate("b => getComputedStyle(b).outlineStyle") != "none"
    board.keyboard.press("Enter")
    board.locator("#cards-acknowledged article.card").wait_for()
