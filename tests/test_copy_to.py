"""`portal copy-to URL`: the demo company moves from SQLite to an empty PostgreSQL, whole."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import JSON, Text, cast, create_engine, select, text

from portal import create_app, demo
from portal.database import begin_write
from portal.extensions import db
from tests import database
from tests.database import migrate_to_head, postgres_database
from tests.factories import form_token, receipt_in, report_answers

BASE_URL = os.environ.get("TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(
    not BASE_URL, reason="copy-to moves data into PostgreSQL: set TEST_DATABASE_URL"
)
RECEIPT = re.compile(r"to try on /followup: ([0-9A-Z-]+)")


@dataclass
class Moved:
    source: Flask
    target_url: str
    receipt: str
    output: str
    exit_code: int


def _extras(app: Flask) -> None:
    """What the demo leaves empty or never makes: photos, outbox JSON (a JSON null among
    them), a recipient, and a report merged into a LATER one."""
    with app.app_context():
        begin_write()
        first, last = db.session.execute(text("SELECT min(id), max(id) FROM reports")).one()
        site = db.session.scalar(text("SELECT id FROM sites ORDER BY id LIMIT 1"))
        ids = {"first": first, "second": first + 1, "third": first + 2, "last": last, "site": site}
        statements = [
            "UPDATE reports SET status = 'merged', merged_into_id = :last WHERE id = :first",
            "UPDATE reports SET whys = 'null' WHERE id = :second",
            "UPDATE reports SET whys = NULL WHERE id = :third",
            "INSERT INTO photos (report_id, stored_name, position, width, height, size_bytes, "
            "created_at) VALUES (:last, 'abc.jpg', 0, 640, 480, 12345, '2024-03-01 08:15:00')",
            "INSERT INTO outbox (kind, channel, recipient, subject, body, payload, status, "
            "attempts, next_attempt_at, created_at) VALUES "
            "('new_report', 'webhook', 'https://chat.example/hook', 'S', 'B', "
            """'{"text": "Fork\\u00e9 lift", "n": [1, 2.5, null], "ok": true}', 'pending', 0, """
            "'2024-03-01 08:15:00.123456', '2024-03-01 08:15:00.123456'), "
            "('digest', 'email', 'a@b.example', 'S', 'B', 'null', 'sent', 1, "
            "'2024-03-02 06:00:00', '2024-03-02 06:00:00'), "
            "('digest', 'email', 'c@b.example', 'S', 'B', NULL, 'failed', 8, "
            "'2024-03-02 06:00:00', '2024-03-02 06:00:00')",
            "INSERT INTO site_recipients (site_id, label, channel, target, high_potential_only, "
            "active, created_at) VALUES (:site, 'HR', 'email', 'hr@example.com', 1, 1, "
            "'2024-01-01 00:00:00')",
        ]
        for statement in statements:
            db.session.execute(text(statement), ids)
        db.session.commit()


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Moved]:
    """A demo-seeded SQLite portal, copied once into a scratch PostgreSQL database."""
    folder = tmp_path_factory.mktemp("copy-source")
    source_url = f"sqlite:///{folder / 'closecall.db'}"
    migrate_to_head(source_url, folder / "instance")
    targets = postgres_database(BASE_URL)
    target_url = next(targets)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in database.test_environment(folder / "instance", source_url).items():
            patch.setenv(key, value)
        source = create_app()
        with source.app_context():
            begin_write()
            summary = demo.seed(report_count=40, seed=3)
            db.session.commit()
        _extras(source)
        result = source.test_cli_runner().invoke(args=["portal", "copy-to", target_url])
        yield Moved(
            source, target_url, RECEIPT.search(summary).group(1), result.output, result.exit_code
        )
        with source.app_context():
            db.engine.dispose()
    next(targets, None)


def _rows(url: str, table) -> list[tuple]:
    """Every row of a table in id order; JSON as its stored text."""
    columns = [cast(c, Text) if isinstance(c.type, JSON) else c for c in table.c]
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return [
                tuple(row) for row in conn.execute(select(*columns).order_by(*table.primary_key))
            ]
    finally:
        engine.dispose()


@pytest.fixture
def target_app(moved: Moved) -> Iterator[Flask]:
    """The portal running on the copied PostgreSQL database."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PORTAL_DATABASE_URL", moved.target_url)
        application = create_app()
    yield application
    with application.app_context():
        db.engine.dispose()


def test_every_table_is_copied_with_the_same_count(moved):
    assert moved.exit_code == 0, moved.output
    assert "every table's count matches" in moved.output
    for name in db.metadata.tables:
        assert re.search(rf"\n  {name}\s+([\d,]+)\s+\1\n", moved.output), name
    assert re.search(r"\n  reports\s+40\s+40\n", moved.output)


def test_every_row_arrives_unchanged_including_json_and_dates(moved):
    source_url = moved.source.config["SQLALCHEMY_DATABASE_URI"]
    for table in db.metadata.sorted_tables:
        assert _rows(moved.target_url, table) == _rows(source_url, table), table.name
    outbox = db.metadata.tables["outbox"]
    payload = list(outbox.c.keys()).index("payload")
    assert [row[payload] for row in _rows(moved.target_url, outbox)] == [
        '{"text": "Fork\\u00e9 lift", "n": [1, 2.5, null], "ok": true}',
        "null",
        None,
    ]


def test_a_report_merged_into_a_later_one_keeps_its_link_and_its_time(moved):
    engine = create_engine(moved.target_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            merged = conn.execute(
                text("SELECT id, merged_into_id FROM reports ORDER BY id LIMIT 1")
            ).one()
            newest = conn.scalar(text("SELECT max(id) FROM reports"))
    finally:
        engine.dispose()
    assert merged.merged_into_id == newest
    # updated_at is compared with the source row by row in the test above


def test_the_copy_serves_old_receipts_and_takes_new_reports(moved, target_app):
    client = target_app.test_client()
    html = client.post("/followup", data={"code": moved.receipt}).get_data(as_text=True)
    assert "Report received" in html
    with target_app.app_context():
        code = db.session.scalar(text("SELECT code FROM locations WHERE active ORDER BY id"))
        known = set(db.session.scalars(text("SELECT id FROM reports")))
    token = form_token(client.get(f"/r/{code}").get_data(as_text=True))

    response = client.post(f"/r/{code}", data=report_answers(token))

    assert response.status_code == 200
    receipt_in(response.get_data(as_text=True))
    with target_app.app_context():
        # report numbers are drawn at random; the events' ids follow the copied sequence
        (added,) = set(db.session.scalars(text("SELECT id FROM reports"))) - known
        events = db.session.scalar(
            text("SELECT count(*) FROM report_events WHERE report_id = :id"), {"id": added}
        )
    assert events == 1


def test_a_target_that_holds_rows_is_refused(moved):
    assert moved.exit_code == 0, moved.output
    before = _rows(moved.target_url, db.metadata.tables["reports"])

    result = moved.source.test_cli_runner().invoke(args=["portal", "copy-to", moved.target_url])

    assert result.exit_code == 1
    assert "is not empty" in result.output
    assert _rows(moved.target_url, db.metadata.tables["reports"]) == before


def test_a_target_already_migrated_by_hand_is_filled_too(moved, tmp_path):
    targets = postgres_database(BASE_URL)
    url = next(targets)
    try:
        migrate_to_head(url, tmp_path / "instance")  # `flask db upgrade` run on it first

        result = moved.source.test_cli_runner().invoke(args=["portal", "copy-to", url])

        assert result.exit_code == 0, result.output
        categories = db.metadata.tables["categories"]
        assert _rows(url, categories) == _rows(
            moved.source.config["SQLALCHEMY_DATABASE_URI"], categories
        )
    finally:
        next(targets, None)
