"""Adding and changing sites: happy paths, and every bad input comes back as a kept form."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.admin import forms
from portal.extensions import db
from portal.models import Site
from tests.factories import post

GOOD = {"name": "Charlie Yard", "slug": "charlie-yard", "timezone": "America/New_York"}


def _sites(app) -> dict[str, tuple[str, str]]:
    with app.app_context():
        return {s.slug: (s.name, s.timezone) for s in db.session.scalars(select(Site))}


def test_the_sites_page_lists_every_site(as_admin):
    html = as_admin.get("/admin/sites").get_data(as_text=True)
    assert "Alpha Plant" in html and "Bravo Warehouse" in html
    assert 'href="/admin/sites/new"' in html


def test_an_admin_adds_a_site(app, as_admin):
    form = as_admin.get("/admin/sites/new")
    assert form.status_code == 200
    assert 'list="time-zones"' in form.get_data(as_text=True)
    response = post(as_admin, "/admin/sites/new", GOOD)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/admin/sites#site-")
    assert _sites(app)["charlie-yard"] == ("Charlie Yard", "America/New_York")
    assert "Charlie Yard" in as_admin.get("/admin/sites").get_data(as_text=True)


def test_the_short_name_is_trimmed_and_lowercased(app, as_admin):
    response = post(as_admin, "/admin/sites/new", {**GOOD, "slug": "  Charlie-Yard "})
    assert response.status_code == 303
    assert "charlie-yard" in _sites(app)


def test_an_admin_edits_a_site(app, as_admin, world):
    page = as_admin.get(f"/admin/sites/{world.site_a}/edit").get_data(as_text=True)
    assert re.search(r'name="slug"[^>]*value="alpha"', page)
    response = post(
        as_admin,
        f"/admin/sites/{world.site_a}/edit",
        {"name": "Alpha Plant North", "slug": "alpha-north", "timezone": "Europe/Lisbon"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/sites#site-{world.site_a}"
    sites = _sites(app)
    assert sites["alpha-north"] == ("Alpha Plant North", "Europe/Lisbon")
    assert "alpha" not in sites


def test_a_site_keeps_its_own_short_name_when_edited(app, as_admin, world):
    data = {"name": "Alpha Plant 2", "slug": "alpha", "timezone": "Europe/Madrid"}
    assert post(as_admin, f"/admin/sites/{world.site_a}/edit", data).status_code == 303
    assert _sites(app)["alpha"][0] == "Alpha Plant 2"


BAD_SITES = [
    pytest.param({"name": ""}, "name", "Please enter the site", id="missing-name"),
    pytest.param({"name": "   "}, "name", "Please enter the site", id="blank-name"),
    pytest.param({"name": "x" * 121}, "name", "at most 120", id="name-too-long"),
    pytest.param({"slug": ""}, "slug", "Please enter a short name", id="missing-slug"),
    pytest.param({"slug": "charlie yard"}, "slug", "lowercase letters", id="slug-space"),
    pytest.param({"slug": "charlie_yard!"}, "slug", "lowercase letters", id="slug-symbols"),
    pytest.param({"slug": "-charlie"}, "slug", "lowercase letters", id="slug-leading-dash"),
    pytest.param({"slug": "charlie--yard"}, "slug", "lowercase letters", id="slug-double-dash"),
    pytest.param({"slug": "café"}, "slug", "lowercase letters", id="slug-accent"),
    pytest.param({"slug": "c" * 61}, "slug", "at most 60", id="slug-too-long"),
    pytest.param({"slug": "alpha"}, "slug", "already uses", id="duplicate-slug"),
    pytest.param({"slug": "ALPHA"}, "slug", "already uses", id="duplicate-slug-other-case"),
    pytest.param({"timezone": ""}, "timezone", "Please enter the site", id="missing-zone"),
    pytest.param({"timezone": "Mars/Olympus"}, "timezone", "Not a time zone", id="unknown-zone"),
    pytest.param({"timezone": "europe/madrid"}, "timezone", "Not a time zone", id="zone-case"),
    pytest.param({"timezone": "Z" * 65}, "timezone", "at most 64", id="zone-too-long"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_SITES)
def test_a_bad_new_site_comes_back_with_the_text_kept(app, as_admin, world, change, field, message):
    data = {**GOOD, **change}
    response = post(as_admin, "/admin/sites/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert f'id="{field}-error"' in html
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', html) or re.search(
        rf'aria-invalid="true"[^>]*name="{field}"', html
    )
    kept = {**data, "slug": data["slug"].strip().lower()}
    for name in ("name", "slug", "timezone"):
        if kept[name].strip():
            assert re.search(rf'name="{name}"[^>]*value="{re.escape(kept[name].strip())}"', html)
    assert set(_sites(app)) == {"alpha", "bravo"}


@pytest.mark.parametrize(("change", "field", "message"), BAD_SITES)
def test_a_bad_site_edit_changes_nothing(app, as_admin, world, change, field, message):
    data = {**GOOD, **change}
    if data["slug"] == "alpha":  # its own short name is fine; another site's is not
        data["slug"] = "bravo"
    if change.get("slug") == "ALPHA":
        data["slug"] = "BRAVO"
    response = post(as_admin, f"/admin/sites/{world.site_a}/edit", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _sites(app)["alpha"] == ("Alpha Plant", "Europe/Madrid")


def test_a_short_name_taken_in_a_race_is_a_form_error_not_a_500(app, as_admin, monkeypatch):
    # Another request added the same short name between our check and our commit.
    monkeypatch.setattr(forms.SiteForm, "validate_slug", lambda form, field: None)
    response = post(as_admin, "/admin/sites/new", {**GOOD, "slug": "alpha"})
    assert response.status_code == 422
    assert "already uses" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Site.id))) == 2


def test_a_form_without_csrf_token_is_refused(app, as_admin):
    response = as_admin.post("/admin/sites/new", data=GOOD)
    assert response.status_code == 400
    assert "charlie-yard" not in _sites(app)


def test_editing_a_missing_site_is_404(as_admin):
    assert as_admin.get("/admin/sites/999999/edit").status_code == 404
