"""The report form is light enough for one bar of signal, and loads nothing from elsewhere."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import fits_the_screen, screenshot

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser

BUDGET = 30 * 1024  # bytes on the wire, every response of the page included


def test_the_report_form_weighs_under_30_kb_all_from_its_own_origin(phone, world):
    page = phone.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"/r/{world.location_a}", wait_until="networkidle")

    weights = {}
    for request in requests:
        sizes = request.sizes()
        weights[request.url] = sizes["responseHeadersSize"] + sizes["responseBodySize"]
    kinds = {request.resource_type for request in requests}
    origins = {"{0.scheme}://{0.netloc}".format(urlsplit(request.url)) for request in requests}

    assert not failed
    assert {"document", "stylesheet"} <= kinds
    assert origins == {phone.base_url}
    assert all(weight > 0 for weight in weights.values()), weights
    assert sum(weights.values()) <= BUDGET, weights


def test_the_report_form_at_desktop_size(desktop, world):
    page = desktop.new_page()
    page.goto(f"/r/{world.location_a}", wait_until="networkidle")
    expect(page.get_by_role("button", name="Send report")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "desktop-form")
