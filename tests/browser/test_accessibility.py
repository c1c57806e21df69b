"""Accessibility in a real browser: axe-core on every surface (0 serious or critical
violations), the report form at 200 % zoom, and a report sent with the keyboard only.

Surfaces: the report form, the kiosk and its receipt, the receipt and follow-up, the triage and
closeout boards, the report page, the public feed, the breakroom display and the insights
pages. axe-core comes from the axe-playwright-python package (a test dependency); it is run
through Playwright's evaluate, which the page's CSP does not govern.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal import demo
from portal.database import begin_write
from portal.extensions import db
from portal.models import Location, Report
from tests.database import built_once

axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.browser

FAILING = ("serious", "critical")
WHAT = "The forklift reversed out of bay 4 without its horn and nearly hit a picker."


def _seed() -> dict[str, str]:
    begin_write()
    demo.seed(report_count=60, seed=7)
    db.session.commit()
    location = db.session.scalars(select(Location).order_by(Location.id)).first()
    report = db.session.scalars(select(Report).order_by(Report.id.desc())).first()
    return {"code": location.code, "report": str(report.id), "slug": location.site.slug}


@pytest.fixture
def demo_world(app) -> dict[str, str]:
    """The demo company (seeded once per test process, its rows put back for each test); a
    poster code, a report id and a site slug to visit."""
    return built_once(app, "demo company of 60 reports", _seed)


def serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    results = axe_module.Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in FAILING
    ]


def sign_in(page, email: str = "safety@closecall.example") -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/"))


def send_report(page) -> str:
    page.get_by_label("What happened?", exact=True).fill(WHAT)
    page.get_by_role("radio", name="Minor injury").check()
    page.get_by_role("button", name="Send report").click()
    receipt = page.get_by_test_id("receipt-code")
    receipt.wait_for()
    return receipt.inner_text().strip()


def test_public_pages_have_no_serious_violations(demo_world, phone):
    page = phone.new_page()
    found: dict[str, list[str]] = {}
    page.goto(f"/r/{demo_world['code']}")
    found["form"] = serious(page)
    code = send_report(page)
    found["receipt"] = serious(page)
    page.goto("/followup")
    found["follow-up form"] = serious(page)
    page.get_by_label("Your receipt code").fill(code)
    page.get_by_role("button", name="Show my report").click()
    page.wait_for_load_state()
    found["follow-up"] = serious(page)
    page.goto(f"/kiosk/{demo_world['code']}")
    found["kiosk"] = serious(page)
    send_report(page)
    found["kiosk receipt"] = serious(page)
    page.goto("/feed")
    found["feed"] = serious(page)
    # the screen fades its slides in turn; checked still (as with reduced motion), not mid-fade
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"/display/{demo_world['slug']}")
    found["display"] = serious(page)
    assert {name: v for name, v in found.items() if v} == {}


def test_staff_pages_have_no_serious_violations(demo_world, desktop):
    page = desktop.new_page()
    sign_in(page)
    found: dict[str, list[str]] = {}
    for name, url in [
        ("triage board", "/triage"),
        ("closeout board", "/closeout"),
        ("report page", f"/reports/{demo_world['report']}"),
        ("insights", "/insights"),
        ("supervisor view", "/insights/supervisor"),
        ("indicators", "/insights/indicators"),
        ("monthly review", "/insights/review"),
    ]:
        page.goto(url)
        found[name] = serious(page)
    assert {name: v for name, v in found.items() if v} == {}


def test_the_form_works_at_200_percent_zoom(demo_world, browser, live_server):
    """200 % zoom of a 1280 px window: a 640 px viewport at twice the pixel density."""
    from tests.browser.helpers import fits_the_screen, open_context

    for browsing in open_context(
        browser, live_server, viewport={"width": 640, "height": 400}, device_scale_factor=2
    ):
        page = browsing.new_page()
        page.goto(f"/r/{demo_world['code']}")
        assert fits_the_screen(page)
        send = page.get_by_role("button", name="Send report")
        send.scroll_into_view_if_needed()
        assert send.is_visible()
        box = send.bounding_box()
        assert box and box["height"] >= 44  # still a large touch target
        send_report(page)
        assert fits_the_screen(page)


def test_a_report_is_sent_with_the_keyboard_only(demo_world, phone):
    page = phone.new_page()
    page.goto(f"/r/{demo_world['code']}")
    page.locator("body").focus()
    reached: list[str] = []
    for _ in range(40):  # Tab until "What happened?" has the focus
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement.labels?.[0]?.innerText || ''")
        reached.append(label)
        if label.startswith("What happened?"):
            break
    else:
        pytest.fail(f"Tab never reached the first question: {reached}")
    page.keyboard.type(WHAT)
    for _ in range(40):  # on to the outcome choices; arrows pick one, as in any radio group
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "radio":
            break
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.innerText || ''").strip() == "Send report":
            break
    else:
        pytest.fail("Tab never reached the send button")
    page.keyboard.press("Enter")
    page.get_by_test_id("receipt-code").wait_for()


def test_the_kiosk_receipt_clears_itself_and_more_time_extends_it(app, demo_world, tablet):
    """WCAG 2.2.1: a time limit the person can extend. 2 s here instead of 60."""
    app.config["KIOSK_RECEIPT_SECONDS"] = 2
    page = tablet.new_page()
    page.goto(f"/kiosk/{demo_world['code']}")
    send_report(page)
    more = page.get_by_role("button", name="More time")
    page.wait_for_timeout(1200)
    more.click()  # the wait starts again: still here after the first 2 s are over
    page.wait_for_timeout(1200)
    assert page.get_by_test_id("receipt-code").is_visible()
    page.get_by_label("What happened?", exact=True).wait_for(timeout=5000)
    assert page.get_by_test_id("receipt-code").count() == 0
