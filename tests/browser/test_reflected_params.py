"""Markup sent in URL parameters never acts in a real browser (issue 18, finding 1).

The attack that worked: a link whose parameters came back unescaped in a filter note carried an
htmx form that posted, as it loaded, to an admin route with the page's CSRF header. Here an
admin opens every staff page that answers HTML, in Chromium, with that payload (plus a script
hook) in every GET parameter the portal reads, as a full page and as htmx swaps it; nothing is
injected into the DOM, nothing runs, and no request reaches the admin route.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.browser.helpers import Browsing, open_context
from tests.browser.test_xss import HOOK, INJECTED
from tests.factories import PASSWORD
from tests.security.routes import build_samples, get_rules, url_of
from tests.security.test_reflected_markup import PARAMETERS

pytestmark = pytest.mark.browser

TARGET = "/admin/sites"
MARK = (
    f'"><b id="injected">x</b><form hx-post="{TARGET}" hx-trigger="load"></form>'
    '<img src=x onerror=__xss(1)><div hx-get="/admin" hx-trigger="load" id="hx-injected">'
)
# staff pages that only download or draw (CSV, images, QR) or end the session
NOT_PAGES = re.compile(r"\.(csv|png|svg|jpg|pdf|atom|xml)$|/photos/|/qr|logout|/healthz")


@pytest.fixture
def admin_window(browser, live_server) -> Iterator[tuple[Browsing, list[str], list[str]]]:
    """A laptop window with the script hook; the hook's calls and every request it made."""
    hits: list[str] = []
    requests: list[str] = []
    for browsing in open_context(browser, live_server, viewport={"width": 1440, "height": 900}):
        browsing.context.expose_binding("__xssHit", lambda _source, n: hits.append(n))
        browsing.context.add_init_script(HOOK)
        browsing.context.on("request", lambda request: requests.append(request.url))
        yield browsing, hits, requests


def _staff_paths(app, world) -> list[str]:
    samples = build_samples(app, world)
    paths = []
    for rule in get_rules(app):
        if rule.endpoint == "static" or NOT_PAGES.search(rule.rule):
            continue
        paths.append(url_of(rule, samples))
    return sorted(set(paths))


def test_markup_in_every_parameter_of_every_staff_page_injects_nothing(
    app, world, admin_window
) -> None:
    browsing, hits, requests = admin_window
    paths = _staff_paths(app, world)
    page = browsing.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(world.admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/"))

    query = urlencode({name: MARK for name in PARAMETERS})
    opened = 0
    for path in paths:
        response = page.goto(f"{path}?{query}")
        assert response is not None, path
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        where = f"{path} ({response.status})"
        assert page.locator("#injected, #hx-injected").count() == 0, where
        assert page.locator(f'form[hx-post="{TARGET}"]').count() == 0, where
        assert page.evaluate(INJECTED) == [], where
        assert hits == [], where
        opened += 1
    assert opened > 40, f"only {opened} staff pages answered HTML"
    print(f"{opened} staff pages opened")
    assert not [url for url in requests if url.endswith(TARGET) or url.endswith("/admin")]
    # the admin route was not reached on the way: the sites list is as the world built it
    assert page.goto(TARGET).status == 200
