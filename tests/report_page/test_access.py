"""Who reaches which report route: every route x every persona x a report of site A and of B.

A report or location at a site the user cannot see answers 404, so its existence does not
leak; viewers read a report but every action answers 403; anonymous visitors sign in first.
"""

from __future__ import annotations

import pytest

from tests.access import ACT, PERSONAS
from tests.access import READ_OK as READ
from tests.factories import make_report, post

CHOOSE = {  # the place list: no object, so the site does not matter
    "admin": ("ok", "ok"),
    "safety": ("ok", "ok"),
    "supervisor_a": ("ok", "ok"),
    "supervisor_b": ("ok", "ok"),
    "viewer_a": (403, 403),
    "anonymous": (302, 302),
}

# (method, url template, table, success status); posts send an empty form
ROUTES = [
    ("GET", "/reports/{report}", READ, 200),
    ("POST", "/reports/{report}/messages", ACT, 422),
    ("POST", "/reports/{report}/investigation", ACT, 422),
    ("POST", "/reports/{report}/answers-read", ACT, 303),
    ("POST", "/reports/{report}/actions", ACT, 422),
    ("POST", "/reports/{report}/summary", ACT, 422),
    ("POST", "/reports/{report}/doubt", ACT, 422),
    ("GET", "/reports/new?location={location}", ACT, 200),
    ("POST", "/reports/new?location={location}", ACT, 422),
    ("GET", "/reports/new", CHOOSE, 200),
]

CASES = [
    pytest.param(
        method,
        url,
        persona,
        site,
        table[persona][site == "b"],
        ok,
        id=f"{method} {url} {persona} {site}",
    )
    for method, url, table, ok in ROUTES
    for persona in PERSONAS
    for site in ("a", "b")
]


@pytest.mark.parametrize(("method", "url", "persona", "site", "expected", "ok"), CASES)
def test_access(app, client, login, world, ids, method, url, persona, site, expected, ok):
    made = make_report(app, world, site)
    if persona != "anonymous":
        assert login.as_(getattr(world, persona)).status_code == 303
    target = url.format(report=made.id, location=ids.location[site])
    response = client.get(target) if method == "GET" else post(client, target)
    assert response.status_code == (ok if expected == "ok" else expected)
    if expected == 302:
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
