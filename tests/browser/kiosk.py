"""The kiosk's trace probes, shared by the kiosk journeys: report A typed with markers, and
every place of a page where A could still show (the page, its fields, the history entry, web
storage, the Cache API, the HTTP cache)."""

from __future__ import annotations

import re

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

RECEIPT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")
WHAT = "Report A: trace-what-6150, a coil rolled off the rack."
WHERE = "Report A: trace-where-6151"
WORDS = "Report A: trace-words-6152"
NAME = "Report A trace-name-6153"
MARKERS = ["trace-what-6150", "trace-where-6151", "trace-words-6152", "trace-name-6153"]
# Planted in the tablet's storage while A is typed, as a draft-saving script or an extension
# could: the kiosk's receipt must wipe it (Clear-Site-Data).
PLANTED = "trace-planted-6154"

# Everything of the page a next person could reach. The HTTP-cache probe asks for the form's URL
# (the one A was posted to) from the cache only: a miss rejects, a hit must not hold A.
TRACES = """
async (url) => {
  const page = {address: location.href, html: document.documentElement.outerHTML};
  if (location.origin === "null") { return page; }  // about:blank, an error page: no storage
  const fields = [...document.querySelectorAll("input, textarea, select")]
    .map((el) => `${el.name}=${el.type === "radio" || el.type === "checkbox"
      ? (el.checked ? el.value : "") : el.value}`);
  const storage = (area) => Object.keys(area).map((key) => `${key}=${area.getItem(key)}`);
  const cached = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      cached.push(`${name} ${request.url} ${await response.text()}`);
    }
  }
  let httpCache = null;
  try {
    const response = await fetch(url, {cache: "only-if-cached", mode: "same-origin"});
    httpCache = `${response.status} ${await response.text()}`;
  } catch (error) {
    httpCache = null;
  }
  return {
    ...page,
    fields: fields,
    historyState: JSON.stringify(history.state),
    localStorage: storage(localStorage),
    sessionStorage: storage(sessionStorage),
    cacheStorage: cached,
    httpCache: httpCache,
  };
}
"""

# htmx keeps snapshots of visited pages in localStorage unless its history is off
NO_HTMX_HISTORY = """
() => typeof htmx === "undefined"
  || htmx.config.historyCacheSize === 0 || htmx.config.historyEnabled === false
"""

PLANT = """
async (text) => {
  localStorage.setItem("draft", text);
  sessionStorage.setItem("draft", text);
  const cache = await caches.open("drafts");
  await cache.put("/draft", new Response(text));
}
"""


def leaks(page, url: str, receipt: str) -> dict[str, list[str]]:
    """Where A's words (or its receipt) still show, by place; empty when the tablet forgot A."""
    traces = page.evaluate(TRACES, url)
    words = [*MARKERS, PLANTED, receipt]
    found: dict[str, list[str]] = {}
    for place, value in traces.items():
        text = " ".join(value) if isinstance(value, list) else str(value)
        hits = [word for word in words if word in text]
        if hits:
            found[place] = hits
    return found


def move(page, direction: str, url: str, receipt: str) -> dict[str, list[str]]:
    """Press Back or Forward; where A still shows on the page it leads to. To a receipt (the
    answer to a POST, kept nowhere: no-store) Chromium refuses with ERR_CACHE_MISS rather than
    send the report again: then its error page is what is searched."""
    try:
        getattr(page, f"go_{direction}")()
    except sync_api.Error as error:
        assert "ERR_CACHE_MISS" in str(error), error
        # Chromium goes on to its error page: wait until it stands still
        for _attempt in range(50):
            page.wait_for_load_state()
            try:
                return leaks(page, url, receipt)
            except sync_api.Error as busy:
                assert "navigat" in str(busy), busy
                page.wait_for_timeout(100)
    page.wait_for_load_state()
    return leaks(page, url, receipt)


def type_report_a(page) -> None:
    page.get_by_label("What happened?", exact=True).fill(WHAT)
    page.get_by_label("Where?", exact=True).fill(WHERE)
    page.get_by_role("radio", name="Serious injury or worse").check()
    page.get_by_label("In your own words (optional)", exact=True).fill(WORDS)
    page.get_by_text("Add more (optional)").click()
    page.get_by_label("Your name (leave empty to stay anonymous)", exact=True).fill(NAME)


def send(page):
    """Press Send; the server's answer to the POST."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Send report").click()
    page.wait_for_load_state()
    return answer.value


def report_a(page, url: str, plant: bool = True) -> str:
    """Open the kiosk form, type and send report A (with something planted in storage first);
    the receipt shown."""
    response = page.goto(url)
    assert "no-store" in response.all_headers().get("cache-control", "")
    fields = page.locator("form.report").locator("input:not([type=hidden]), textarea")
    assert fields.count() >= 4
    for index in range(fields.count()):
        no_autofill = fields.nth(index).evaluate(
            "(el) => (el.getAttribute('autocomplete') || el.form.getAttribute('autocomplete'))"
        )
        assert no_autofill == "off", fields.nth(index).get_attribute("name")
    assert page.evaluate(NO_HTMX_HISTORY)
    type_report_a(page)
    if plant:
        page.evaluate(PLANT, PLANTED)
        seen = leaks(page, url, "no receipt yet")
        assert {"fields", "localStorage", "sessionStorage", "cacheStorage"} <= set(seen), seen
    answer = send(page)
    assert answer.status == 200
    headers = answer.all_headers()
    assert "no-store" in headers.get("cache-control", "")
    assert '"cache"' in headers.get("clear-site-data", "")
    assert '"storage"' in headers.get("clear-site-data", "")
    assert page.evaluate(NO_HTMX_HISTORY)
    code = page.get_by_test_id("receipt-code")
    expect(code).to_have_text(RECEIPT)
    return code.inner_text()
