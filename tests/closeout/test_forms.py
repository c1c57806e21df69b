"""Bad input in every card form: 422, a clear message, what was typed kept, nothing stored.
And the completion photo: re-encoded, stored under the upload folder, shown to site staff only."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import ReportEvent
from tests.closeout.helpers import version
from tests.factories import HX, change, fetch_action, jpeg, post, text, today


def _event_count(app, rid: int) -> int:
    with app.app_context():
        query = select(func.count()).where(ReportEvent.report_id == rid)
        return db.session.scalar(query)


def _uploads(app) -> list[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(os.listdir(folder)) if folder.exists() else []


def _send(client, app, aid: int, name: str, data: dict, headers: dict | None = None):
    base = {"version": version(app, aid), "next": "/closeout"}
    return post(client, f"/closeout/actions/{aid}/{name}", {**base, **data}, headers=headers)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_completing_without_a_note_is_refused(app, sup, rid, aid, headers):
    before = _event_count(app, rid)
    response = _send(sup, app, aid, "complete", {"note": "   "}, headers)
    html = text(response)
    assert response.status_code == 422 and "Say what was done." in html
    assert ("<html" in html) is (not headers)
    assert fetch_action(app, aid).status == "open" and _event_count(app, rid) == before


def test_a_corrupt_photo_keeps_the_note_and_stores_nothing(app, sup, rid, aid):
    before = _event_count(app, rid)
    photo = (io.BytesIO(b"\xff\xd8\xff\xe0 not really a jpeg"), "fix.jpg")
    response = _send(sup, app, aid, "complete", {"note": "Guard fitted", "photo": photo}, HX)
    html = text(response)
    assert response.status_code == 422
    assert "This photo could not be read." in html
    assert "Guard fitted</textarea>" in html  # the note is kept
    assert "Attach it again if you chose one." in html  # a file input cannot be refilled
    assert fetch_action(app, aid).status == "open" and _event_count(app, rid) == before
    assert _uploads(app) == []


def test_a_photo_is_re_encoded_and_stored_with_the_completion(app, sup, world, aid):
    original = Image.new("RGB", (60, 40), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make: must not survive
    raw = io.BytesIO()
    original.save(raw, format="JPEG", exif=exif)
    photo = (io.BytesIO(raw.getvalue()), "IMG_0001.jpg")
    response = _send(sup, app, aid, "complete", {"note": "Guard fitted", "photo": photo})
    assert response.status_code == 303
    saved = fetch_action(app, aid)
    assert saved.completion_photo in _uploads(app)
    assert (saved.completion_photo_width, saved.completion_photo_height) == (60, 40)
    stored = (Path(app.config["UPLOAD_DIR"]) / saved.completion_photo).read_bytes()
    assert b"SecretCam" not in stored and "IMG_0001" not in saved.completion_photo
    served = sup.get(f"/closeout/actions/{aid}/photo")
    assert served.status_code == 200 and served.data == stored
    assert served.headers["Cache-Control"] == "private, no-store"
    assert served.mimetype == "image/jpeg"
    served.close()
    card = text(sup.get(f"/closeout/actions/{aid}", headers=HX))
    assert f'src="/closeout/actions/{aid}/photo"' in card


def test_a_photo_is_removed_again_when_the_change_is_not_saved(app, sup, world, aid):
    change(app, aid, world.safety, "reassign", owner=world.admin)  # the form is now stale
    data = {"note": "Guard fitted", "photo": (io.BytesIO(jpeg()), "fix.jpg"), "version": 1}
    response = _send(sup, app, aid, "complete", data, HX)
    assert response.status_code == 409
    assert _uploads(app) == [] and fetch_action(app, aid).completion_photo is None


def test_an_action_without_a_photo_has_none_to_serve(app, sup, aid):
    assert sup.get(f"/closeout/actions/{aid}/photo").status_code == 404


@pytest.mark.parametrize("name", ["verify", "reopen"])
def test_verifying_or_sending_back_needs_a_note(app, safety, world, rid, aid, name):
    change(app, aid, world.supervisor_a, "complete", note="Guard fitted")
    before = _event_count(app, rid)
    response = _send(safety, app, aid, name, {"note": ""}, HX)
    html = text(response)
    assert response.status_code == 422
    assert "Say how you checked the fix, or why it does not hold." in html
    assert fetch_action(app, aid).status == "done" and _event_count(app, rid) == before


@pytest.mark.parametrize(
    ("owner", "message"),
    [
        ("9999", "Choose a staff member of this site."),
        ("", "Choose a staff member of this site."),
        ("bob", "Choose a staff member of this site."),
        ("supervisor_b", "Choose a staff member of this site."),
        ("viewer_a", "Choose a staff member of this site."),
        ("supervisor_a", "That is already the owner: choose someone else."),
    ],
)
def test_reassigning_to_someone_who_cannot_own_it_is_refused(
    app, sup, world, rid, aid, owner, message
):
    value = getattr(world, owner).id if hasattr(world, owner) else owner
    before = _event_count(app, rid)
    response = _send(sup, app, aid, "reassign", {"owner": value}, HX)
    assert response.status_code == 422 and message in text(response)
    assert fetch_action(app, aid).owner_id == world.supervisor_a.id
    assert _event_count(app, rid) == before


@pytest.mark.parametrize(
    ("due", "reason", "message", "kept"),
    [
        ("31/12/2099", "Parts late", "Enter the new due date, like 2026-12-24.", "Parts late"),
        ("", "Parts late", "Enter the new due date, like 2026-12-24.", "Parts late"),
        ("2099-02-30", "Parts late", "Enter the new due date, like 2026-12-24.", "2099-02-30"),
        ("+3", "", "Give the reason for the new date.", 'value="{plus3}"'),
        ("-1", "Oops", "Choose today or a later day.", "Oops"),
        ("same", "No change", "That is already the due date: choose another day.", "No change"),
    ],
)
def test_a_bad_due_date_or_no_reason_is_refused_with_the_text_kept(
    app, sup, world, rid, aid, due, reason, message, kept
):
    current = fetch_action(app, aid).due_on
    day = today(app, world.site_a)
    plus3 = (day + timedelta(days=3)).isoformat()
    typed = {
        "+3": plus3,
        "-1": (day - timedelta(days=1)).isoformat(),
        "same": current.isoformat(),
    }.get(due, due)
    before = _event_count(app, rid)
    response = _send(sup, app, aid, "due", {"due_on": typed, "reason": reason}, HX)
    html = text(response)
    assert response.status_code == 422 and message in html
    assert kept.format(plus3=plus3) in html
    assert fetch_action(app, aid).due_on == current and _event_count(app, rid) == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(app, sup, rid, aid, reason):
    before = _event_count(app, rid)
    response = _send(sup, app, aid, "cancel", {"reason": reason}, HX)
    assert response.status_code == 422 and "Give the reason for cancelling." in text(response)
    assert fetch_action(app, aid).status == "open" and _event_count(app, rid) == before


def test_a_note_that_is_too_long_is_refused_and_kept(app, sup, aid):
    long = "x" * 2001
    response = _send(sup, app, aid, "complete", {"note": long}, HX)
    assert response.status_code == 422
    assert "Please keep this under 2000 characters." in text(response)
    assert long in text(response) and fetch_action(app, aid).status == "open"


@pytest.mark.parametrize("version_value", ["", "abc"])
def test_a_form_without_its_version_is_out_of_date(app, sup, aid, version_value):
    response = _send(sup, app, aid, "cancel", {"reason": "Scrapped", "version": version_value}, HX)
    html = text(response)
    assert response.status_code == 422
    assert "This form is out of date. Reload the board and try again." in html
    assert "Scrapped</textarea>" in html and fetch_action(app, aid).status == "open"
