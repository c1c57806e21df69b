"""Report-page access beyond the route matrix (tests/security/test_access_matrix.py, which
walks every route x persona x a report of site A and of site B): the choice of places, missing
objects, a deactivated account, htmx posts after the session ended.
"""

from __future__ import annotations

import pytest

from tests.access import PERSONAS
from tests.factories import make_report, post

# the choice of places (/reports/new without ?location=): no object, so no site; viewers
# enter no reports. The matrix requests the route with ?location= only.
CHOOSE = {
    "admin": 200,
    "safety": 200,
    "supervisor_a": 200,
    "supervisor_b": 200,
    "viewer_a": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_choice_of_places_answers_triage_staff(client, login, world, persona):
    if persona != "anonymous":
        assert login.as_(getattr(world, persona)).status_code == 303
    response = client.get("/reports/new")
    assert response.status_code == CHOOSE[persona]
    if CHOOSE[persona] == 302:
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    "url",
    [
        "/reports/999999",
        "/reports/999999/messages",
        "/reports/999999/investigation",
        "/reports/999999/answers-read",
        "/reports/999999/actions",
        "/reports/999999/summary",
        "/reports/999999/doubt",
        "/reports/new?location=999999",
    ],
)
def test_missing_objects_are_404_for_an_admin(login, world, url):
    login.as_(world.admin)
    response = login.client.get(url) if url.endswith("999999") else post(login.client, url)
    assert response.status_code == 404


def test_a_deactivated_supervisor_is_signed_out(app, login, world):
    from portal.extensions import db
    from portal.models import User

    made = make_report(app, world)
    login.as_(world.supervisor_a)
    with app.app_context():
        db.session.get(User, world.supervisor_a.id).active = False
        db.session.commit()
    assert login.client.get(f"/reports/{made.id}").status_code == 302


@pytest.mark.parametrize("form", ["actions", "summary", "doubt"])
def test_htmx_posts_after_the_session_ended_are_sent_to_sign_in(app, client, world, form):
    made = make_report(app, world)
    response = post(client, f"/reports/{made.id}/{form}", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=")
