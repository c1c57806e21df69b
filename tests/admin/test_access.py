"""Admin access beyond the route matrix (tests/security/test_access_matrix.py, which walks
every route x persona x site A and site B): empty edit forms, missing objects, 403 before any
lookup, a deactivated admin.
"""

from __future__ import annotations

import pytest

from tests.factories import post

# An edit form posted with its fields empty is refused with 422 for the admin (the route matrix
# posts the CSRF token alone, which keeps the object's values: 303); every other persona's
# answer is the matrix's (403, or sign-in).
EMPTY_FORM = {"name": "", "slug": "", "timezone": "", "site_id": "", "description": ""}


@pytest.mark.parametrize("site", ["a", "b"])
@pytest.mark.parametrize("url", ["/admin/sites/{site}/edit", "/admin/locations/{location}/edit"])
def test_an_empty_edit_form_is_422_for_the_admin(as_admin, ids, url, site):
    target = url.format(site=ids.site[site], location=ids.location[site])
    assert post(as_admin, target, EMPTY_FORM).status_code == 422


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
