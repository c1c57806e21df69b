"""One form sent a hundred times at once to the production server makes one report."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.lib import codes, tokens
from portal.models import Report, ReportEvent
from tests.durability.server import Gunicorn
from tests.factories import RECEIPT_RE, World, form_token, report_answers

SENDERS = 100


@pytest.fixture
def server(app: Flask, world: World, tmp_path: Path, database_url: str) -> Iterator[Gunicorn]:
    """gunicorn with production settings on the test's database, stopped after the test."""
    with Gunicorn(tmp_path / "server", database_url, app.config["SECRET_KEY"]) as running:
        yield running


def test_a_hundred_concurrent_resubmissions_make_one_report_and_one_receipt(
    app: Flask, world: World, server: Gunicorn
) -> None:
    path = f"/r/{world.location_a}"
    status, page = server.get(path)
    assert status == 200
    token = form_token(page)
    fields = {key: str(value) for key, value in report_answers(token).items()}
    start = threading.Barrier(SENDERS)

    def send(_index: int) -> tuple[int, str | None]:
        start.wait()
        status, body = server.post_form(path, fields)
        match = RECEIPT_RE.search(body)
        return status, match.group(1) if match else None

    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        answers = list(pool.map(send, range(SENDERS)))

    statuses = sorted(status for status, _ in answers)
    assert [s for s in statuses if s >= 500] == [], server.log()[-3000:]
    assert statuses == [200] * SENDERS
    receipts = {receipt for _, receipt in answers}
    assert len(receipts) == 1 and None not in receipts
    (receipt,) = receipts
    with app.test_request_context():
        nonce = tokens.read(token, world.location_a).nonce
        key = codes.submission_key(nonce)
        reports = db.session.scalars(select(Report).where(Report.submission_key == key)).all()
        assert len(reports) == 1
        assert reports[0].receipt_hash == codes.receipt_hash(app.config["SECRET_KEY"], receipt)
        assert db.session.scalar(select(func.count(Report.id))) == 1
        submitted = select(func.count(ReportEvent.id)).where(ReportEvent.kind == "submitted")
        assert db.session.scalar(submitted) == 1
