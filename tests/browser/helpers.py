"""Helpers for the browser journeys: the live server, browser contexts that record what went
wrong in their pages, screenshots for people to look at, layout checks."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.serving import BaseWSGIServer

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
WALL_TABLET = {"width": 1280, "height": 800}  # a kiosk tablet in landscape on a wall
DESKTOP = {"width": 1920, "height": 1080}

FAILED_LOAD = "Failed to load resource: the server responded with a status of"

# Runs in every page before its own code: reports CSP violations to the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def chromium_path() -> str | None:
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
        # A page's own status is the test's business (422 for a bad answer), also when the
        # phone form sends itself with fetch; a stylesheet, script or image that fails to load
        # is a problem.
        request = response.request
        sent_form = request.resource_type == "fetch" and request.method == "POST"
        if request.resource_type != "document" and not sent_form and response.status >= 400:
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


def open_context(browser, live_server: LiveServer, **options) -> Iterator[Browsing]:
    """A new browser context on the live server (one per test: cookies and storage start
    empty); it fails the test if a page reported console errors, CSP violations or requests
    to another origin."""
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


SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def screenshot(page, name: str) -> Path | None:
    """Save the whole page into test-artifacts/screenshots/ (gitignored) for a person to look
    at — when TEST_SCREENSHOTS=1: encoding 40 full pages was a tenth of the browser tests."""
    if os.environ.get("TEST_SCREENSHOTS") != "1":
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def until(page, expression: str, timeout_ms: int = 10_000) -> None:
    """Wait until a JavaScript expression is true in the page, polling from here: Playwright's
    wait_for_function polls by evaluating the string inside the page, which the CSP forbids
    (no 'unsafe-eval'), while page.evaluate is not subject to it."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout_ms} ms: {expression}")
        page.wait_for_timeout(50)


def fits_the_screen(page) -> bool:
    """Nothing sticks out sideways: the page does not scroll horizontally."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
