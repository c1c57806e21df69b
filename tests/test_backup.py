"""`portal backup` while reports keep arriving, and `portal restore` into a fresh instance."""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import text

from portal import create_app
from portal.extensions import db
from tests.factories import form_token, receipt_in, report_answers

MARKER = re.compile(r"^backup report (\d+) with (\d) photos?$")


@pytest.fixture
def embedded(app: Flask) -> Flask:
    """The app, on the embedded SQLite database (the only one `portal backup` copies)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0] != "sqlite":
        pytest.skip("SQLite backups need the embedded database; PostgreSQL uses pg_dump")
    return app


def _photo() -> tuple[io.BytesIO, str]:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="JPEG")
    out.seek(0)
    return out, "photo.jpg"


def _submit(app: Flask, code: str, number: int, photos: int = 0) -> str:
    """Send one report through the public form; its receipt code."""
    client = app.test_client()
    address = {"REMOTE_ADDR": f"10.9.{number // 250}.{number % 250}"}
    token = form_token(client.get(f"/r/{code}", environ_base=address).get_data(as_text=True))
    what = f"backup report {number} with {photos} photo{'s' if photos != 1 else ''}"
    data = report_answers(token, what_happened=what)
    data["photos"] = [_photo() for _ in range(photos)]
    response = client.post(f"/r/{code}", data=data, environ_base=address)
    assert response.status_code == 200, response.status_code
    return receipt_in(response.get_data(as_text=True))


def _backup(app: Flask, path: Path, *extra: str):
    return app.test_cli_runner().invoke(args=["portal", "backup", str(path), *extra])


def _restore(app: Flask, path: Path, *extra: str):
    return app.test_cli_runner().invoke(args=["portal", "restore", str(path), "--yes", *extra])


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Flask, Path]]:
    """A second instance of the portal with its own (not yet existing) SQLite file."""
    database = tmp_path / "fresh" / "closecall.db"
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "fresh"))
    monkeypatch.setenv("PORTAL_DATABASE_URL", f"sqlite:///{database}")
    application = create_app()
    yield application, database
    with application.app_context():
        db.engine.dispose()


def test_a_backup_taken_while_reports_arrive_is_whole_and_consistent(embedded, world, tmp_path):
    app = embedded
    stop = threading.Event()
    receipts: list[str] = []
    failures: list[BaseException] = []

    def keep_reporting() -> None:
        number = 0
        try:
            while not stop.is_set() or number < 6:
                receipts.append(_submit(app, world.location_a, number, photos=number % 3))
                number += 1
        except BaseException as problem:  # reported by the main thread
            failures.append(problem)

    writer = threading.Thread(target=keep_reporting)
    writer.start()
    try:
        while len(receipts) < 6 and writer.is_alive():
            stop.wait(0.05)
        sent_before = len(receipts)
        result = _backup(app, tmp_path / "copy.db")
        sent_during = len(receipts)
        target = len(receipts) + 4
        while len(receipts) < target and writer.is_alive():
            stop.wait(0.05)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert not failures, failures
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output

    copy = tmp_path / "copy.db"
    assert not (tmp_path / "copy.db-wal").exists()  # one self-contained file
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        reports = conn.execute("SELECT id, what_happened FROM reports").fetchall()
        photos = dict(conn.execute("SELECT report_id, count(*) FROM photos GROUP BY report_id"))
        submitted = dict(
            conn.execute(
                "SELECT report_id, count(*) FROM report_events WHERE kind = 'submitted' "
                "GROUP BY report_id"
            )
        )
        orphans = conn.execute(
            "SELECT count(*) FROM photos WHERE report_id NOT IN (SELECT id FROM reports)"
        ).fetchone()[0]
    # every report shown before the backup began is in it; none sent after it ended (one
    # writer: at most one report was committed but its receipt not yet counted)
    assert sent_before <= len(reports) <= sent_during + 1
    assert len(receipts) > len(reports)
    for report_id, what in reports:
        expected_photos = int(MARKER.match(what).group(2))
        assert photos.get(report_id, 0) == expected_photos, what
        assert submitted.get(report_id) == 1, what
    assert orphans == 0
    # every count the command printed is the copy's
    assert re.search(rf"reports\s+{len(reports)}\n", result.output)


def test_a_restored_backup_shows_its_reports_by_receipt_in_a_fresh_instance(
    embedded, world, fresh, tmp_path
):
    first = _submit(embedded, world.location_a, 1)
    second = _submit(embedded, world.location_a, 2, photos=1)
    assert _backup(embedded, tmp_path / "copy.db").exit_code == 0
    fresh_app, _database = fresh

    result = _restore(fresh_app, tmp_path / "copy.db")

    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and "before-restore" not in result.output
    client = fresh_app.test_client()
    for receipt in (first, second):
        html = client.post("/followup", data={"code": receipt}).get_data(as_text=True)
        assert "Received — waiting to be looked at" in html
    with fresh_app.app_context():
        whats = db.session.scalars(text("SELECT what_happened FROM reports")).all()
    assert sorted(whats) == ["backup report 1 with 0 photos", "backup report 2 with 1 photo"]


def test_restore_refuses_while_the_database_is_open_and_keeps_the_replaced_file(
    embedded, world, fresh, tmp_path
):
    _submit(embedded, world.location_a, 1)
    assert _backup(embedded, tmp_path / "copy.db").exit_code == 0
    fresh_app, database = fresh
    assert _restore(fresh_app, tmp_path / "copy.db").exit_code == 0
    server = sqlite3.connect(database)  # stands for a running server: WAL, one read done
    server.execute("PRAGMA journal_mode=WAL")
    server.execute("SELECT count(*) FROM reports").fetchone()
    try:
        refused = _restore(fresh_app, tmp_path / "copy.db")
    finally:
        server.close()
    assert refused.exit_code == 1
    assert "in use" in refused.output and "stop the server" in refused.output
    assert not database.with_name("closecall.db.before-restore").exists()

    result = _restore(fresh_app, tmp_path / "copy.db")

    assert result.exit_code == 0, result.output
    kept = database.with_name("closecall.db.before-restore")
    assert f"kept as {kept}" in result.output
    with sqlite3.connect(kept) as conn:
        assert conn.execute("SELECT count(*) FROM reports").fetchone() == (1,)
    again = _restore(fresh_app, tmp_path / "copy.db")
    assert again.exit_code == 1 and "earlier restore" in again.output
    assert _restore(fresh_app, tmp_path / "copy.db", "--force").exit_code == 0


def test_a_backup_never_overwrites_a_file_without_force(embedded, world, tmp_path):
    existing = tmp_path / "copy.db"
    existing.write_text("yesterday's backup")

    refused = _backup(embedded, existing)

    assert refused.exit_code == 1 and "use --force" in refused.output
    assert existing.read_text() == "yesterday's backup"
    forced = _backup(embedded, existing, "--force")
    assert forced.exit_code == 0, forced.output
    assert existing.read_bytes().startswith(b"SQLite format 3\x00")


def _older_migration(source: Path, into: Path) -> Path:
    shutil.copyfile(source, into)
    with sqlite3.connect(into) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0005'")
    return into


def _text_file(into: Path) -> Path:
    into.write_text("hello")
    return into


def _not_closecall(into: Path) -> Path:
    with sqlite3.connect(into) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    return into


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp, good: tmp / "missing.db", "no file at"),
        (lambda tmp, good: _text_file(tmp / "text.db"), "not a SQLite"),
        (lambda tmp, good: _not_closecall(tmp / "other.db"), "not a Closecall database"),
        (lambda tmp, good: _older_migration(good, tmp / "old.db"), "is at migration 0005"),
    ],
    ids=["missing", "not-sqlite", "not-closecall", "older-migration"],
)
def test_restore_refuses_a_wrong_file_with_a_clear_message(
    embedded, world, fresh, tmp_path, make, message
):
    good = tmp_path / "good.db"
    assert _backup(embedded, good).exit_code == 0
    fresh_app, database = fresh
    wrong = make(tmp_path, good)

    result = _restore(fresh_app, wrong)

    assert result.exit_code == 1
    assert message in result.output
    assert not database.exists()


def test_a_backup_into_a_missing_folder_says_so(embedded, tmp_path):
    result = _backup(embedded, tmp_path / "nowhere" / "copy.db")

    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_backup_on_postgresql_points_to_pg_dump(app, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL only (run with --db=postgresql)")

    result = _backup(app, tmp_path / "copy.db")

    assert result.exit_code == 1
    assert "pg_dump" in result.output
    assert not (tmp_path / "copy.db").exists()
