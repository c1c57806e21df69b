"""The closeout board in a real browser (Debian's chromium; skipped where it is missing):
forms open inside the card, a completed action moves column in place with its photo, the
verifier sends it back, and the layout is one column on a phone and five on a wide laptop."""

from __future__ import annotations

import re

import pytest

from portal.closeout import board as closeout_board
from tests.browser.helpers import PHONE, fits_the_screen, open_context
from tests.factories import PASSWORD, add_action, jpeg, new_report

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}


@pytest.fixture
def laptop(browser, live_server):
    yield from open_context(browser, live_server, viewport=WIDE, locale="en-US")


@pytest.fixture
def narrow(browser, live_server):
    """A 390 px wide window (not mobile emulation, which widens the page to fit its content)."""
    yield from open_context(browser, live_server, viewport=PHONE, locale="en-US")


def _sign_in(page, persona) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(persona.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/"))


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))


def test_an_action_is_completed_sent_back_and_verified_in_place(app, laptop, world, tmp_path):
    rid = new_report(app, world.location_a)
    aid = add_action(app, rid, world.admin, world.supervisor_a, days=-2)
    photo = tmp_path / "fix.jpg"
    photo.write_bytes(jpeg((120, 90)))
    page = laptop.new_page()
    _sign_in(page, world.supervisor_a)
    page.goto("/closeout")
    card = page.locator(f"#cards-overdue #action-{aid}")
    assert "2 days overdue" in card.inner_text()

    # The owner opens the form inside the card (a 422 would count as a page problem here:
    # refusals are covered by the route tests).
    card.get_by_role("link", name=re.compile("^Mark done")).click()
    form = page.locator(f"#action-{aid} form.complete-form")
    form.wait_for()

    # With a note and a photo the card moves to Done, without leaving the page.
    form.get_by_label("What was done?").fill("Guard fitted on press 2")
    form.get_by_label("Photo of the fix (optional)").set_input_files(str(photo))
    form.get_by_role("button", name="Mark done", exact=True).click()
    done = page.locator(f"#cards-done #action-{aid}")
    done.wait_for()
    assert page.locator(f"#cards-overdue #action-{aid}").count() == 0
    assert page.locator("#head-done .count").inner_text() == "1"
    assert page.locator("#head-overdue .count").inner_text() == "0"
    thumb = done.locator("img")
    thumb.wait_for()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    assert "You completed this: someone else verifies it." in done.inner_text()
    assert page.url.endswith("/closeout")

    # The safety manager checks it: not fixed, sent back with the reason.
    _sign_out(page)
    _sign_in(page, world.safety)
    page.goto("/closeout")
    page.locator(f"#cards-done #action-{aid}").get_by_role(
        "link", name=re.compile("^Verify")
    ).click()
    form = page.locator(f"#action-{aid} form.verify-form")
    assert "Completed by sup.a." in form.inner_text()
    form.get_by_label("How did you check the fix?").fill("The guard is loose")
    form.get_by_role("button", name="Not fixed — send back").click()
    page.locator(f"#cards-overdue #action-{aid}").wait_for()
    assert page.locator(f"#cards-done #action-{aid}").count() == 0

    # Done again, by the admin this time; the safety manager verifies it.
    _sign_out(page)
    _sign_in(page, world.admin)
    page.goto("/closeout")
    page.locator(f"#action-{aid}").get_by_role("link", name=re.compile("^Mark done")).click()
    form = page.locator(f"#action-{aid} form.complete-form")
    form.get_by_label("What was done?").fill("Guard re-bolted")
    form.get_by_role("button", name="Mark done", exact=True).click()
    page.locator(f"#cards-done #action-{aid}").wait_for()
    _sign_out(page)
    _sign_in(page, world.safety)
    page.goto("/closeout")
    page.locator(f"#action-{aid}").get_by_role("link", name=re.compile("^Verify")).click()
    form = page.locator(f"#action-{aid} form.verify-form")
    form.get_by_label("How did you check the fix?").fill("Pulled on it: holds")
    form.get_by_role("button", name="Verified — the fix holds").click()
    verified = page.locator(f"#cards-verified #action-{aid}")
    verified.wait_for()
    assert "Verified by safety" in verified.inner_text()


BOXES = (
    "() => Array.from(document.querySelectorAll('article.card, .column-head'),"
    " a => [a.id, JSON.stringify(a.getBoundingClientRect())])"
)


def _same_boxes(page, before) -> None:
    """Every card and column where it was; a busy machine may need a moment to settle."""
    for _ in range(20):
        if page.evaluate(BOXES) == before:
            return
        page.wait_for_timeout(100)
    assert page.evaluate(BOXES) == before


def test_a_form_opens_at_the_side_nothing_moves_and_cancel_brings_back_the_card(app, laptop, world):
    rid = new_report(app, world.location_a)
    for days in (-1, 3, 20):
        add_action(app, rid, world.admin, world.supervisor_a, days=days)
    aid = add_action(app, rid, world.admin, world.supervisor_a, days=2)
    page = laptop.new_page()
    _sign_in(page, world.supervisor_a)
    page.goto("/closeout")
    page.wait_for_load_state("networkidle")
    before = page.evaluate(BOXES)
    card = page.locator(f"#action-{aid}")
    card.locator("summary").click()  # More: a new date is a deliberate step, with its reason
    card.get_by_role("link", name=re.compile("^Change due date")).click()
    form = page.locator(f"#action-{aid} form.due-form")
    form.wait_for()
    _same_boxes(page, before)
    box = form.bounding_box()
    assert box is not None and box["x"] + box["width"] <= WIDE["width"] + 1
    page.locator(f"#action-{aid}").get_by_role("link", name="Cancel", exact=True).click()
    page.locator(f"#action-{aid} .card-actions").wait_for()
    assert page.locator(f"#action-{aid} form").count() == 0
    assert page.url.endswith("/closeout")
    _same_boxes(page, before)


def test_show_more_loads_a_columns_next_cards_in_place(app, laptop, world, monkeypatch):
    monkeypatch.setattr(closeout_board, "BOARD_LIMIT", 2)
    rid = new_report(app, world.location_a)
    made = [add_action(app, rid, world.admin, world.supervisor_a, days=-d) for d in (5, 4, 3)]
    page = laptop.new_page()
    _sign_in(page, world.supervisor_a)
    page.goto("/closeout")
    assert page.locator("#cards-overdue article.card").count() == 2
    page.get_by_role("link", name="Show 1 more").click()
    page.locator(f"#action-{made[2]}").wait_for()
    assert page.locator(".column-overdue article.card").count() == 3
    assert page.url.endswith("/closeout")


def test_five_columns_on_a_wide_laptop_and_one_on_a_phone(app, laptop, narrow, world):
    add_action(app, new_report(app, world.location_a), world.admin, world.supervisor_a)
    heads = ["overdue", "this_week", "later", "done", "verified"]
    for browsing, one_row in ((laptop, True), (narrow, False)):
        page = browsing.new_page()
        _sign_in(page, world.supervisor_a)
        page.goto("/closeout")
        boxes = [page.locator(f"#head-{key}").bounding_box() for key in heads]
        tops = {round(box["y"]) for box in boxes}
        lefts = {round(box["x"]) for box in boxes}
        if one_row:
            assert len(tops) == 1 and len(lefts) == 5
        else:
            assert len(lefts) == 1 and len(tops) == 5
        assert fits_the_screen(page)
        page.close()
