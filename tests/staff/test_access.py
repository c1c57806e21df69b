"""Staff pages and photos: a photo is a private JPEG for the staff of its site; the staff
home lists the reports of the user's sites only."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Photo
from tests.factories import form_token, png, report_answers, time_passes

PERSONAS = ["admin", "safety", "supervisor_a", "supervisor_b", "viewer_a", None]


def _report_with_photo(client, code: str) -> None:
    token = form_token(client.get(f"/r/{code}").get_data(as_text=True))
    data = report_answers(token, what_happened=f"unique story at {code}")
    data["photos"] = [(io.BytesIO(png()), "p.png")]
    assert (
        client.post(f"/r/{code}", data=data, content_type="multipart/form-data").status_code == 200
    )


# who sees a report or photo of site A / site B
SEES = {
    "admin": (True, True),
    "safety": (True, False),
    "supervisor_a": (True, False),
    "supervisor_b": (False, True),
    "viewer_a": (True, False),
}


# who may see each site's photo (the refusals, 404 and sign-in, are the route matrix's:
# tests/security/test_access_matrix.py)
ALLOWED = [
    pytest.param(persona, site, id=f"{persona}-{site}")
    for persona, sees in SEES.items()
    for site, seen in zip(("a", "b"), sees, strict=True)
    if seen
]


@pytest.mark.parametrize(("persona", "site"), ALLOWED)
def test_a_photo_is_a_private_jpeg_for_the_staff_of_its_site(
    app, client, world, login, persona, site
):
    code = world.location_a if site == "a" else world.location_b
    _report_with_photo(app.test_client(), code)
    with app.app_context():
        photo_id = db.session.scalars(select(Photo.id)).one()
    login.as_(getattr(world, persona))
    response = client.get(f"/staff/photos/{photo_id}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert "private" in response.headers["Cache-Control"]
    assert response.get_data()[:2] == b"\xff\xd8"
    response.close()


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_home_lists_only_visible_sites(app, client, world, login, persona):
    reporter = app.test_client()
    _report_with_photo(reporter, world.location_a)
    _report_with_photo(reporter, world.location_b)
    time_passes(app)  # anonymous reports are listed once their hour is over
    if persona is None:
        assert client.get("/staff/").status_code == 302
        return
    login.as_(getattr(world, persona))
    html = client.get("/staff/").get_data(as_text=True)
    sees_a, sees_b = SEES[persona]
    assert (f"unique story at {world.location_a}" in html) is sees_a
    assert (f"unique story at {world.location_b}" in html) is sees_b


def test_unknown_photo_is_404(client, world, login):
    login.as_(world.admin)
    assert client.get("/staff/photos/999999").status_code == 404


def test_an_anonymous_report_shows_its_time_only_to_the_hour(app, client, world, login):
    from datetime import datetime

    from portal.models import Report

    reporter = app.test_client()
    _report_with_photo(reporter, world.location_a)
    with app.app_context():
        report = db.session.scalars(select(Report)).one()
        report.created_at = datetime(2026, 3, 4, 13, 37, 11)  # UTC; Europe/Madrid is UTC+1
        db.session.commit()
    login.as_(world.admin)
    html = client.get("/staff/").get_data(as_text=True)
    start = html.find("<time>")
    assert "2:00\u202fPM \u2013 3:00\u202fPM" in html, html[start : start + 80]
    assert "14:37" not in html and "2:37" not in html
