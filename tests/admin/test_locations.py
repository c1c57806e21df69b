"""Adding and changing locations: codes, addresses, disabling, and every bad input."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.lib.codes import ALPHABET, LOCATION_CODE_LENGTH
from portal.models import Location
from tests.factories import post


def _location(app, name: str) -> Location | None:
    with app.app_context():
        location = db.session.scalar(select(Location).where(Location.name == name))
        if location is not None:
            db.session.expunge(location)
        return location


def _count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Location)).all())


def test_the_sites_page_shows_report_and_kiosk_addresses(as_admin, world, ids):
    html = as_admin.get("/admin/sites").get_data(as_text=True)
    assert f"http://closecall.test/r/{world.location_a}" in html
    assert f"http://closecall.test/kiosk/{world.location_a}" in html
    assert f"http://closecall.test/r/{world.location_b}" in html
    assert f'href="/admin/locations/{ids.location["a"]}/poster"' in html
    assert f'href="/admin/locations/{ids.location["a"]}/qr.png"' in html


def test_an_admin_adds_a_location_with_its_own_code(app, as_admin, world):
    page = as_admin.get(f"/admin/locations/new?site={world.site_b}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{world.site_b}">', page)
    assert re.search(r'name="active"[^>]*checked', page) or re.search(
        r'checked[^>]*name="active"', page
    )
    data = {"name": "Dock 3", "site_id": world.site_b, "description": " By door 3 ", "active": "y"}
    response = post(as_admin, "/admin/locations/new", data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/sites#site-{world.site_b}"
    location = _location(app, "Dock 3")
    assert location.site_id == world.site_b
    assert location.description == "By door 3"
    assert location.active
    assert len(location.code) == LOCATION_CODE_LENGTH and set(location.code) <= set(ALPHABET)
    assert location.code not in (world.location_a, world.location_b)
    html = as_admin.get("/admin/sites").get_data(as_text=True)
    assert f"http://closecall.test/r/{location.code}" in html


def test_an_empty_description_is_stored_as_none(app, as_admin, world):
    data = {"name": "Dock 4", "site_id": world.site_a, "description": "  ", "active": "y"}
    assert post(as_admin, "/admin/locations/new", data).status_code == 303
    assert _location(app, "Dock 4").description is None


def test_an_admin_edits_a_location_and_its_code_stays(app, as_admin, world, ids):
    url = f"/admin/locations/{ids.location['a']}/edit"
    page = as_admin.get(url).get_data(as_text=True)
    assert re.search(r'name="name"[^>]*value="Dock 1"', page)
    assert f"http://closecall.test/r/{world.location_a}" in page
    assert f"http://closecall.test/kiosk/{world.location_a}" in page
    data = {"name": "Dock 1 east", "site_id": world.site_a, "description": "Gate side"}
    response = post(as_admin, url, data)  # no "active": the box was unticked
    assert response.status_code == 303
    location = _location(app, "Dock 1 east")
    assert location.code == world.location_a
    assert location.description == "Gate side"
    assert not location.active


def test_a_disabled_location_no_longer_opens_the_report_form(as_admin, world, ids):
    data = {"name": "Dock 1", "site_id": world.site_a}
    post(as_admin, f"/admin/locations/{ids.location['a']}/edit", data)
    assert as_admin.get(f"/r/{world.location_a}").status_code == 404
    data["active"] = "y"
    post(as_admin, f"/admin/locations/{ids.location['a']}/edit", data)
    assert as_admin.get(f"/r/{world.location_a}").status_code == 200


def test_a_location_moves_to_another_site(app, as_admin, world, ids):
    data = {"name": "Dock 1", "site_id": world.site_b, "active": "y"}
    assert post(as_admin, f"/admin/locations/{ids.location['a']}/edit", data).status_code == 303
    assert _location(app, "Dock 1").site_id == world.site_b


BAD_LOCATIONS = [
    pytest.param({"name": ""}, "name", "Please enter the location", id="missing-name"),
    pytest.param({"name": "  "}, "name", "Please enter the location", id="blank-name"),
    pytest.param({"name": "n" * 121}, "name", "at most 120", id="name-too-long"),
    pytest.param({"description": "d" * 501}, "description", "at most 500", id="long-description"),
    pytest.param({"site_id": "999999"}, "site_id", "Choose one of the sites", id="unknown-site"),
    pytest.param(
        {"site_id": "bravo"}, "site_id", "Choose one of the sites", id="site-not-a-number"
    ),
    pytest.param({"site_id": ""}, "site_id", "Choose one of the sites", id="missing-site"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_LOCATIONS)
def test_a_bad_new_location_comes_back_with_the_text_kept(
    app, as_admin, world, change, field, message
):
    data = {"name": "Press line 2", "site_id": world.site_a, "description": "Behind press 2"}
    data.update(change)
    response = post(as_admin, "/admin/locations/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert f'id="{field}-error"' in html
    if data["name"].strip():
        assert re.search(rf'name="name"[^>]*value="{data["name"]}"', html)
    assert re.search(rf">\s*{data['description']}</textarea>", html)
    assert _count(app) == 2


@pytest.mark.parametrize(("change", "field", "message"), BAD_LOCATIONS)
def test_a_bad_location_edit_changes_nothing(app, as_admin, world, ids, change, field, message):
    data = {"name": "Press line 2", "site_id": world.site_a, "active": "y", **change}
    response = post(as_admin, f"/admin/locations/{ids.location['a']}/edit", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    location = _location(app, "Dock 1")
    assert location is not None and location.site_id == world.site_a


def test_editing_a_missing_location_is_404(as_admin):
    assert as_admin.get("/admin/locations/999999/edit").status_code == 404
