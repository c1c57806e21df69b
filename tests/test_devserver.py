"""`make run`'s server: the log forgets client addresses, the portal does not; no debugger
unless asked for (issue 18, finding 4)."""

from __future__ import annotations

import logging
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from portal.ops import devserver


def _echo_address(environ, start_response):  # type: ignore[no-untyped-def]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ["REMOTE_ADDR"].encode()]


def test_the_app_sees_the_client_address_and_the_log_does_not(caplog):
    server = make_server(
        "127.0.0.1", 0, _echo_address, request_handler=devserver.AnonymousRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            url = f"http://127.0.0.1:{server.server_port}/r/CODE?lang=es&x=1"
            with urllib.request.urlopen(url, timeout=5) as response:
                seen = response.read().decode()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert seen == "127.0.0.1"  # rate limits key on each client, not on one shared "-"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert '"GET /r/CODE" 200' in logged
    assert "127.0.0.1" not in logged and "lang=es" not in logged


@pytest.mark.parametrize(
    ("environ", "debugger"),
    [({}, False), ({"PORTAL_DEBUGGER": "0"}, False), ({"PORTAL_DEBUGGER": "1"}, True)],
)
def test_the_debugger_is_off_unless_asked_for(environ, debugger):
    assert devserver.options(environ)["use_debugger"] is debugger
