"""No client address anywhere: the real gunicorn, started with the documented gunicorn.conf.py
and production settings, is sent a worker's whole visit from a marker address, user agent and
X-Forwarded-For; afterwards the database (and its WAL), the uploads and every log hold none."""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import io
import os
import socket
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select
from sqlalchemy.engine import make_url

from portal.extensions import db
from tests.database import migrate_to_head
from tests.durability.server import Gunicorn, multipart
from tests.factories import World, form_token, receipt_in, report_answers

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("gunicorn") is None, reason="gunicorn is not installed"
)

MARKER_ADDRESS = "127.77.88.99"  # Linux routes all of 127/8 to lo: the client binds to it
FORWARDED_FOR = "203.0.113.77"
USER_AGENT = "MarkerAgent/9.9 (probe-4711)"
MARKERS = [MARKER_ADDRESS.encode(), FORWARDED_FOR.encode(), b"MarkerAgent", b"probe-4711"]
# Planted on purpose, to prove the search reads real data: the report's text must be found in
# the database, the 404 path in the access log.
REPORT_TEXT = "Pallet leaned over the walkway: planted-text-3190"
MISSING_PAGE = "/no-such-page-planted-5528"
WRONG_RECEIPT = "0000-0000-0000-0000"
MAX_REQUEST_BYTES = 1024 * 1024


@pytest.fixture
def database_url(database_url: str, tmp_path: Path) -> str:
    """On SQLite a fresh database file for this test alone, so its bytes and WAL hold nothing
    but this visit; on PostgreSQL the run's database (searched through SQL)."""
    if not make_url(database_url).drivername.startswith("sqlite"):
        return database_url
    (tmp_path / "server").mkdir()
    url = f"sqlite:///{tmp_path / 'server' / 'closecall.db'}"
    migrate_to_head(url, tmp_path / "migrate-instance")
    return url


class MarkedClient:
    """HTTP from the marker source address, with the marker user agent and X-Forwarded-For."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(MARKER_ADDRESS, 0)
        )
        sent = {
            "User-Agent": USER_AGENT,
            "X-Forwarded-For": FORWARDED_FOR,
            "Accept-Language": "en",
            **(headers or {}),
        }
        try:
            # the server may refuse an oversized body before reading it all
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()

    def malformed(self) -> bytes:
        """A request with a header name gunicorn refuses (its own 400, outside the app)."""
        with socket.create_connection(
            ("127.0.0.1", self.port), timeout=30, source_address=(MARKER_ADDRESS, 0)
        ) as raw:
            raw.sendall(
                b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: "
                + USER_AGENT.encode()
                + b"\r\nBad Header: probe\r\n\r\n"
            )
            return raw.recv(4096)


def _jpeg() -> bytes:
    image = Image.frombytes("RGB", (64, 48), os.urandom(64 * 48 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _visit(client: MarkedClient, code: str) -> dict[str, int]:
    """A worker's visit: form, anonymous report with a photo, follow-up, wrong codes until
    throttled, a missing page, an oversized body and a malformed request; the status of each."""
    statuses: dict[str, int] = {}
    status, page = client.request("GET", f"/r/{code}")
    statuses["form"] = status
    answers = report_answers(form_token(page), what_happened=REPORT_TEXT)
    body, content_type = multipart(
        {key: str(value) for key, value in answers.items()}, {"photos": _jpeg()}
    )
    status, page = client.request(
        "POST", f"/r/{code}", body=body, headers={"Content-Type": content_type}
    )
    statuses["report"] = status
    receipt = receipt_in(page)
    lookup = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _ = client.request("POST", "/followup", f"code={receipt}".encode(), lookup)
    statuses["followup"] = status
    for attempt in range(4):
        status, _ = client.request("POST", "/followup", f"code={WRONG_RECEIPT}".encode(), lookup)
        statuses[f"wrong receipt {attempt + 1}"] = status
    statuses["missing page"] = client.request("GET", MISSING_PAGE)[0]
    oversized = b"x" * (MAX_REQUEST_BYTES + 512 * 1024)
    statuses["oversized body"] = client.request(
        "POST", f"/r/{code}", oversized, {"Content-Type": "application/x-www-form-urlencoded"}
    )[0]
    answer = client.malformed()
    statuses["malformed request"] = int(answer.split(b" ", 2)[1]) if answer else 0
    return statuses


def _snapshot(instance: Path) -> dict[str, bytes]:
    """Every file of the server's instance folder as it is now (SQLite's -wal and -shm included:
    they may be gone once the last connection closes)."""
    return {
        str(path.relative_to(instance)): path.read_bytes()
        for path in sorted(instance.rglob("*"))
        if path.is_file()
    }


def _database_rows(app: Flask) -> bytes:
    """Every row of every table, as text: the database as the portal's own SQL sees it."""
    with app.app_context():
        rows = [
            repr(tuple(row)).encode()
            for table in db.metadata.sorted_tables
            for row in db.session.execute(select(table)).all()
        ]
        db.session.remove()
    return b"\n".join(rows)


def _hits(data: bytes) -> list[str]:
    """The lines (of a log; the markers alone in other files) that hold a marker."""
    lines = [line for line in data.splitlines() if any(marker in line for marker in MARKERS)]
    if all(len(line) < 500 for line in lines):
        return [line.decode(errors="replace") for line in lines]
    return [marker.decode() for marker in MARKERS if marker in data]


@pytest.mark.parametrize("proxy_count", ["0", "1"], ids=["direct", "behind-one-proxy"])
def test_a_visit_leaves_no_client_address_or_agent_in_database_uploads_or_logs(
    app: Flask, world: World, tmp_path: Path, database_url: str, proxy_count: str
) -> None:
    instance = tmp_path / "server"
    settings = {
        "PORTAL_PROXY_COUNT": proxy_count,
        "PORTAL_FOLLOWUP_RATE_LIMIT": "3 per minute",
        "PORTAL_MAX_REQUEST_BYTES": str(MAX_REQUEST_BYTES),
    }
    with Gunicorn(instance, database_url, app.config["SECRET_KEY"], **settings) as server:
        statuses = _visit(MarkedClient(server.port), world.location_a)
        while_serving = _snapshot(instance)
    after_stop = _snapshot(instance)

    assert statuses == {
        "form": 200,
        "report": 200,
        "followup": 200,
        "wrong receipt 1": 404,
        "wrong receipt 2": 404,
        "wrong receipt 3": 429,
        "wrong receipt 4": 429,
        "missing page": 404,
        "oversized body": 413,
        "malformed request": 400,
    }
    searched = {f"{name} (while serving)": data for name, data in while_serving.items()}
    searched |= {f"{name} (after stop)": data for name, data in after_stop.items()}
    searched["database rows (SQL)"] = _database_rows(app)
    for name, data in searched.items():
        print(f"searched {name}: {len(data)} bytes")

    # the search looks at real data: the report, its photo and the visit's log lines are there
    stored = b"".join(data for name, data in searched.items() if "closecall.db" in name)
    if make_url(database_url).drivername.startswith("sqlite"):
        assert REPORT_TEXT.encode() in stored, "the report's text is not in the SQLite files"
    assert REPORT_TEXT.encode() in searched["database rows (SQL)"]
    photos = [data for name, data in after_stop.items() if name.startswith("uploads/")]
    assert photos and all(data.startswith(b"\xff\xd8") for data in photos)
    assert MISSING_PAGE.encode() in after_stop["access.log"]
    # the worker's pages get no line at all: "POST /r/<poster code>" with its second would be
    # the place and the minute of an anonymous report (UNLOGGED_PATHS in gunicorn.conf.py)
    for page in (f"/r/{world.location_a}", "/followup", "/static/"):
        assert page.encode() not in after_stop["access.log"], page
    assert b"Booting worker" in after_stop["gunicorn.log"]

    leaks = {name: _hits(data) for name, data in searched.items() if _hits(data)}
    assert leaks == {}, f"client address or agent found; the files are in {instance}"
