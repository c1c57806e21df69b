"""Hours worked per site and month: admins fill a 12-month grid, saved all at once or not at all.

No row means "not entered" (rates leave the month out); 0 is kept as a real value.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from portal.admin.exposure import save_hours
from portal.admin.exposure_forms import parse_hours
from portal.extensions import db
from portal.indicators.scope import add_months, month_of
from portal.lib.timeutil import utcnow
from portal.models import ExposureHours, User
from tests.factories import post

TO = "2025-06"  # the grid ends at this month in most tests: 2024-07 .. 2025-06
URL = f"/admin/exposure?to={TO}"


def cell(site_id: int, month: str) -> str:
    return f"hours-{site_id}-{month}"


def stored(app) -> dict[tuple[int, str], int]:
    with app.app_context():
        rows = db.session.execute(
            select(ExposureHours.site_id, ExposureHours.month, ExposureHours.hours)
        )
        return {(site_id, month): hours for site_id, month, hours in rows}


def seed(app, world, values: dict[tuple[int, str], int | None]) -> None:
    with app.app_context():
        save_hours(values, db.session.get(User, world.admin.id))
        db.session.commit()


def input_value(html: str, name: str) -> str:
    match = re.search(rf'<input [^>]*name="{name}" value="([^"]*)"', html)
    assert match, f"no input {name}"
    return match.group(1)


def test_the_grid_has_a_labelled_cell_per_site_and_month(as_admin, ids):
    html = as_admin.get(URL).get_data(as_text=True)
    for site, name in (("a", "Alpha Plant"), ("b", "Bravo Warehouse")):
        assert f'<th scope="row">{name}</th>' in html
        for month in ("2024-07", "2025-01", "2025-06"):
            assert f'name="{cell(ids.site[site], month)}"' in html
    assert 'name="hours-{}-2024-06"'.format(ids.site["a"]) not in html  # 13 months back
    assert 'name="hours-{}-2025-07"'.format(ids.site["a"]) not in html
    label = f'<label class="visually-hidden" for="{cell(ids.site["a"], "2025-01")}">'
    assert label + "Hours worked at Alpha Plant in January 2025</label>" in html
    assert html.count('inputmode="numeric"') == 2 * 12
    assert 'name="csrf_token"' in html and 'action="/admin/exposure?to=2025-06"' in html


def test_the_grid_links_to_the_previous_and_next_twelve_months(as_admin):
    html = as_admin.get(URL).get_data(as_text=True)
    current = month_of(utcnow())
    assert 'href="/admin/exposure?to=2024-06"' in html
    assert f'href="/admin/exposure?to={min("2026-06", current)}"' in html  # never past now
    html = as_admin.get("/admin/exposure").get_data(as_text=True)
    assert f'action="/admin/exposure?to={current}"' in html
    assert f'href="/admin/exposure?to={add_months(current, -12)}"' in html
    assert "Next 12 months" not in html  # nothing to enter for months to come


def test_a_wrong_to_falls_back_to_this_month(as_admin):
    html = as_admin.get("/admin/exposure?to=2025-13").get_data(as_text=True)
    assert f'action="/admin/exposure?to={month_of(utcnow())}"' in html


def test_an_admin_saves_hours_and_sees_them_again(app, as_admin, world, ids):
    a, b = ids.site["a"], ids.site["b"]
    data = {cell(a, "2025-05"): "12500", cell(a, TO): "12,500", cell(b, TO): "9 800"}
    before = utcnow()
    response = post(as_admin, URL, data)
    assert response.status_code == 303
    assert response.headers["Location"] == URL
    assert stored(app) == {(a, "2025-05"): 12500, (a, TO): 12500, (b, TO): 9800}
    with app.app_context():
        rows = db.session.scalars(select(ExposureHours)).all()
        assert {row.updated_by_id for row in rows} == {world.admin.id}
        assert all(row.updated_at >= before.replace(microsecond=0) for row in rows)
    page = as_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hours saved." in page
    assert input_value(page, cell(b, TO)) == "9800"
    assert input_value(page, cell(b, "2025-05")) == ""


def test_an_emptied_cell_goes_back_to_not_entered(app, as_admin, world, ids):
    a = ids.site["a"]
    seed(app, world, {(a, TO): 5000, (a, "2025-05"): 4000})
    response = post(as_admin, URL, {cell(a, TO): "  ", cell(a, "2025-05"): "4000"})
    assert response.status_code == 303
    assert stored(app) == {(a, "2025-05"): 4000}


def test_zero_is_kept_as_a_closed_month(app, as_admin, ids):
    a = ids.site["a"]
    assert post(as_admin, URL, {cell(a, TO): "0"}).status_code == 303
    assert stored(app) == {(a, TO): 0}
    assert input_value(as_admin.get(URL).get_data(as_text=True), cell(a, TO)) == "0"


def test_cells_missing_from_the_post_are_left_alone(app, as_admin, world, ids):
    a, b = ids.site["a"], ids.site["b"]
    seed(app, world, {(b, TO): 700, (a, "2020-01"): 10})  # b not posted; 2020 not in the grid
    assert post(as_admin, URL, {cell(a, TO): "1"}).status_code == 303
    assert stored(app) == {(a, TO): 1, (b, TO): 700, (a, "2020-01"): 10}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter whole hours"),
        ("-5", "Hours cannot be negative."),
        ("12.5", "no decimal point"),
        ("12.500", "no decimal point"),
        ("10000001", "At most 10,000,000 hours a month."),
        ("99999999999999999999999", "Enter whole hours"),
        ("1e5", "Enter whole hours"),
        ("12,5", "Enter whole hours"),  # a decimal comma, not twelve thousand five
        ("1,000 000", "Enter whole hours"),
        ("٣٤", "Enter whole hours"),  # digits of another script
    ],
)
def test_a_bad_cell_saves_nothing_and_keeps_every_typed_value(
    app, as_admin, world, ids, typed, message
):
    a, b = ids.site["a"], ids.site["b"]
    seed(app, world, {(a, "2025-01"): 300})
    data = {cell(a, TO): "1,200", cell(b, TO): typed, cell(a, "2025-01"): ""}
    response = post(as_admin, URL, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert stored(app) == {(a, "2025-01"): 300}  # nothing saved, nothing deleted
    assert input_value(html, cell(a, TO)) == "1,200"
    assert input_value(html, cell(a, "2025-01")) == ""
    bad = cell(b, TO)
    assert re.search(rf'name="{bad}" value="[^"]*" maxlength="20" aria-invalid="true"', html)
    error = re.search(rf'<p class="field-error" id="{bad}-error">([^<]*)</p>', html)
    assert error and message in error.group(1)
    assert "1 cell needs fixing; nothing was saved." in html
    assert "Hours saved." not in html


def test_every_bad_cell_gets_its_own_message(app, as_admin, ids):
    a, b = ids.site["a"], ids.site["b"]
    data = {cell(a, TO): "x", cell(b, TO): "-1", cell(a, "2025-05"): "7"}
    response = post(as_admin, URL, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{cell(a, TO)}-error"' in html and f'id="{cell(b, TO)}-error"' in html
    assert f'id="{cell(a, "2025-05")}-error"' not in html
    assert "2 cells need fixing; nothing was saved." in html
    assert stored(app) == {}


def test_a_post_without_the_csrf_token_is_refused(app, as_admin, ids):
    response = as_admin.post(URL, data={cell(ids.site["a"], TO): "10"})
    assert response.status_code == 400
    assert stored(app) == {}


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("0", 0),
        ("12500", 12500),
        ("12,500", 12500),
        ("12 500", 12500),
        ("1 234 567", 1234567),
        ("12\u00a0500", 12500),
        ("10,000,000", 10_000_000),
        ("", None),
        ("   ", None),
    ],
)
def test_hours_read_with_thousands_separators(typed, hours):
    assert parse_hours(typed) == hours


def test_save_hours_stamps_only_the_months_that_change(app, world, ids):
    a = ids.site["a"]
    with app.app_context():
        admin = db.session.get(User, world.admin.id)
        assert save_hours({(a, "2025-01"): 10, (a, "2025-02"): 20}, admin) == 2
        db.session.commit()
        old = db.session.scalar(select(ExposureHours).where(ExposureHours.month == "2025-01"))
        old.updated_at = datetime(2025, 2, 1)
        db.session.commit()
        changes = {(a, "2025-01"): 10, (a, "2025-02"): 25, (a, "2025-03"): None}
        assert save_hours(changes, admin) == 1
        db.session.commit()
        rows = {r.month: r for r in db.session.scalars(select(ExposureHours))}
        assert rows["2025-01"].updated_at == datetime(2025, 2, 1)  # unchanged, not re-stamped
        assert rows["2025-02"].hours == 25 and rows["2025-02"].updated_by_id == admin.id
        assert save_hours({(a, "2025-02"): None}, admin) == 1
        db.session.commit()
        assert {r.month for r in db.session.scalars(select(ExposureHours))} == {"2025-01"}


@pytest.mark.parametrize(
    "values", [{(1, "2025-1"): 5}, {(1, "2025-01"): -1}, {(1, "2025-01"): 10_000_001}]
)
def test_save_hours_refuses_what_the_grid_would_refuse(app, world, values):
    with app.app_context(), pytest.raises(ValueError):
        save_hours(values, db.session.get(User, world.admin.id))


def test_the_sites_page_links_to_the_hours(as_admin):
    assert 'href="/admin/exposure"' in as_admin.get("/admin/sites").get_data(as_text=True)
