"""/followup answers first what the reporter came for: the safety team's open question, or
"Is it fixed?", above the status and the history — opened from the receipt's link, with the
code in the fragment, in English and Spanish."""

from __future__ import annotations

import pytest

from tests.browser.helpers import fits_the_screen
from tests.browser.kiosk import expect
from tests.factories import act, add_action, change, make_report

pytestmark = pytest.mark.browser


def _above(page, first, second) -> bool:
    return first.bounding_box()["y"] < second.bounding_box()["y"]


def test_an_open_question_is_at_the_top_in_spanish(app, world, phone_es):
    made = make_report(app, world)
    act(app, made.id, world.supervisor_a, "acknowledge")
    act(app, made.id, world.supervisor_a, "ask_reporter", body="¿Qué carretilla era?")
    page = phone_es.new_page()
    page.goto(f"/followup?lang=es#code={made.code}")
    question = page.get_by_text("¿Qué carretilla era?")
    expect(question).to_be_visible()
    assert "#" not in page.url
    assert _above(page, question, page.get_by_text("Estado", exact=True))
    assert _above(
        page, page.get_by_role("button", name="Enviar respuesta"), page.locator(".timeline")
    )
    assert fits_the_screen(page)


def test_is_it_fixed_is_at_the_top(app, world, phone):
    made = make_report(app, world)
    action = add_action(
        app, made.id, world.safety, owner=world.supervisor_a, visible=True, description="A guard"
    )
    change(app, action, world.supervisor_a, "complete", note="Guard bolted on.")
    page = phone.new_page()
    page.goto(f"/followup#code={made.code}")
    asked = page.get_by_role("heading", name="Is it fixed?")
    expect(asked).to_be_visible()
    assert _above(page, asked, page.get_by_text("Status", exact=True))
    assert _above(page, page.get_by_role("button", name="Not really"), page.locator(".timeline"))
    expect(page.get_by_role("heading", name="What was changed")).to_be_visible()
