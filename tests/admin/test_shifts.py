"""A site's shifts: admins name up to four and set the hour each starts; until they do, a
site has the three 8-hour default shifts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Site
from tests.factories import post

CUSTOM = [{"name": "Day", "start": 7}, {"name": "Night", "start": 19}]


def rows(*pairs: tuple[str, str]) -> dict[str, str]:
    """The posted form: one (name, start hour) per row, blank rows up to four."""
    padded = [*pairs, *[("", "")] * (4 - len(pairs))]
    data = {}
    for index, (name, start) in enumerate(padded):
        data[f"rows-{index}-name"] = name
        data[f"rows-{index}-start"] = start
    return data


def site_shifts(app, site_id: int) -> list[dict[str, str | int]] | None:
    with app.app_context():
        return db.session.get(Site, site_id).shifts


def set_shifts(app, site_id: int, spec: list[dict[str, str | int]] | None) -> None:
    with app.app_context():
        db.session.get(Site, site_id).shifts = spec
        db.session.commit()


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error" role="alert">\s*([^<]*)', html)
    return match.group(1).strip() if match else ""


@pytest.mark.parametrize("site", ["a", "b"])
def test_an_admin_saves_the_shifts_of_either_site(app, as_admin, ids, site):
    """(Who may reach the page is the route matrix's, tests/security/test_access_matrix.py,
    which posts an empty form: 422.)"""
    set_shifts(app, ids.site[site], CUSTOM)
    url = f"/admin/sites/{ids.site[site]}/shifts"
    assert post(as_admin, url, rows(("Early", "5"))).status_code == 303


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/admin/sites/999999/shifts"),
        ("POST", "/admin/sites/999999/shifts"),
        ("POST", "/admin/sites/999999/shifts/defaults"),
    ],
)
def test_an_unknown_site_is_404_for_an_admin(as_admin, method, url):
    response = as_admin.get(url) if method == "GET" else post(as_admin, url, rows(("Day", "6")))
    assert response.status_code == 404


def test_non_admins_get_403_before_any_lookup(login, world):
    login.as_(world.safety)
    assert login.client.get("/admin/sites/999999/shifts").status_code == 403


def test_a_site_without_shifts_shows_the_defaults(as_admin, ids):
    html = as_admin.get(f"/admin/sites/{ids.site['a']}/shifts").get_data(as_text=True)
    assert 'name="rows-0-name" type="text" value="Morning"' in html
    assert '<option selected value="6">06:00</option>' in html
    assert 'value="Afternoon"' in html and 'value="Night"' in html
    assert 'name="rows-3-name" type="text" value=""' in html  # a fourth row, free
    assert "rows-4-name" not in html
    assert "Morning 06:00\u201314:00, Afternoon 14:00\u201322:00, Night 22:00\u201306:00" in html
    assert "the default shifts" in html
    assert f'action="/admin/sites/{ids.site["a"]}/shifts/defaults"' in html


def test_an_admin_saves_shifts_in_start_order(app, as_admin, ids):
    url = f"/admin/sites/{ids.site['a']}/shifts"
    response = post(as_admin, url, rows(("  Night  ", "18"), ("", ""), ("Day", "6")))
    assert response.status_code == 303
    assert response.headers["Location"] == url
    assert site_shifts(app, ids.site["a"]) == [
        {"name": "Day", "start": 6},
        {"name": "Night", "start": 18},
    ]
    assert site_shifts(app, ids.site["b"]) is None
    html = as_admin.get(url).get_data(as_text=True)
    assert "Shifts saved." in html
    assert "Day 06:00\u201318:00, Night 18:00\u201306:00" in html


def test_one_shift_is_enough(app, as_admin, ids):
    url = f"/admin/sites/{ids.site['a']}/shifts"
    assert post(as_admin, url, rows(("All day", "0"))).status_code == 303
    assert site_shifts(app, ids.site["a"]) == [{"name": "All day", "start": 0}]


def test_saving_the_defaults_unchanged_keeps_the_defaults(app, as_admin, ids):
    url = f"/admin/sites/{ids.site['a']}/shifts"
    data = rows(("Morning", "6"), ("Afternoon", "14"), ("Night", "22"))
    assert post(as_admin, url, data).status_code == 303
    assert site_shifts(app, ids.site["a"]) is None  # still shown translated


def test_the_default_button_resets_a_site(app, as_admin, ids):
    set_shifts(app, ids.site["a"], CUSTOM)
    url = f"/admin/sites/{ids.site['a']}/shifts"
    response = post(as_admin, f"{url}/defaults")
    assert response.status_code == 303 and response.headers["Location"] == url
    assert site_shifts(app, ids.site["a"]) is None
    with app.app_context():  # SQL NULL, as on a new site, not the JSON value null
        query = select(Site.id).where(Site.shifts.is_(None)).order_by(Site.id)
        assert db.session.scalars(query).all() == sorted(ids.site.values())
    assert "Alpha Plant has the default shifts again." in as_admin.get(url).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (rows(("Day", "6"), ("day", "18")), "rows-1-name", "Another shift has this name."),
        (rows(("Day", "6"), ("Night", "6")), "rows-1-start", "Another shift starts at this hour."),
        (rows(("Day", "6"), ("", "18")), "rows-1-name", "Name this shift, or clear its hour."),
        (rows(("Day", "")), "rows-0-start", "Choose the hour this shift starts."),
        (rows(("x" * 41, "6")), "rows-0-name", "Use at most 40 characters."),
        (rows(("Day", "24")), "rows-0-start", "Not a valid choice."),
    ],
)
def test_bad_rows_come_back_with_what_was_typed(app, as_admin, ids, data, field, message):
    set_shifts(app, ids.site["a"], CUSTOM)
    response = post(as_admin, f"/admin/sites/{ids.site['a']}/shifts", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in field_error(html, field)
    assert site_shifts(app, ids.site["a"]) == CUSTOM
    for key, value in data.items():
        if key.endswith("-name") and value:
            assert f'name="{key}" type="text" value="{value.strip()}"' in html


def test_no_shift_at_all_is_refused(app, as_admin, ids):
    response = post(as_admin, f"/admin/sites/{ids.site['a']}/shifts", rows())
    assert response.status_code == 422
    assert "Enter at least one shift." in response.get_data(as_text=True)
    assert site_shifts(app, ids.site["a"]) is None


def test_more_than_four_shifts_are_refused(app, as_admin, ids):
    data = rows(("A", "0"), ("B", "5"), ("C", "10"), ("D", "15"))
    data.update({"rows-4-name": "E", "rows-4-start": "20"})
    response = post(as_admin, f"/admin/sites/{ids.site['a']}/shifts", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "At most 4 shifts." in html
    assert 'name="rows-4-name" type="text" value="E"' in html  # kept, to be cleared
    assert site_shifts(app, ids.site["a"]) is None


def test_a_post_without_the_csrf_token_is_refused(app, as_admin, ids):
    url = f"/admin/sites/{ids.site['a']}/shifts"
    assert as_admin.post(url, data=rows(("Day", "6"))).status_code == 400
    assert as_admin.post(f"{url}/defaults").status_code == 400
    assert site_shifts(app, ids.site["a"]) is None


def test_the_sites_page_links_to_each_sites_shifts(as_admin, ids):
    html = as_admin.get("/admin/sites").get_data(as_text=True)
    for site in ("a", "b"):
        assert f'href="/admin/sites/{ids.site[site]}/shifts"' in html
