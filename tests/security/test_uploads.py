"""Hostile uploads through the public report form and the staff completion form.

Every hostile file is refused with a clear message and what was typed kept (the documented
behaviour: the whole form comes back, nothing is stored); a real image carrying a payload is
kept only as a fresh re-encode; a file's own name is never used; nothing is written anywhere
for a refused file; and the whole batch keeps a worker process under 256 MB.
Basic refusals (a broken JPEG, plain HTML, an empty file, 4001 px, four photos) are in
tests/report_form/test_photos.py and tests/closeout/test_forms.py; this file adds the attacks.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.extensions import db
from portal.models import CorrectiveAction, Photo, Report
from tests import factories
from tests.factories import add_action, new_report
from tests.security.upload_corpus import (
    TRICKY_NAMES,
    Upload,
    hostile,
    plain_jpeg,
    sanitised,
)

PROJECT = Path(__file__).resolve().parents[2]
HOSTILE = hostile()
SANITISED = sanitised()
TYPED = "A forklift reversed without horn"
RANDOM_NAME = re.compile(r"[0-9a-f]{32}\.jpg")


@pytest.fixture(autouse=True)
def _unthrottled(app) -> None:
    """Many reports from one test client: the report rate limit is not what is tested here."""
    app.config["REPORT_RATE_LIMIT"] = "1000 per minute"


@pytest.fixture(autouse=True)
def spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Werkzeug spools big uploads to temporary files: keep them where the test can look."""
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def tree(root: Path) -> set[str]:
    """Every file and folder under `root`, relative to it."""
    found: set[str] = set()
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            found.add(os.path.relpath(os.path.join(folder, name), root))
    return found


def escape_targets(app, name: str) -> list[Path]:
    """Where a file would land if its own name were used, from the upload folder or cwd."""
    clean = name.replace("\x00", "")[:200]
    return [(Path(app.config["UPLOAD_DIR"]) / clean).resolve(), Path(clean).resolve()]


def send_multipart(client, url: str, fields: dict[str, object], field: str, upload: Upload):
    """A multipart POST of the fields and the file, encoded in memory (the test client would
    spool a big body to a temporary file that it never closes)."""
    photo = FileStorage(io.BytesIO(upload.content), upload.filename, field, upload.content_type)
    boundary, body = encode_multipart(MultiDict([*fields.items(), (field, photo)]))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def send_report(client, code: str, upload: Upload, path: str = "r"):
    """The public form as a phone sends it: GET for the token, then the POST."""
    token = factories.form_token(client.get(f"/{path}/{code}").get_data(as_text=True))
    fields = factories.report_answers(token, reporter_name="Ana")
    return send_multipart(client, f"/{path}/{code}", fields, "photos", upload)


def send_completion(client, action_id: int, upload: Upload):
    """The staff "mark done" form with a photo of the fix."""
    fields = {"note": "Guard fitted", "version": "1", "next": "/closeout"}
    fields["csrf_token"] = factories.session_csrf(client)
    return send_multipart(
        client, f"/closeout/actions/{action_id}/complete", fields, "photo", upload
    )


def counts(app) -> tuple[int, int]:
    with app.app_context():
        reports = db.session.scalar(select(func.count(Report.id)))
        return reports, db.session.scalar(select(func.count(Photo.id)))


def stored_photos(app) -> list[Path]:
    with app.app_context():
        names = db.session.scalars(select(Photo.stored_name)).all()
    return [Path(app.config["UPLOAD_DIR"]) / name for name in names]


@pytest.fixture
def action_id(app, world) -> int:
    """An open action at site A owned by its supervisor."""
    return add_action(app, new_report(app, world.location_a), world.safety, world.supervisor_a)


@pytest.fixture
def supervisor(client, login, world):
    login.as_(world.supervisor_a)
    return client


def assert_refused(response, upload: Upload, typed: str) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 422, response.status_code
    assert any(message in html for message in upload.messages), upload.messages
    assert typed in html
    assert "alert(document.domain)" not in html  # the file is never echoed into the page


@pytest.mark.parametrize("upload", HOSTILE, ids=[u.key for u in HOSTILE])
def test_a_hostile_photo_is_refused_keeping_the_text_and_writing_nothing(
    app, client, world, tmp_path, upload
):
    client.get(f"/r/{world.location_a}")
    before = tree(tmp_path)
    response = send_report(client, world.location_a, upload)
    assert_refused(response, upload, TYPED)
    assert 'value="Ana"' in response.get_data(as_text=True)
    assert counts(app) == (0, 0)
    assert tree(tmp_path) == before  # the upload folder, its parents, the spool


@pytest.mark.parametrize("upload", HOSTILE, ids=[u.key for u in HOSTILE])
def test_a_hostile_photo_of_a_fix_is_refused_keeping_the_note(
    app, supervisor, action_id, tmp_path, upload
):
    before = tree(tmp_path)
    response = send_completion(supervisor, action_id, upload)
    assert_refused(response, upload, "Guard fitted</textarea>")
    with app.app_context():
        action = db.session.get(CorrectiveAction, action_id)
        assert action.status == "open" and action.completion_photo is None
    assert tree(tmp_path) == before


def test_a_hostile_photo_from_the_kiosk_is_refused_the_same_way(app, client, world, tmp_path):
    polyglot = HOSTILE[0]
    client.get(f"/kiosk/{world.location_a}")
    before = tree(tmp_path)
    assert_refused(send_report(client, world.location_a, polyglot, "kiosk"), polyglot, TYPED)
    assert counts(app) == (0, 0) and tree(tmp_path) == before


def assert_fresh_jpeg(stored: bytes, upload: Upload) -> None:
    """A new JPEG made from pixels: no byte of the payload, nothing after its end."""
    assert stored != upload.content
    assert stored.startswith(b"\xff\xd8") and stored.endswith(b"\xff\xd9")
    assert b"<script" not in stored and b"alert(" not in stored and b"<html" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and "comment" not in image.info
        image.load()


@pytest.mark.parametrize("upload", SANITISED, ids=[u.key for u in SANITISED])
def test_a_real_photo_carrying_html_is_kept_only_as_a_fresh_re_encode(app, client, world, upload):
    response = send_report(client, world.location_a, upload)
    assert response.status_code == 200
    (path,) = stored_photos(app)
    assert os.listdir(path.parent) == [path.name]
    assert_fresh_jpeg(path.read_bytes(), upload)


@pytest.mark.parametrize("upload", SANITISED, ids=[u.key for u in SANITISED])
def test_a_photo_of_a_fix_carrying_html_is_served_only_as_a_fresh_jpeg(
    app, supervisor, action_id, upload
):
    assert send_completion(supervisor, action_id, upload).status_code == 303
    served = supervisor.get(f"/closeout/actions/{action_id}/photo")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert_fresh_jpeg(served.data, upload)
    served.close()


@pytest.mark.parametrize("name", TRICKY_NAMES, ids=lambda name: repr(name[:24]))
def test_a_tricky_file_name_is_never_used(app, client, world, tmp_path, name):
    client.get(f"/r/{world.location_a}")
    targets = escape_targets(app, name)
    already = {target for target in targets if target.exists()}
    before = tree(tmp_path)
    response = send_report(client, world.location_a, Upload("named", name, plain_jpeg()))
    assert response.status_code == 200
    (path,) = stored_photos(app)
    assert RANDOM_NAME.fullmatch(path.name)
    uploads = os.path.relpath(app.config["UPLOAD_DIR"], tmp_path)
    assert tree(tmp_path) - before <= {uploads, os.path.join(uploads, path.name)}
    assert tree(tmp_path) >= before
    assert {target for target in targets if target.exists()} == already
    assert name[:24] not in response.get_data(as_text=True)


@pytest.mark.parametrize("name", TRICKY_NAMES[:4], ids=lambda name: repr(name[:24]))
def test_a_hostile_file_under_a_tricky_name_is_refused(app, client, world, tmp_path, name):
    polyglot = HOSTILE[0]
    client.get(f"/r/{world.location_a}")
    before = tree(tmp_path)
    upload = Upload("named", name, polyglot.content)
    assert_refused(send_report(client, world.location_a, upload), polyglot, TYPED)
    assert counts(app) == (0, 0) and tree(tmp_path) == before


def test_the_hostile_batch_keeps_the_worker_under_256_mb(request, tmp_path):
    if request.config.getoption("--db") != "sqlite":
        pytest.skip("measures one worker's memory on a scratch SQLite app: runs in the SQLite pass")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    with open(tmp_path / "batch.log", "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.security.upload_corpus"],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        worker.wait()
    output = (tmp_path / "batch.log").read_text()
    # the child reports its own VmHWM: a fork of this (large) test process would otherwise
    # lend it this process's size in ru_maxrss
    peak_mb = int(output.split("peak_kib", 1)[1].split()[0]) / 1024
    print(f"hostile upload batch: worker peak RSS {peak_mb:.0f} MB")
    assert worker.returncode == 0, output
    statuses = output.split("statuses", 1)[1].split("peak_kib", 1)[0].split()
    assert statuses and all(int(code) < 500 for code in statuses), output
    assert 30 < peak_mb < 256
