"""The phone form: Enter sends the report, nothing sticks out sideways on small phones, the
limits show before they bite, and over-long text comes back with a message, kept."""

from __future__ import annotations

import pytest

from tests.browser.helpers import fits_the_screen, open_context, phone_options, screenshot
from tests.browser.kiosk import RECEIPT, expect

pytestmark = pytest.mark.browser

WHAT = "A pallet leaned out of rack 7 while the reach truck passed."

# what sticks out of the window, or out of the box it sits in (the tiles of "Add more")
OVERFLOW = """
() => [...document.querySelectorAll("main *")].filter((el) => {
  const right = el.getBoundingClientRect().right;
  const box = el.parentElement.closest("details, fieldset, .field, form");
  return right > window.innerWidth + 0.5
    || (box && right > box.getBoundingClientRect().right + 0.5);
}).map((el) => `${el.tagName.toLowerCase()}.${el.className} ${el.getBoundingClientRect().right}`)
"""


@pytest.mark.parametrize("width", [320, 360, 390, 414])
@pytest.mark.parametrize("locale", ["en-US", "es-ES"])
def test_no_sideways_scroll_with_everything_open(browser, live_server, world, width, locale):
    options = {**phone_options(locale), "viewport": {"width": width, "height": 800}}
    for browsing in open_context(browser, live_server, **options):
        page = browsing.new_page()
        page.goto(f"/r/{world.location_a}")
        page.locator("details.more summary").click()
        page.locator("[name=reporter_role]").first.check()
        assert page.evaluate(OVERFLOW) == []
        assert fits_the_screen(page)
        if width in (320, 390):
            screenshot(page, f"phone-form-{locale}-{width}")


def _send(page, press):
    """Send by `press()`; the server's answer to the POST."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        press()
    page.wait_for_load_state()
    return answer.value


def test_enter_in_a_one_line_field_sends_the_report(phone, world):
    page = phone.new_page()
    page.goto(f"/r/{world.location_a}")
    page.get_by_label("What happened?", exact=True).fill(WHAT)
    page.get_by_role("radio", name="Minor injury").check()
    where = page.get_by_label("Where?", exact=True)
    where.fill("Rack 7")
    assert _send(page, lambda: where.press("Enter")).status == 200
    expect(page.get_by_test_id("receipt-code")).to_have_text(RECEIPT)
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_enter_in_spanish_sends_too_and_the_language_button_still_keeps_the_words(phone_es, world):
    page = phone_es.new_page()
    page.goto(f"/r/{world.location_a}")
    page.get_by_label("¿Qué pasó?", exact=True).fill(WHAT)
    page.get_by_role("radio", name="Lesión leve").check()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_label("What happened?", exact=True)).to_have_value(WHAT)
    expect(page.get_by_role("radio", name="Minor injury")).to_be_checked()
    page.get_by_role("button", name="Español").click()
    words = page.get_by_label("En tus propias palabras (opcional)", exact=True)
    words.fill("Le pudo aplastar el pie.")
    assert _send(page, lambda: words.press("Enter")).status == 200
    expect(page.get_by_role("heading", name="Gracias. Recibimos tu reporte.")).to_be_visible()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_limits_show_as_a_live_count_and_over_long_text_comes_back_kept(phone, world, lang):
    words = {
        "en": ("What happened?", "Characters left: ", "Too long: shorten it by 5", "Send report",
               "Please keep this under 200 characters."),
        "es": ("¿Qué pasó?", "Caracteres restantes: ", "Demasiado largo: acórtalo en 5",
               "Enviar reporte", "Por favor, usa menos de 200 caracteres."),
    }[lang]  # fmt: skip
    label, left, over, send_label, refused = words
    page = phone.new_page()
    page.goto(f"/r/{world.location_a}?lang={lang}")
    what = page.get_by_label(label, exact=True)
    count = page.locator("#what_happened-count")
    expect(count).to_have_text(f"{left}4000")
    what.fill("Line one\nline two")
    expect(count).to_have_text(f"{left}{4000 - len('Line one') - 2 - len('line two')}")
    assert page.locator("#where-count").text_content() == f"{left}194"  # "Dock 1"
    where = page.locator("[name=where]")
    too_long = "W" * 205
    where.fill(too_long)  # nothing cut: the browser's maxlength is lifted
    expect(where).to_have_value(too_long)
    expect(page.locator("#where-count")).to_have_text(over)
    expect(page.locator("#where-count")).to_have_class("count over")
    page.locator("[name=potential_outcome]").first.check()
    answer = _send(page, lambda: page.get_by_role("button", name=send_label).click())
    assert answer.status == 422
    expect(page.get_by_text(refused)).to_be_visible()
    expect(page.locator("[name=where]")).to_have_value(too_long)
    expect(page.locator("[name=what_happened]")).to_have_value("Line one\nline two")
    expect(page.locator("#where-count")).to_have_text(over)


@pytest.mark.parametrize("locale", ["en-US", "es-ES"])
def test_follow_this_report_opens_the_follow_up_without_the_code_in_any_address(
    browser, live_server, world, locale
):
    follow, status = {
        "en-US": ("Follow this report", "Received — waiting to be looked at"),
        "es-ES": ("Seguir este reporte", "Recibido — pendiente de revisión"),
    }[locale]
    for browsing in open_context(browser, live_server, **phone_options(locale)):
        page = browsing.new_page()
        addresses: list[str] = []
        page.on("request", lambda request, seen=addresses: seen.append(request.url))
        page.goto(f"/r/{world.location_a}")
        page.locator("[name=what_happened]").fill(WHAT)
        page.locator("[name=potential_outcome]").first.check()
        page.locator("[name=where]").press("Enter")
        code = page.get_by_test_id("receipt-code")
        expect(code).to_have_text(RECEIPT)
        receipt = code.inner_text()
        page.get_by_role("link", name=follow).click()
        expect(page.get_by_text(status, exact=True)).to_be_visible()
        assert "#" not in page.url and receipt not in page.url
        assert not [url for url in addresses if receipt in url or receipt.replace("-", "") in url]
        assert fits_the_screen(page)


def test_photos_chosen_before_the_form_comes_back_are_kept(phone, world, tmp_path):
    from tests.report_form.test_photos import jpeg_with_metadata

    photo = tmp_path / "dock-door.jpg"
    photo.write_bytes(jpeg_with_metadata())
    page = phone.new_page()
    page.goto(f"/r/{world.location_a}")
    page.locator("[name=what_happened]").fill(WHAT)  # the outcome is missing
    page.get_by_text("Add more (optional)").click()
    page.locator("input[type=file]").set_input_files(str(photo))
    assert _send(page, lambda: page.get_by_role("button", name="Send report").click()).status == 422
    expect(page.get_by_text("Please choose what could have happened.")).to_be_visible()
    assert page.locator("input[type=file]").evaluate("(el) => el.files[0].name") == "dock-door.jpg"
    expect(page.get_by_text("Please add them again")).to_be_hidden()
    page.locator("[name=potential_outcome]").first.check()
    assert _send(page, lambda: page.get_by_role("button", name="Send report").click()).status == 200
    expect(page.get_by_test_id("receipt-code")).to_have_text(RECEIPT)


def test_without_javascript_the_page_names_the_photos_to_add_again(
    browser, live_server, world, tmp_path
):
    from tests.report_form.test_photos import jpeg_with_metadata

    photo = tmp_path / "dock-door.jpg"
    photo.write_bytes(jpeg_with_metadata())
    for browsing in open_context(
        browser, live_server, **phone_options(), java_script_enabled=False
    ):
        page = browsing.new_page()
        page.goto(f"/r/{world.location_a}")
        page.locator("[name=what_happened]").fill(WHAT)
        page.get_by_text("Add more (optional)").click()
        page.locator("input[type=file]").set_input_files(str(photo))
        send = page.get_by_role("button", name="Send report")
        assert _send(page, send.click).status == 422
        expect(page.get_by_text("Please add them again: dock-door.jpg")).to_be_visible()


def test_the_feed_leads_to_a_report_form_by_the_code_on_the_poster(phone_es, world):
    from tests.browser.test_accessibility import serious

    page = phone_es.new_page()
    page.goto("/feed")
    page.get_by_role("link", name="Reporta un casi accidente").click()
    assert serious(page) == []
    assert fits_the_screen(page)
    code = page.get_by_label("¿Sin cámara? Escribe el código del cartel")
    code.fill("nope!")
    code.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("después de /r/")
    code = page.get_by_label("¿Sin cámara? Escribe el código del cartel")
    code.fill(world.location_a.lower())
    code.press("Enter")
    expect(page.get_by_role("heading", name="Reporta un casi accidente")).to_be_visible()
    expect(page.get_by_label("¿Dónde?", exact=True)).to_have_value("Dock 1")
