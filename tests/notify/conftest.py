"""Notification fixtures: a real SMTP server (aiosmtpd) and a real webhook receiver
(http.server), both on 127.0.0.1 and stopped after the test."""

from __future__ import annotations

import email
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """What the test SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refuse: set[str] = field(default_factory=set)  # addresses answered with 550

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def subjects_to(self, address: str) -> list[str]:
        return [str(m["Subject"]) for m in self.to(address)]

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


@pytest.fixture
def smtp_port() -> int:
    """The port the portal mails to; nothing listens there until a test starts the server."""
    return _free_port()


@pytest.fixture
def app_env(app_env: dict[str, str], smtp_port: int, monkeypatch: pytest.MonkeyPatch):
    """The usual test environment, with outgoing mail pointed at 127.0.0.1:smtp_port, and the
    test webhook receiver's loopback host allowed (webhooks reach public addresses only)."""
    settings = {
        "PORTAL_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_SMTP_HOST": "127.0.0.1",
        "PORTAL_SMTP_PORT": str(smtp_port),
        "PORTAL_SMTP_STARTTLS": "0",
        "PORTAL_SMTP_FROM": "closecall@test.example",
        "PORTAL_SMTP_TIMEOUT": "5",
        "PORTAL_WEBHOOK_TIMEOUT": "5",
    }
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    return {**app_env, **settings}


@pytest.fixture
def start_mailbox(smtp_port: int) -> Iterator[Callable[[], Mailbox]]:
    """Start the SMTP server on demand (a test may first let the portal find it down)."""
    controllers: list[Controller] = []

    def start() -> Mailbox:
        mailbox = Mailbox()
        controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        controllers.append(controller)
        return mailbox

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def mailbox(start_mailbox: Callable[[], Mailbox]) -> Mailbox:
    """A running SMTP server recording every message."""
    return start_mailbox()


@dataclass
class Hook:
    """What the test webhook receiver got, and the statuses it answers with (then 200)."""

    url: str
    statuses: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def webhook() -> Iterator[Hook]:
    """A threaded HTTP server on 127.0.0.1 recording JSON POSTs; stopped after the test."""
    hook = Hook(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with hook.lock:
                status = hook.statuses.pop(0) if hook.statuses else 200
                hook.received.append(json.loads(body))
                hook.headers.append(dict(self.headers))
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # shutdown() waits for the loop to look up: every 50 ms, not the default half second
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/chat"
    yield hook
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
