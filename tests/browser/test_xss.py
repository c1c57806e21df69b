"""XSS in a real browser: the corpus of tests/factories/hostile.py stored in every free-text
field, then every page that shows those fields opened as staff, as the anonymous reporter and
as the public. No payload runs (the global hook `__xss` stays uncalled, the CSP reports no
refusal, the DOM carries no injected handler, script, frame or script link), each page shows
payloads as text, the Atom feeds escape them and the CSV exports neutralise formulas."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

import pytest

from portal.indicators.csvsafe import FORMULA_STARTS
from portal.lib.timeutil import utcnow
from tests.browser.helpers import Browsing, Problems, open_context
from tests.factories import PASSWORD, Persona
from tests.factories.hostile import (
    FORMULAS,
    PAYLOADS,
    TEMPLATE_LITERAL,
    VISIBLE,
    Stored,
    store_everywhere,
)

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}
ATOM = "{http://www.w3.org/2005/Atom}"

# Defines the hook every payload calls; a call is reported to the test at once, so a page
# that navigates away after running a payload cannot hide it.
HOOK = """
window.__hits = [];
window.__xss = (n) => { window.__hits.push(n); window.__xssHit(String(n)); };
"""

# What an injection would leave in the DOM even where the CSP stopped it from running.
INJECTED = """
() => {
  const found = [];
  const scriptLink = /^[\\s\\u0000-\\u001f]*(javascript|vbscript|data:text\\/html)/i;
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") || name === "srcdoc") {
        found.push(`${el.tagName} ${name}`);
      }
      if (["href", "src", "action", "formaction", "data", "content"].includes(name)
          && scriptLink.test(attr.value)) {
        found.push(`${el.tagName} ${name}=${attr.value}`);
      }
    }
  }
  for (const el of document.querySelectorAll("script, style")) {
    if (/__xss|evil/.test(el.textContent)) found.push(`${el.tagName} ${el.textContent}`);
  }
  for (const el of document.querySelectorAll("iframe, object, embed, meta[http-equiv]")) {
    found.push(el.outerHTML);
  }
  return found;
}
"""


@dataclass
class Watched:
    """A browser context whose pages carry the `__xss` hook, and the calls it received."""

    browsing: Browsing
    hits: list[str] = field(default_factory=list)

    def new_page(self):  # type: ignore[no-untyped-def]
        return self.browsing.new_page()

    @property
    def problems(self) -> Problems:
        return self.browsing.problems


@pytest.fixture
def laptop(browser, live_server) -> Iterator[Watched]:
    """A 1440x900 laptop window whose pages carry the `__xss` hook."""
    hits: list[str] = []
    for browsing in open_context(browser, live_server, viewport=WIDE, locale="en-US"):
        browsing.context.expose_binding("__xssHit", lambda _source, n: hits.append(n))
        browsing.context.add_init_script(HOOK)
        yield Watched(browsing, hits)


@pytest.fixture
def stored(app, world) -> Stored:
    return store_everywhere(app, world)


def _sign_in(page, persona: Persona) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(persona.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/"))


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))


def _nothing_ran(page, laptop, where: str) -> None:
    """No hook call, no CSP refusal or page error, nothing injected in the DOM."""
    page.wait_for_timeout(150)  # autofocus, ontoggle and onload fire just after load
    assert page.evaluate("typeof window.__xss") == "function", f"{where}: the hook is missing"
    assert page.evaluate("window.__hits") == [], where
    assert laptop.hits == [], where
    assert not laptop.problems.all(), f"{where}: {laptop.problems.all()}"
    assert page.evaluate(INJECTED) == [], where


def _shows_payloads(page, where: str) -> None:
    """The page rendered stored payloads as text (they were not dropped)."""
    text = page.inner_text("body")
    assert any(payload in text for payload in PAYLOADS), f"{where} shows no payload as text"


def _visit(page, laptop, path: str, *, shows: bool = True) -> str:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response.status}"
    _nothing_ran(page, laptop, path)
    if shows:
        _shows_payloads(page, path)
    return page.inner_text("body")


def _staff_pages(stored: Stored) -> list[str]:
    theme = f"location={stored.location_id}&category={stored.category_id}"
    reports = [
        stored.closed,
        stored.in_progress,
        stored.new,
        stored.dismissed,
        stored.merged,
        stored.disputed,
    ]
    return [
        "/staff/",
        "/triage",
        f"/triage/cards/{stored.new}",
        f"/triage/reports/{stored.in_progress}/classify",
        "/closeout",
        *[f"/closeout/actions/{action}" for action in stored.action_ids],
        *[f"/reports/{report}" for report in reports],
        "/insights/supervisor",
        f"/insights/themes?{theme}",
        f"/insights/themes/talk?{theme}",
        f"/insights/themes/talk?{theme}&lang=es",
        f"/insights/themes?asset={stored.asset_id}",
    ]


def _csv_cells(response) -> list[str]:
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment")
    rows = csv.reader(io.StringIO(response.text().lstrip("\ufeff")))
    return [cell for row in rows for cell in row]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_no_stored_payload_runs_on_any_page_and_each_shows_as_text(
    stored: Stored, world, laptop
) -> None:
    page = laptop.new_page()
    _sign_in(page, world.safety)
    for path in _staff_pages(stored):
        _visit(page, laptop, path)
    report_page = _visit(page, laptop, f"/reports/{stored.closed}")
    assert VISIBLE in report_page
    assert TEMPLATE_LITERAL in report_page  # shown literally, never evaluated to 49
    month = utcnow().strftime("%Y-%m")
    # the leadership figures and indicators show names only for groups of five or more
    for path in ("/insights", "/insights/indicators", f"/insights/review?month={month}"):
        _visit(page, laptop, path, shows=False)

    for kind in ("reports", "actions"):
        cells = _csv_cells(page.request.get(f"/insights/export/{kind}.csv"))
        risky = [c for c in cells if c.startswith(FORMULA_STARTS) and not _is_number(c)]
        assert risky == [], f"{kind}.csv cells a spreadsheet would run: {risky[:3]}"
        assert any(cell.startswith("'" + FORMULAS[0]) for cell in cells), kind
        assert any(PAYLOADS[0] in cell for cell in cells), kind

    _sign_out(page)
    _sign_in(page, world.admin)
    for path in ("/admin/sites", "/admin/categories", "/admin/posters"):
        _visit(page, laptop, path)
    _sign_out(page)


def test_no_payload_runs_for_the_reporter_or_the_public(stored: Stored, laptop) -> None:
    page = laptop.new_page()
    for report in (stored.closed, stored.new, stored.disputed):
        page.goto("/followup")
        page.get_by_label("Your receipt code").fill(stored.codes[report])
        page.get_by_role("button", name="Show my report").click()
        page.wait_for_load_state()
        _nothing_ran(page, laptop, f"/followup for report {report}")
        _shows_payloads(page, f"/followup for report {report}")

    for path in ("/feed", f"/feed/{stored.site_slug}", f"/display/{stored.site_slug}"):
        _visit(page, laptop, path)
    _visit(page, laptop, f"/display/{stored.site_slug}/content")

    for path in ("/feed.atom", f"/feed/{stored.site_slug}.atom"):
        response = page.request.get(path)
        assert response.status == 200
        body = response.text()
        assert "<script" not in body.lower() and "<![cdata[" not in body.lower(), path
        feed = ET.fromstring(body.encode())  # noqa: S314 - our own output, in a test
        texts = " ".join(el.text or "" for el in feed.iter() if el.tag.startswith(ATOM))
        assert any(payload in texts for payload in PAYLOADS), f"{path} lost the payloads"
