"""kill -9 of the production server in the middle of load loses no receipt that was shown."""

from __future__ import annotations

import http.client
import io
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.lib import codes
from portal.models import Report
from tests.durability.server import Gunicorn
from tests.factories import RECEIPT_RE, World, form_token, report_answers

SUBMISSIONS = 60
SENDERS = 8
KILL_AFTER = 30  # receipts shown
TEXT = "Durability report number {index}: a pallet fell next to the walkway."
TEXT_RE = re.compile(r"Durability report number (\d+):")


def _with_photo(index: int) -> bool:
    return index % 4 == 0


@dataclass
class Load:
    """What the clients saw: receipts shown per submission, and those left unanswered."""

    shown: dict[int, str] = field(default_factory=dict)
    unanswered: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    enough: threading.Event = field(default_factory=threading.Event)
    killed: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def server(app: Flask, world: World, tmp_path: Path, database_url: str) -> Iterator[Gunicorn]:
    """gunicorn with production settings on the test's database, stopped after the test."""
    with Gunicorn(tmp_path / "server", database_url, app.config["SECRET_KEY"]) as running:
        yield running


@pytest.fixture(scope="module")
def photo() -> bytes:
    """A noise JPEG of about half a megabyte: cleaning it keeps requests in flight a while."""
    image = Image.frombytes("RGB", (800, 600), os.urandom(800 * 600 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _drive(server: Gunicorn, path: str, photo: bytes, load: Load) -> None:
    """SENDERS clients send SUBMISSIONS reports between them until the server dies."""
    pending = iter(range(SUBMISSIONS))
    take = threading.Lock()

    def client() -> None:
        while not load.killed.is_set():
            with take:
                index = next(pending, None)
            if index is None:
                return
            try:
                status, page = server.get(path)
                if status != 200:
                    with load.lock:
                        load.failures.append(f"form for report {index}: {status}")
                    continue
                fields = report_answers(form_token(page), what_happened=TEXT.format(index=index))
                files = {"photos": photo} if _with_photo(index) else {}
                status, page = server.post_form(path, {k: str(v) for k, v in fields.items()}, files)
            except (OSError, http.client.HTTPException):  # the server died mid-request
                with load.lock:
                    load.unanswered.append(index)
                return
            match = RECEIPT_RE.search(page)
            with load.lock:
                if status != 200 or match is None:
                    load.failures.append(f"report {index}: {status}")
                    continue
                load.shown[index] = match.group(1)
                if len(load.shown) >= KILL_AFTER:
                    load.enough.set()

    threads = [threading.Thread(target=client) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    load.enough.wait(timeout=60)
    server.kill()
    load.killed.set()
    for thread in threads:
        thread.join(timeout=60)


def test_every_receipt_shown_survives_a_kill_9_in_the_middle_of_load(
    app: Flask, world: World, server: Gunicorn, photo: bytes
) -> None:
    path = f"/r/{world.location_a}"
    load = Load()
    _drive(server, path, photo, load)
    assert load.failures == []
    assert len(load.shown) >= KILL_AFTER
    assert len(load.shown) < SUBMISSIONS, "the server was killed only after the load was over"

    server.start()  # the same database and upload folder
    for index, receipt in sorted(load.shown.items()):
        status, page = server.post_form("/followup", {"code": receipt, "lang": "en"})
        assert status == 200, f"report {index} with receipt {receipt} was lost"
        assert 'class="status-card"' in page, f"report {index} has no status on its page"

    secret = app.config["SECRET_KEY"]
    with app.app_context():
        reports = db.session.scalars(
            select(Report).options(selectinload(Report.events), selectinload(Report.photos))
        ).all()
        by_index = {
            int(TEXT_RE.search(report.what_happened).group(1)): report for report in reports
        }
        assert len(by_index) == len(reports), "a submission was stored twice"
        for index, receipt in load.shown.items():
            assert by_index[index].receipt_hash == codes.receipt_hash(secret, receipt)
        for index, report in by_index.items():
            # whatever was in flight is stored whole or not at all
            assert [event.kind for event in report.events] == ["submitted"]
            assert len(report.photos) == (1 if _with_photo(index) else 0)
            for stored in report.photos:
                with Image.open(server.upload_dir / stored.stored_name) as image:
                    assert image.size == (stored.width, stored.height)

    # and the restarted server takes new reports
    status, page = server.get(path)
    fields = report_answers(form_token(page), what_happened=TEXT.format(index=SUBMISSIONS))
    status, page = server.post_form(path, {k: str(v) for k, v in fields.items()})
    assert status == 200 and RECEIPT_RE.search(page)
