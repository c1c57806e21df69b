"""Browser fixtures: the app served live on 127.0.0.1, one Debian chromium per session, a fresh
context per test that records console errors, page errors and CSP violations."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from portal.ops.devserver import AnonymousRequestHandler

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 810, "height": 1080}
DESKTOP = {"width": 1920, "height": 1080}

FAILED_LOAD = "Failed to load resource: the server responded with a status of"

# Runs in every page before its own code: reports CSP violations to the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def _chromium_path() -> str | None:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    return shutil.which("chromium")


class QuietRequestHandler(AnonymousRequestHandler):
    """The dev server's anonymous handler, without a log line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


@dataclass
class LiveServer:
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The test's app (and so the test database) served on 127.0.0.1 at a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(server, thread)
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium for the whole run (never a downloaded browser)."""
    executable = _chromium_path()
    if executable is None:
        pytest.skip("Debian chromium not installed: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Problems:
    """What went wrong inside the pages of one test: must stay empty."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return self.console + self.page_errors + self.csp + self.foreign_requests


@dataclass
class Browsing:
    """A browser context bound to the live server, and the problems its pages reported."""

    context: object
    base_url: str
    problems: Problems

    def new_page(self):
        page = self.context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.page_errors.append(str(error)))
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        return page

    def _on_response(self, response) -> None:
        # A page's own status is the test's business (422 for a bad answer); a stylesheet,
        # script or image that fails to load is a problem.
        if response.request.resource_type != "document" and response.status >= 400:
            self.problems.console.append(f"{response.status} for {response.url}")

    def _on_request(self, request) -> None:
        # Every request of a page goes to the portal itself: no CDN, font service or tracker.
        if not (request.url.startswith(self.base_url + "/") or request.url.startswith("data:")):
            self.problems.foreign_requests.append(f"request to another origin: {request.url}")

    def _on_console(self, message) -> None:
        # Chromium reports CSP refusals and script errors at "error" level, and also every
        # 4xx page ("Failed to load resource"): those are checked by status in _on_response.
        if message.type == "error" and not message.text.startswith(FAILED_LOAD):
            self.problems.console.append(f"{message.text} ({message.location.get('url')})")


def _open_context(browser, live_server: LiveServer, **options) -> Iterator[Browsing]:
    problems = Problems()
    context = browser.new_context(base_url=live_server.url, **options)
    context.expose_binding("__cspViolation", lambda _source, text: problems.csp.append(text))
    context.add_init_script(CSP_LISTENER)
    context.set_default_timeout(10_000)
    try:
        yield Browsing(context, live_server.url, problems)
    finally:
        context.close()
    assert not problems.all(), f"the pages reported problems: {problems.all()}"


def phone_options(locale: str = "en-US") -> dict[str, object]:
    return {
        "viewport": PHONE,
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "locale": locale,
    }


@pytest.fixture
def phone(browser, live_server: LiveServer) -> Iterator[Browsing]:
    """A phone-sized English browser (390x844, touch) pointed at the live server."""
    yield from _open_context(browser, live_server, **phone_options())


@pytest.fixture
def phone_es(browser, live_server: LiveServer) -> Iterator[Browsing]:
    """The same phone with a Spanish browser (Accept-Language: es-ES)."""
    yield from _open_context(browser, live_server, **phone_options("es-ES"))


@pytest.fixture
def tablet(browser, live_server: LiveServer) -> Iterator[Browsing]:
    """A shared tablet in portrait (810x1080, touch), as a kiosk stands."""
    yield from _open_context(
        browser, live_server, viewport=TABLET, is_mobile=True, has_touch=True, locale="en-US"
    )


@pytest.fixture
def desktop(browser, live_server: LiveServer) -> Iterator[Browsing]:
    """A 1920x1080 desktop browser."""
    yield from _open_context(browser, live_server, viewport=DESKTOP, locale="en-US")
