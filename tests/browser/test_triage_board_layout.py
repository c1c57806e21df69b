"""The triage board on a 1440x900 laptop: compact cards (five of a column in view, the most
late first), a card's form opening at the side without moving the board, and a supervisor's
morning at 1440x900 and 1024x768."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import Report
from portal.triage import board as triage_board
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
    page.wait_for_load_state("networkidle")  # htmx has processed the board; thumbnails are in
    return page


def _same_boxes(page, before: list[list[str]], form) -> None:
    """Every card where it was; a busy machine may need a moment to settle the swap."""
    for _ in range(20):
        if page.evaluate(BOXES) == before:
            return
        page.wait_for_timeout(100)
    where = form.evaluate("f => [getComputedStyle(f).position, innerWidth, location.pathname]")
    assert page.evaluate(BOXES) == before, f"the form is {where}"


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
    _same_boxes(page, before, form)
    box = form.bounding_box()
    assert box is not None and box["x"] + box["width"] <= LAPTOP["width"] + 1
    assert box["height"] <= LAPTOP["height"]  # the panel scrolls inside itself
    form.get_by_role("link", name="Cancel").click()
    page.locator("form.classify-form").wait_for(state="detached")
    _same_boxes(page, before, form)


@pytest.mark.parametrize("size", [LAPTOP, {"width": 1024, "height": 768}], ids=["1440", "1024"])
def test_a_supervisors_morning_late_first_then_more_then_a_question(
    browser, live_server, app, world, monkeypatch, size
):
    """Overdue cards first; the late link shows exactly those; "Show more" loads the rest in
    place; a question asked from a card's side panel reaches the reporter, whose answer then
    reads in the report page's thread."""
    monkeypatch.setattr(triage_board, "BOARD_LIMIT", 3)
    now = utcnow()
    late = [
        new_report(app, world.location_a, f"Late one {n}", at=now - timedelta(hours=30 + n))
        for n in range(2)
    ]
    fresh = [
        new_report(app, world.location_a, f"Fresh one {n}", at=now - timedelta(hours=n + 1))
        for n in range(3)
    ]
    for laptop in open_context(browser, live_server, viewport=size, locale="en-US"):
        page = _board(laptop, world)
        new = page.locator("#cards-new article.card")
        assert new.nth(0).get_attribute("id") == f"card-{late[1]}"  # 31 h, then 30 h
        assert new.nth(1).get_attribute("id") == f"card-{late[0]}"
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]

        page.get_by_role("link", name="2 wait longer than the limit").click()
        page.wait_for_url(re.compile(r"overdue=1"))
        assert sorted(
            page.locator("#cards-new article.card").evaluate_all("cards => cards.map(c => c.id)")
        ) == sorted(f"card-{rid}" for rid in late)

        page.goto("/triage")
        assert page.locator("#cards-new article.card").count() == 3
        page.get_by_role("link", name="Show 2 more").click()
        page.locator(f"#card-{fresh[0]}").wait_for()
        assert page.locator(".column-new article.card").count() == 5
        assert page.url.endswith("/triage")  # loaded in place

        card = page.locator(f"#card-{fresh[0]}")
        card.get_by_role("button", name=re.compile("^Acknowledge")).click()
        card = page.locator(f"#cards-acknowledged #card-{fresh[0]}")
        card.wait_for()
        card.locator("summary").click()
        card.get_by_role("link", name=re.compile("^Ask the reporter")).click()
        panel = page.locator("form.ask-form")
        panel.get_by_label("Question to the reporter").fill("Which aisle was it?")
        panel.get_by_role("button", name="Send question").click()
        panel.wait_for(state="detached")
        screenshot(page, f"triage-morning-{size['width']}")
    with app.app_context():
        report = db.session.get(Report, fresh[0])
        assert [m.body for m in report.messages] == ["Which aisle was it?"]


def test_a_supervisor_who_chose_spanish_reads_the_boards_in_spanish(
    browser, live_server, app, world
):
    """The saved language wins over an English browser; dates follow it (portal/lib/dates.py)."""
    from datetime import date

    from portal.models import User
    from tests.factories import add_action

    with app.app_context():
        db.session.get(User, world.supervisor_a.id).language = "es"
        db.session.commit()
    rid = new_report(app, world.location_a, "A pallet leaned over the walkway")
    add_action(app, rid, world.safety, world.supervisor_a, due_on=date(2027, 1, 8))
    for laptop in open_context(browser, live_server, viewport=LAPTOP, locale="en-US"):
        page = _board(laptop, world)
        assert page.get_by_role("heading", name="Tablero de triaje").is_visible()
        assert page.locator("html").get_attribute("lang") == "es"
        page.goto("/closeout")
        assert page.get_by_role("heading", name="Tablero de cierre").is_visible()
        assert "Fecha límite 8 ene 2027" in page.locator(".due").first.inner_text()
        screenshot(page, "closeout-es-1440")
