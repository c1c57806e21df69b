"""Who reaches which admin page: every route x every persona x site A and site B.

Editing is for admins only (403 for other staff); posters and QR codes are for admins and
the site's own safety managers and supervisors. A site the user cannot see answers 404,
so its existence does not leak; a site they see without the right role answers 403.
Anonymous visitors are sent to sign in.
"""

from __future__ import annotations

import pytest

from tests.factories import post

PERSONAS = ("admin", "safety", "supervisor_a", "supervisor_b", "viewer_a", "anonymous")

# status by persona, for (site A, site B)
ADMIN_ONLY = {
    "admin": ("ok", "ok"),
    "safety": (403, 403),
    "supervisor_a": (403, 403),
    "supervisor_b": (403, 403),
    "viewer_a": (403, 403),
    "anonymous": (302, 302),
}
PRINTING = {
    "admin": ("ok", "ok"),
    "safety": ("ok", 404),
    "supervisor_a": ("ok", 404),
    "supervisor_b": (404, "ok"),
    "viewer_a": (403, 404),
    "anonymous": (302, 302),
}
PRINTERS = {  # the list of printable posters: no object, so the site does not matter
    "admin": ("ok", "ok"),
    "safety": ("ok", "ok"),
    "supervisor_a": ("ok", "ok"),
    "supervisor_b": ("ok", "ok"),
    "viewer_a": (403, 403),
    "anonymous": (302, 302),
}

# (method, url template, table); "ok" is 200 for a page and 422 for a post of an empty form
EMPTY_FORM = {"name": "", "slug": "", "timezone": "", "site_id": "", "description": ""}
ROUTES = [
    ("GET", "/admin/sites", ADMIN_ONLY),
    ("GET", "/admin/sites/new", ADMIN_ONLY),
    ("POST", "/admin/sites/new", ADMIN_ONLY),
    ("GET", "/admin/sites/{site}/edit", ADMIN_ONLY),
    ("POST", "/admin/sites/{site}/edit", ADMIN_ONLY),
    ("GET", "/admin/locations/new?site={site}", ADMIN_ONLY),
    ("POST", "/admin/locations/new?site={site}", ADMIN_ONLY),
    ("GET", "/admin/locations/{location}/edit", ADMIN_ONLY),
    ("POST", "/admin/locations/{location}/edit", ADMIN_ONLY),
    ("GET", "/admin/locations/{location}/qr.png", PRINTING),
    ("GET", "/admin/locations/{location}/qr.svg", PRINTING),
    ("GET", "/admin/locations/{location}/poster", PRINTING),
    ("GET", "/admin/sites/{site}/posters", PRINTING),
    ("GET", "/admin/posters", PRINTERS),
]

CASES = [
    pytest.param(
        method,
        url,
        persona,
        site,
        table[persona][site == "b"],
        id=f"{method} {url} {persona} {site}",
    )
    for method, url, table in ROUTES
    for persona in PERSONAS
    for site in ("a", "b")
]


@pytest.mark.parametrize(("method", "url", "persona", "site", "expected"), CASES)
def test_access(client, login, world, ids, method, url, persona, site, expected):
    if persona != "anonymous":
        assert login.as_(getattr(world, persona)).status_code == 303
    target = url.format(site=ids.site[site], location=ids.location[site])
    response = client.get(target) if method == "GET" else post(client, target, EMPTY_FORM)
    if expected == "ok":
        expected = 200 if method == "GET" else 422
    assert response.status_code == expected
    if expected == 302:
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/sites/999999/edit",
        "/admin/locations/999999/edit",
        "/admin/locations/999999/qr.png",
        "/admin/locations/999999/qr.svg",
        "/admin/locations/999999/poster",
        "/admin/sites/999999/posters",
    ],
)
def test_missing_objects_are_404_for_an_admin(as_admin, url):
    assert as_admin.get(url).status_code == 404


def test_non_admins_get_403_before_any_lookup(login, world):
    login.as_(world.safety)
    assert login.client.get("/admin/sites/999999/edit").status_code == 403


def test_a_deactivated_admin_is_signed_out(app, login, world):
    from portal.extensions import db
    from portal.models import User

    login.as_(world.admin)
    with app.app_context():
        db.session.get(User, world.admin.id).active = False
        db.session.commit()
    response = login.client.get("/admin/sites")
    assert response.status_code == 302
