"""Browser fixtures: the app served live on 127.0.0.1, one Debian chromium per session, a fresh
context per test that records console errors, page errors and CSP violations."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.browser.helpers import (
    CHROMIUM_ARGS,
    DESKTOP,
    TABLET,
    WALL_TABLET,
    Browsing,
    LiveServer,
    QuietRequestHandler,
    chromium_path,
    open_context,
    phone_options,
)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The test's app (and so the test database) served on 127.0.0.1 at a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    # shutdown() waits for the loop to look up: every 50 ms, not the default half second
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="live-server", daemon=True
    )
    thread.start()
    yield LiveServer(server, thread)
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium for the whole run (never a downloaded browser)."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("Debian chromium not installed: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser, live_server: LiveServer) -> Iterator[Browsing]:
    """A phone-sized English browser (390x844, touch) pointed at the live server."""
    yield from open_context(browser, live_server, **phone_options())


@pytest.fixture
def phone_es(browser, live_server: LiveServer) -> Iterator[Browsing]:
    """The same phone with a Spanish browser (Accept-Language: es-ES)."""
    yield from open_context(browser, live_server, **phone_options("es-ES"))


@pytest.fixture
def tablet(browser, live_server: LiveServer) -> Iterator[Browsing]:
    """A shared tablet in portrait (810x1080, touch), as a kiosk stands."""
    yield from open_context(
        browser, live_server, viewport=TABLET, is_mobile=True, has_touch=True, locale="en-US"
    )


@pytest.fixture
def desktop(browser, live_server: LiveServer) -> Iterator[Browsing]:
    """A 1920x1080 desktop browser."""
    yield from open_context(browser, live_server, viewport=DESKTOP, locale="en-US")


@pytest.fixture
def kiosk(tablet: Browsing) -> Iterator[Browsing]:
    """The shared tablet; the HTTP-cache probe's misses are not counted as the page's problems
    (Chromium reports a miss as a failed load: it is the answer the probe hopes for)."""
    yield tablet
    tablet.problems.console[:] = [
        line for line in tablet.problems.console if "ERR_CACHE_MISS" not in line
    ]


def _wall_tablet(browser, live_server: LiveServer, **options: object) -> Iterator[Browsing]:
    """A kiosk tablet in landscape on a wall; the HTTP-cache probe's misses are not counted as
    the page's problems (see the kiosk fixture)."""
    settings = {"viewport": WALL_TABLET, "is_mobile": True, "has_touch": True, "locale": "en-US"}
    for browsing in open_context(browser, live_server, **{**settings, **options}):
        yield browsing
        browsing.problems.console[:] = [
            line for line in browsing.problems.console if "ERR_CACHE_MISS" not in line
        ]


@pytest.fixture
def wall_kiosk(browser, live_server: LiveServer) -> Iterator[Browsing]:
    """A kiosk tablet in landscape on a wall (1280x800, touch)."""
    yield from _wall_tablet(browser, live_server)


@pytest.fixture
def wall_kiosk_es(browser, live_server: LiveServer) -> Iterator[Browsing]:
    """The same tablet set to Spanish."""
    yield from _wall_tablet(browser, live_server, locale="es-ES")


@pytest.fixture
def wall_kiosk_no_js(browser, live_server: LiveServer) -> Iterator[Browsing]:
    """The same tablet with JavaScript turned off."""
    yield from _wall_tablet(browser, live_server, java_script_enabled=False)
