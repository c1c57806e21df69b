"""A dropped connection loses nothing: a report sent while the phone is offline is kept on the
phone, said so, and sent by itself exactly once when the phone is back online or the form is
next opened; what was kept is deleted as soon as the receipt arrives. Never on a kiosk."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Report
from tests.browser.kiosk import RECEIPT, expect

pytestmark = pytest.mark.browser

WHAT = "Offline: a reach truck clipped rack 9 in the cold store, offline-6170."
SAVED = "Saved on this phone — it will be sent when you are back online."
SAVED_ES = "Guardado en este teléfono: se enviará cuando vuelvas a tener conexión."
KEPT = "() => localStorage.getItem('closecall.unsent')"


def _reports(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Report.id)))


def _type(page, what: str = WHAT) -> None:
    page.get_by_label("What happened?", exact=True).fill(what)
    page.get_by_role("radio", name="Serious injury or worse").check()


def test_a_report_sent_offline_is_kept_and_sent_once_back_online(app, phone, world):
    page = phone.new_page()
    posts: list[str] = []
    page.on("requestfinished", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"/r/{world.location_a}")
    _type(page)
    phone.context.set_offline(True)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_have_text(SAVED)
    assert WHAT in page.evaluate(KEPT)
    expect(page.get_by_label("What happened?", exact=True)).to_have_value(WHAT)
    page.get_by_role("button", name="Send report").click()  # pressed again, still offline
    expect(page.get_by_role("status")).to_have_text(SAVED)
    assert _reports(app) == 0

    with page.expect_response(lambda response: response.request.method == "POST"):
        phone.context.set_offline(False)
    expect(page.get_by_test_id("receipt-code")).to_have_text(RECEIPT)
    assert page.evaluate(KEPT) is None
    assert _reports(app) == 1
    page.wait_for_timeout(500)  # nothing else is sent
    assert _reports(app) == 1
    assert len(posts) == 1, posts  # sent exactly once


def test_a_report_kept_on_the_phone_is_sent_when_the_form_is_next_opened(app, phone, world):
    page = phone.new_page()
    page.goto(f"/r/{world.location_a}")
    _type(page)
    phone.context.set_offline(True)
    page.get_by_label("Where?", exact=True).press("Enter")
    expect(page.get_by_role("status")).to_have_text(SAVED)
    page.close()  # the worker closes the page while still offline
    phone.context.set_offline(False)

    later = phone.new_page()
    with later.expect_response(lambda response: response.request.method == "POST") as answer:
        later.goto(f"/r/{world.location_a}")
    assert answer.value.status == 200
    expect(later.get_by_test_id("receipt-code")).to_have_text(RECEIPT)
    assert later.evaluate(KEPT) is None
    later.goto(f"/r/{world.location_a}")
    expect(later.get_by_label("What happened?", exact=True)).to_have_value("")
    later.wait_for_timeout(500)
    assert _reports(app) == 1


def test_words_changed_while_offline_are_the_ones_sent_in_spanish(app, phone_es, world):
    page = phone_es.new_page()
    page.goto(f"/r/{world.location_a}")
    what = page.get_by_label("¿Qué pasó?", exact=True)
    what.fill("Primera versión, offline-6171")
    page.get_by_role("radio", name="Lesión grave o algo peor").check()
    phone_es.context.set_offline(True)
    page.get_by_role("button", name="Enviar reporte").click()
    expect(page.get_by_role("status")).to_have_text(SAVED_ES)
    what.fill(WHAT)  # corrected while waiting for the signal
    with page.expect_response(lambda response: response.request.method == "POST"):
        phone_es.context.set_offline(False)
    expect(page.get_by_role("heading", name="Gracias. Recibimos tu reporte.")).to_be_visible()
    with app.app_context():
        report = db.session.scalars(select(Report)).one()
        assert (report.what_happened, report.language) == (WHAT, "es")


def test_the_kiosk_keeps_nothing_when_the_connection_drops(app, tablet, world):
    page = tablet.new_page()
    url = f"/kiosk/{world.location_a}"
    page.goto(url)
    _type(page)
    assert page.locator("[data-saved]").count() == 0
    tablet.context.set_offline(True)
    try:
        page.get_by_role("button", name="Send report").click(no_wait_after=True)
        page.wait_for_timeout(1000)
    finally:
        tablet.context.set_offline(False)
    page.goto(url)
    assert page.evaluate("() => localStorage.length + sessionStorage.length") == 0
    expect(page.get_by_label("What happened?", exact=True)).to_have_value("")
    assert _reports(app) == 0


def test_a_report_kept_for_one_spot_is_sent_to_that_spot_from_another_spots_form(app, phone, world):
    page = phone.new_page()
    page.goto(f"/r/{world.location_a}")
    _type(page)
    phone.context.set_offline(True)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_have_text(SAVED)
    page.close()
    phone.context.set_offline(False)

    other = phone.new_page()
    # the first try from B's form fails (the signal drops again): still A's report, for A
    sent_to_a = f"**/r/{world.location_a}"
    other.route(sent_to_a, lambda route: route.abort("internetdisconnected"), times=1)
    other.goto(f"/r/{world.location_b}")
    expect(other.get_by_role("status")).to_have_text(SAVED)
    assert f"/r/{world.location_a}" in other.evaluate(KEPT)
    with other.expect_response(lambda response: response.request.method == "POST") as answer:
        other.evaluate("window.dispatchEvent(new Event('online'))")
    assert answer.value.url.endswith(f"/r/{world.location_a}")
    expect(other.get_by_test_id("receipt-code")).to_have_text(RECEIPT)
    with app.app_context():
        report = db.session.scalars(select(Report)).one()
        assert report.location.code == world.location_a
    # the aborted try is reported by Chromium as a failed load: it is the test's own doing
    phone.problems.console[:] = [
        line for line in phone.problems.console if "ERR_INTERNET_DISCONNECTED" not in line
    ]


def test_a_phone_that_cannot_keep_the_report_says_so(app, phone, world):
    page = phone.new_page()
    page.goto(f"/r/{world.location_a}")
    # storage full or refused (some private modes): setItem throws
    page.evaluate("() => { Storage.prototype.setItem = () => { throw new Error('quota'); }; }")
    _type(page)
    phone.context.set_offline(True)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_contain_text("Keep this page open and press Send again")
    expect(page.get_by_label("What happened?", exact=True)).to_have_value(WHAT)
    phone.context.set_offline(False)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_test_id("receipt-code")).to_have_text(RECEIPT)
    assert _reports(app) == 1
