"""A worker's journeys in a real browser: poster -> three questions -> receipt -> follow-up."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import fits_the_screen, screenshot

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser

RECEIPT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")
WHAT = "The forklift reversed out of bay 4 without its horn and nearly hit a picker."
WHERE = "Dock 1, door 4"
IN_OWN_WORDS = "His foot was right behind the wheel."


def send(page, button: str = "Send report"):
    """Press the form's send button; the server's response to the POST."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    return answer.value


def test_a_worker_reports_from_the_poster_and_follows_up_on_a_phone(phone, world):
    page = phone.new_page()
    page.goto(f"/r/{world.location_a}")
    expect(page.get_by_role("heading", name="Report a close call")).to_be_visible()
    expect(page.get_by_label("Where?", exact=True)).to_have_value("Dock 1")
    assert fits_the_screen(page)
    screenshot(page, "phone-form")

    page.get_by_label("What happened?", exact=True).fill(WHAT)
    page.get_by_label("Where?", exact=True).fill(WHERE)
    expect(page.get_by_role("group", name="What could have happened?")).to_be_visible()
    for choice in ("Serious injury or worse", "Damage or spill only", "Something else"):
        expect(page.get_by_role("radio", name=choice)).not_to_be_checked()
    page.get_by_role("radio", name="Minor injury").check()
    assert send(page).status == 200

    receipt = page.get_by_test_id("receipt-code")
    expect(receipt).to_have_text(RECEIPT)
    code = receipt.inner_text().strip()
    assert fits_the_screen(page)
    screenshot(page, "phone-receipt")

    page.goto("/followup")
    page.get_by_label("Your receipt code").fill(code)
    page.get_by_role("button", name="Show my report").click()
    expect(page.get_by_text("Received — waiting to be looked at", exact=True)).to_be_visible()
    expect(page.get_by_text("Dock 1 · Alpha Plant")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "phone-followup")


def test_a_spanish_phone_gets_the_form_receipt_and_follow_up_in_spanish(phone_es, world):
    page = phone_es.new_page()
    page.goto(f"/r/{world.location_a}")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Reporta un casi accidente")).to_be_visible()
    expect(page.get_by_label("¿Dónde?", exact=True)).to_have_value("Dock 1")
    screenshot(page, "phone-form-es")

    page.get_by_label("¿Qué pasó?", exact=True).fill("Se cayó una caja desde el estante 3.")
    page.get_by_role("radio", name="Lesión leve").check()
    assert send(page, "Enviar reporte").status == 200
    expect(page.get_by_role("heading", name="Gracias. Recibimos tu reporte.")).to_be_visible()
    code = page.get_by_test_id("receipt-code").inner_text().strip()
    assert RECEIPT.match(code)
    screenshot(page, "phone-receipt-es")

    page.get_by_role("link", name="Seguir un reporte").click()
    page.get_by_label("Tu código de recibo").fill(code)
    page.get_by_role("button", name="Ver mi reporte").click()
    expect(page.get_by_text("Recibido — pendiente de revisión", exact=True)).to_be_visible()
    screenshot(page, "phone-followup-es")


def test_switching_to_spanish_keeps_every_answer_typed_so_far(phone, world):
    page = phone.new_page()
    page.goto(f"/r/{world.location_a}")
    page.get_by_label("What happened?", exact=True).fill(WHAT)
    page.get_by_label("Where?", exact=True).fill(WHERE)
    page.get_by_role("radio", name="Serious injury or worse").check()
    page.get_by_label("In your own words (optional)").fill(IN_OWN_WORDS)

    page.get_by_role("button", name="Español").click()

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_label("¿Qué pasó?", exact=True)).to_have_value(WHAT)
    expect(page.get_by_label("¿Dónde?", exact=True)).to_have_value(WHERE)
    expect(page.get_by_role("radio", name="Lesión grave o algo peor")).to_be_checked()
    expect(page.locator("[name=potential_text]")).to_have_value(IN_OWN_WORDS)
    expect(page.get_by_role("button", name="English")).to_be_visible()
    expect(page.locator(".field-error")).to_have_count(0)

    assert send(page, "Enviar reporte").status == 200
    expect(page.get_by_role("heading", name="Gracias. Recibimos tu reporte.")).to_be_visible()
    expect(page.get_by_test_id("receipt-code")).to_have_text(RECEIPT)


def test_the_kiosk_forgets_the_last_report_when_done(tablet, world):
    page = tablet.new_page()
    page.goto(f"/kiosk/{world.location_a}")
    form = page.locator("form.report")
    expect(form).to_have_attribute("autocomplete", "off")
    expect(page.get_by_text("Shared tablet")).to_be_visible()
    screenshot(page, "tablet-kiosk-form")

    page.get_by_label("What happened?", exact=True).fill(WHAT)
    page.get_by_label("Where?", exact=True).fill(WHERE)
    page.get_by_role("radio", name="Damage or spill only").check()
    response = send(page)
    assert response.status == 200
    assert "cache" in response.all_headers().get("clear-site-data", "")
    expect(page.get_by_test_id("receipt-code")).to_have_text(RECEIPT)
    screenshot(page, "tablet-kiosk-receipt")

    page.get_by_role("link", name="Done").click()
    expect(page.get_by_role("heading", name="Report a close call")).to_be_visible()
    expect(form).to_have_attribute("autocomplete", "off")
    expect(page.get_by_label("What happened?", exact=True)).to_have_value("")
    expect(page.get_by_label("Where?", exact=True)).to_have_value("Dock 1")
    expect(page.get_by_role("radio", name="Damage or spill only")).not_to_be_checked()
    html = page.content()
    assert WHAT not in html
    assert WHERE not in html
    assert page.get_by_test_id("receipt-code").count() == 0


def test_a_missing_answer_comes_back_with_a_message_and_the_rest_kept(phone, world):
    page = phone.new_page()
    page.goto(f"/r/{world.location_a}")
    expect(page.locator("form.report")).to_have_attribute("novalidate", "")
    page.get_by_label("Where?", exact=True).fill(WHERE)
    page.get_by_role("radio", name="Something else").check()
    page.get_by_label("In your own words (optional)").fill(IN_OWN_WORDS)

    assert send(page).status == 422

    what = page.get_by_label("What happened?", exact=True)
    expect(page.get_by_text("Please tell us what happened.")).to_be_visible()
    expect(page.get_by_text("Nothing you typed is lost.")).to_be_visible()
    expect(what).to_have_attribute("aria-invalid", "true")
    expect(what).to_have_value("")
    expect(page.get_by_label("Where?", exact=True)).to_have_value(WHERE)
    expect(page.get_by_role("radio", name="Something else")).to_be_checked()
    expect(page.get_by_label("In your own words (optional)")).to_have_value(IN_OWN_WORDS)
    assert fits_the_screen(page)
    screenshot(page, "phone-form-error")

    what.fill(WHAT)
    assert send(page).status == 200
    expect(page.get_by_test_id("receipt-code")).to_have_text(RECEIPT)
