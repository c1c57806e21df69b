"""The shared tablet forgets the last person in every navigation order: after Done, after the
receipt's own timeout, after an abandoned form and after a form that came back once with an
error, no walk of Back, Forward and Reload (a reload of a sent form included) shows anything of
report A — its receipt, its words, its QR — and none sends A a second time. With JavaScript
and without."""

from __future__ import annotations

from itertools import pairwise

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Report
from tests.browser.helpers import screenshot
from tests.browser.kiosk import WHAT, expect, leaks, move, report_a, send, type_report_a

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

# One walk holds every ordered pair of moves (a de Bruijn sequence of order 2 over Back,
# Forward and Reload) and starts by reloading what Back finds: a sent form's entry, sent again.
WALKS = {
    "pairs": ["back", "reload", "forward", "forward", "reload", "reload", "back", "back",
              "forward", "back"],
}  # fmt: skip
PAIRS = {(a, b) for a in ("back", "forward", "reload") for b in ("back", "forward", "reload")}


def test_the_walk_holds_every_ordered_pair_and_starts_with_a_resend():
    walk = WALKS["pairs"]
    assert set(pairwise(walk)) == PAIRS
    assert walk[:2] == ["back", "reload"]


@pytest.fixture
def quick_kiosk(app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A form asking "Still there?" after 4 s alone and clearing 2 s later (4 s: every step of
    a test that types is well within it, even on a busy machine). The receipt keeps its 60 s
    unless a test shortens it (RECEIPT_SECONDS) before the first receipt is shown."""
    monkeypatch.setenv("PORTAL_KIOSK_IDLE_SECONDS", "4")
    monkeypatch.setenv("PORTAL_KIOSK_IDLE_WARNING_SECONDS", "2")


RECEIPT_SECONDS = 3  # the receipt of a test that waits for it to clear itself
# how far a test moves a page's clock (page.clock) to pass the idle time, then the warning
IDLE_MS, WARNING_MS = 4_500, 2_500


def _reports(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Report.id)))


def _reload(page) -> None:
    """Reload; on a sent form's entry Chromium sends the form again (the server answers a
    kiosk form sent again with a blank form)."""
    try:
        page.reload()
    except sync_api.Error as error:  # a reload racing the page's own replace()
        assert "navigat" in str(error) or "ERR_ABORTED" in str(error), error
    page.wait_for_load_state()


def _walk(app, page, url: str, receipt: str, walk: list[str], reports: int = 1) -> None:
    for step, direction in enumerate(walk, 1):
        if direction == "reload":
            _reload(page)
            seen = move_stayed(page, url, receipt)
        else:
            seen = move(page, direction, url, receipt)
        where = f"after {' '.join(walk[:step])}"
        assert seen == {}, where
        assert _reports(app) == reports, where


def move_stayed(page, url: str, receipt: str) -> dict[str, list[str]]:
    for _attempt in range(50):
        try:
            return leaks(page, url, receipt)
        except sync_api.Error as busy:  # the page replaced itself meanwhile
            assert "navigat" in str(busy) or "destroyed" in str(busy), busy
            page.wait_for_timeout(100)
    raise AssertionError("the page never stood still")


def _done(page, url: str, js: bool) -> str:
    receipt = report_a(page, url)
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_label("What happened?", exact=True)).to_have_value("")
    return receipt


def _timed_out(page, url: str, js: bool) -> str:
    receipt = report_a(page, url)
    if js:  # the page's own countdown, on the page's clock; without JS a refresh, in real time
        page.clock.run_for((RECEIPT_SECONDS + 1) * 1000)
    expect(page.get_by_test_id("receipt-code")).to_have_count(0, timeout=8000)
    expect(page.get_by_label("What happened?", exact=True)).to_have_value("")
    return receipt


def _abandoned(page, url: str, js: bool) -> str:
    page.goto(url)
    type_report_a(page)
    page.clock.run_for(IDLE_MS)
    expect(page.get_by_role("dialog", name="Still there?")).to_be_visible()
    page.clock.run_for(WARNING_MS)
    expect(page.get_by_label("What happened?", exact=True)).to_have_value("")
    return "no receipt"


def _corrected(page, url: str, js: bool) -> str:
    """A's form comes back once (the outcome not chosen), is completed and sent, then Done."""
    page.goto(url)
    type_report_a(page)
    page.evaluate("document.querySelectorAll('[name=potential_outcome]')"
                  ".forEach((radio) => { radio.checked = false; })")  # fmt: skip
    assert send(page).status == 422
    expect(page.get_by_label("What happened?", exact=True)).to_have_value(WHAT)
    page.get_by_role("radio", name="Serious injury or worse").check()
    assert send(page).status == 200
    receipt = page.get_by_test_id("receipt-code").inner_text()
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_label("What happened?", exact=True)).to_have_value("")
    return receipt


def _switched(page, url: str, js: bool) -> str:
    """A types in English, switches to Spanish (the words kept), sends, then Listo (Done)."""
    page.goto(url)
    type_report_a(page)
    page.get_by_role("button", name="Español").click()
    expect(page.get_by_label("¿Qué pasó?", exact=True)).to_have_value(WHAT)
    page.get_by_role("button", name="Enviar reporte").click()
    receipt = page.get_by_test_id("receipt-code").inner_text()
    page.get_by_role("link", name="Listo").click()
    expect(page.get_by_label("What happened?", exact=True)).to_have_value("")
    return receipt


SITUATIONS = {
    "done": _done,
    "timed out": _timed_out,
    "corrected": _corrected,
    "switched": _switched,
}


@pytest.mark.parametrize("walk", WALKS)
@pytest.mark.parametrize("situation", [*SITUATIONS, "abandoned"])
def test_no_walk_after_a_report_shows_it_or_sends_it_again(
    quick_kiosk, app, wall_kiosk, world, situation, walk
):
    if situation == "timed out":
        app.config["KIOSK_RECEIPT_SECONDS"] = RECEIPT_SECONDS
    page = wall_kiosk.new_page()
    page.clock.install()  # the page's timers run when the test says (time also flows)
    url = f"{wall_kiosk.base_url}/kiosk/{world.location_a}"
    receipt = {**SITUATIONS, "abandoned": _abandoned}[situation](page, url, True)
    assert leaks(page, url, receipt) == {}
    _walk(app, page, url, receipt, WALKS[walk], reports=0 if situation == "abandoned" else 1)


@pytest.mark.parametrize("walk", WALKS)
@pytest.mark.parametrize("situation", SITUATIONS)
def test_without_javascript_no_walk_shows_a_receipt_or_sends_it_again(
    quick_kiosk, app, wall_kiosk_no_js, world, situation, walk
):
    if situation == "timed out":
        app.config["KIOSK_RECEIPT_SECONDS"] = RECEIPT_SECONDS
    page = wall_kiosk_no_js.new_page()
    url = f"{wall_kiosk_no_js.base_url}/kiosk/{world.location_a}"
    receipt = SITUATIONS[situation](page, url, False)
    assert leaks(page, url, receipt) == {}
    _walk(app, page, url, receipt, WALKS[walk])


def _in_view(page, locator) -> bool:
    """The whole element is inside the viewport without scrolling."""
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def test_the_receipt_counts_down_with_done_in_view_on_a_wall_tablet(app, wall_kiosk, world):
    app.config["KIOSK_RECEIPT_SECONDS"] = 30
    page = wall_kiosk.new_page()
    page.goto(f"/kiosk/{world.location_a}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    what = page.get_by_label("What happened?", exact=True).bounding_box()
    assert what and what["width"] >= 500, what  # the form uses the width: two columns
    assert page.get_by_role("button", name="Send report").bounding_box()["height"] >= 64
    assert float(page.evaluate("getComputedStyle(document.body).fontSize")[:-2]) >= 20
    screenshot(page, "kiosk-form-1280")
    type_report_a(page)
    assert send(page).status == 200
    done = page.get_by_role("link", name="Done")
    assert _in_view(page, done), done.bounding_box()
    assert _in_view(page, page.get_by_test_id("receipt-code"))
    clears = page.get_by_text("This screen clears itself in")
    expect(clears).to_contain_text("30 seconds")
    expect(clears).to_contain_text("28 seconds", timeout=4000)  # it counts, live
    screenshot(page, "kiosk-receipt-1280")
    page.get_by_role("button", name="More time").click()
    expect(clears).to_contain_text("30 seconds")


def test_a_form_left_alone_asks_still_there_and_waits_for_an_answer(quick_kiosk, wall_kiosk, world):
    page = wall_kiosk.new_page()
    page.clock.install()
    page.goto(f"/kiosk/{world.location_a}")
    page.clock.run_for(IDLE_MS)  # nothing typed: a blank form is not asked about
    expect(page.get_by_role("dialog")).to_have_count(0)
    what = page.get_by_label("What happened?", exact=True)
    what.fill(WHAT)
    page.clock.run_for(IDLE_MS)
    dialog = page.get_by_role("dialog", name="Still there?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("clears itself in")
    screenshot(page, "kiosk-still-there-1280")
    dialog.get_by_role("button", name="Yes, I am still here").click()
    expect(dialog).to_be_hidden()
    expect(what).to_have_value(WHAT)  # the words stay for the person still there
    page.clock.run_for(IDLE_MS)
    expect(dialog).to_be_visible()  # asked again after the next quiet spell
    dialog.get_by_role("button", name="Start over").click()
    expect(what).to_have_value("")
    expect(page.get_by_role("dialog")).to_be_hidden()


def test_a_spanish_kiosk_counts_down_and_forgets_in_spanish(quick_kiosk, app, wall_kiosk_es, world):
    app.config["KIOSK_RECEIPT_SECONDS"] = RECEIPT_SECONDS
    page = wall_kiosk_es.new_page()
    page.clock.install()
    url = f"{wall_kiosk_es.base_url}/kiosk/{world.location_a}"
    page.goto(url)
    what = page.get_by_label("¿Qué pasó?", exact=True)
    what.fill(WHAT)
    page.clock.run_for(IDLE_MS)
    dialog = page.get_by_role("dialog", name="¿Sigues ahí?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Sí, sigo aquí").click()
    page.get_by_role("radio", name="Lesión grave o algo peor").check()
    page.get_by_role("button", name="Enviar reporte").click()
    receipt = page.get_by_test_id("receipt-code").inner_text()
    expect(page.get_by_text("Esta pantalla se borra sola en")).to_be_visible()
    expect(page.get_by_role("link", name="Listo")).to_be_visible()
    page.clock.run_for((RECEIPT_SECONDS + 1) * 1000)
    expect(page.get_by_test_id("receipt-code")).to_have_count(0, timeout=8000)
    expect(page.get_by_label("¿Qué pasó?", exact=True)).to_have_value("")
    assert move(page, "back", url, receipt) == {}
    _reload(page)
    assert move_stayed(page, url, receipt) == {}
    assert _reports(app) == 1
