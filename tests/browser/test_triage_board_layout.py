"""The triage board on a 1440x900 laptop: compact cards (five of a column in view, the most
late first) and a card's form opening at the side without moving the board."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.lib.timeutil import utcnow
from tests.browser.helpers import open_context, screenshot
from tests.factories import PASSWORD, act, new_report

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1440, "height": 900}
BOXES = (
    "() => Array.from(document.querySelectorAll('article.card'),"
    " a => [a.id, JSON.stringify(a.getBoundingClientRect())])"
)


@pytest.fixture
def laptop(browser, live_server):
    yield from open_context(browser, live_server, viewport=LAPTOP, locale="en-US")


@pytest.fixture
def busy_board(app, world) -> list[int]:
    """Eight reports with long words, two of them overdue; three of them acknowledged."""
    now = utcnow()
    what = "A pallet leaned out of the top rack over the walkway while a picker walked below it"
    made = [
        new_report(app, world.location_a, f"{what} ({n})", at=now - timedelta(hours=h))
        for n, h in enumerate((2, 30, 5, 50, 1, 3, 9, 12))
    ]
    for rid in made[5:]:
        act(app, rid, world.supervisor_a, "acknowledge")
    return made


def _board(laptop, world):
    page = laptop.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(world.supervisor_a.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/"))
    page.goto("/triage")
    return page


def test_five_cards_of_a_column_are_in_view_with_the_late_ones_first(laptop, world, busy_board):
    page = _board(laptop, world)
    in_view = page.evaluate(
        "() => Array.from(document.querySelectorAll('#cards-new article'))"
        ".filter(a => a.getBoundingClientRect().bottom <= innerHeight).map(a => a.id)"
    )
    screenshot(page, "laptop-triage-compact")
    assert len(in_view) >= 5, in_view
    assert in_view[:2] == [f"card-{busy_board[3]}", f"card-{busy_board[1]}"]  # 50 h, 30 h
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]


def test_a_form_opens_at_the_side_and_nothing_on_the_board_moves(laptop, world, busy_board):
    page = _board(laptop, world)
    before = page.evaluate(BOXES)
    card = page.locator("#cards-acknowledged article.card").first
    card.get_by_role("link", name=re.compile("^Classify")).click()
    form = page.locator("form.classify-form")
    form.wait_for()
    assert page.evaluate(BOXES) == before
    box = form.bounding_box()
    assert box is not None and box["x"] + box["width"] <= LAPTOP["width"] + 1
    assert box["height"] <= LAPTOP["height"]  # the panel scrolls inside itself
    form.get_by_role("link", name="Cancel").click()
    page.locator("form.classify-form").wait_for(state="detached")
    assert page.evaluate(BOXES) == before
