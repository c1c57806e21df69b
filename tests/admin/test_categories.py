"""Report categories: admins add, rename, reorder, retire and restore them; nothing is deleted
(who may is the route matrix's: tests/security/test_access_matrix.py)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.admin.forms import CategoryForm
from portal.extensions import db
from portal.models import DEFAULT_CATEGORIES, Category, Report
from tests.factories import act, new_report, post


def _category_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Category.id).where(Category.name == name))


def _names(app, active_only: bool = False) -> list[str]:
    with app.app_context():
        query = select(Category.name).order_by(Category.position, Category.id)
        if active_only:
            query = query.where(Category.active.is_(True))
        return list(db.session.scalars(query))


def _category(app, name: str) -> Category | None:
    with app.app_context():
        category = db.session.scalar(select(Category).where(Category.name == name))
        if category is not None:
            db.session.expunge(category)
        return category


def test_non_admins_get_403_before_any_lookup(login, world):
    login.as_(world.supervisor_a)
    assert login.client.get("/admin/categories/999999/edit").status_code == 403
    assert post(login.client, "/admin/categories/999999/retire").status_code == 403


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/admin/categories/999999/edit"),
        ("POST", "/admin/categories/999999/edit"),
        ("POST", "/admin/categories/999999/move/up"),
        ("POST", "/admin/categories/999999/retire"),
        ("POST", "/admin/categories/999999/restore"),
    ],
)
def test_a_missing_category_is_404_for_an_admin(as_admin, method, url):
    response = as_admin.get(url) if method == "GET" else post(as_admin, url, {"name": "X"})
    assert response.status_code == 404


def test_the_list_shows_every_category_in_order_with_its_actions(app, as_admin):
    html = as_admin.get("/admin/categories").get_data(as_text=True)
    positions = [html.index(f"<strong>{name}</strong>") for name in DEFAULT_CATEGORIES]
    assert positions == sorted(positions)
    mechanical = _category_id(app, "Mechanical")
    assert f'action="/admin/categories/{mechanical}/move/down"' in html
    assert f'action="/admin/categories/{mechanical}/move/up"' not in html  # already first
    assert f'action="/admin/categories/{mechanical}/retire"' in html
    assert f'href="/admin/categories/{mechanical}/edit"' in html
    assert "<html" in html and 'name="csrf_token"' in html


def test_the_sites_page_links_to_the_categories(as_admin):
    assert 'href="/admin/categories"' in as_admin.get("/admin/sites").get_data(as_text=True)


def test_an_admin_adds_a_category_at_the_end(app, as_admin):
    response = post(as_admin, "/admin/categories", {"name": "  Working at height  "})
    assert response.status_code == 303
    new_id = _category_id(app, "Working at height")
    assert response.headers["Location"] == f"/admin/categories#category-{new_id}"
    assert _names(app) == [*DEFAULT_CATEGORIES, "Working at height"]
    page = as_admin.get("/admin/categories").get_data(as_text=True)
    assert "Category added." in page and "<strong>Working at height</strong>" in page


def test_a_name_of_exactly_80_characters_is_accepted(app, as_admin):
    assert post(as_admin, "/admin/categories", {"name": "c" * 80}).status_code == 303
    assert _category(app, "c" * 80).active


BAD_NAMES = [
    pytest.param("", "Please enter the category", id="missing"),
    pytest.param("   ", "Please enter the category", id="blank"),
    pytest.param("c" * 81, "at most 80", id="too-long"),
    pytest.param("Mechanical", "already a category with this name", id="duplicate"),
    pytest.param("  mECHANICAL ", "already a category with this name", id="duplicate-other-case"),
]


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_a_bad_new_category_comes_back_with_the_text_kept(app, as_admin, name, message):
    response = post(as_admin, "/admin/categories", {"name": name})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'id="name-error"' in html and 'aria-invalid="true"' in html
    if name.strip():
        assert re.search(rf'name="name"[^>]*value="{name.strip()}"', html)
    assert "<strong>Mechanical</strong>" in html  # the list is still there
    assert _names(app) == DEFAULT_CATEGORIES


def test_a_duplicate_won_by_a_racing_request_is_a_form_error_not_a_500(app, as_admin, monkeypatch):
    # Both requests passed validation; the database's unique constraint catches the second.
    monkeypatch.setattr(CategoryForm, "validate_name", lambda self, field: None)
    response = post(as_admin, "/admin/categories", {"name": "Electrical"})
    assert response.status_code == 422
    assert "already a category with this name" in response.get_data(as_text=True)
    assert _names(app) == DEFAULT_CATEGORIES


def test_a_rename_shows_on_the_reports_that_carry_the_category(app, as_admin, world):
    report_id = _classified_report(app, world, "Vehicles and traffic")
    category_id = _category_id(app, "Vehicles and traffic")
    url = f"/admin/categories/{category_id}/edit"
    page = as_admin.get(url).get_data(as_text=True)
    assert re.search(r'name="name"[^>]*value="Vehicles and traffic"', page)
    response = post(as_admin, url, {"name": "Vehicles, traffic and pedestrians"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/categories#category-{category_id}"
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.category.name == "Vehicles, traffic and pedestrians"


def test_a_category_may_be_renamed_to_its_own_name_in_another_case(app, as_admin):
    category_id = _category_id(app, "Human factors")
    response = post(as_admin, f"/admin/categories/{category_id}/edit", {"name": "Human Factors"})
    assert response.status_code == 303
    assert _category(app, "Human Factors").id == category_id


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_a_bad_rename_changes_nothing(app, as_admin, name, message):
    category_id = _category_id(app, "Chemical")
    response = post(as_admin, f"/admin/categories/{category_id}/edit", {"name": name})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and 'id="name-error"' in html
    if name.strip():
        assert re.search(rf'name="name"[^>]*value="{name.strip()}"', html)
    assert _names(app) == DEFAULT_CATEGORIES


def test_a_rename_lost_to_a_racing_request_is_a_form_error(app, as_admin, monkeypatch):
    monkeypatch.setattr(CategoryForm, "validate_name", lambda self, field: None)
    category_id = _category_id(app, "Chemical")
    response = post(as_admin, f"/admin/categories/{category_id}/edit", {"name": "Electrical"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "already a category with this name" in html and "Rename Chemical" in html
    assert _names(app) == DEFAULT_CATEGORIES


def test_moving_up_and_down_swaps_with_the_neighbour(app, as_admin):
    procedural = _category_id(app, "Procedural")
    response = post(as_admin, f"/admin/categories/{procedural}/move/up")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/categories#category-{procedural}"
    assert _names(app)[:3] == ["Procedural", "Mechanical", "Environmental"]
    post(as_admin, f"/admin/categories/{procedural}/move/down")
    post(as_admin, f"/admin/categories/{procedural}/move/down")
    assert _names(app)[:3] == ["Mechanical", "Environmental", "Procedural"]


def test_moving_past_either_end_changes_nothing(app, as_admin):
    first = post(as_admin, f"/admin/categories/{_category_id(app, 'Mechanical')}/move/up")
    last = post(as_admin, f"/admin/categories/{_category_id(app, 'Ergonomics')}/move/down")
    assert first.status_code == last.status_code == 303
    assert _names(app) == DEFAULT_CATEGORIES


def test_moving_mends_repeated_positions(app, as_admin):
    with app.app_context():
        for category in db.session.scalars(select(Category)):
            category.position = 0  # e.g. rows added by hand
        db.session.commit()
    post(as_admin, f"/admin/categories/{_category_id(app, 'Procedural')}/move/up")
    with app.app_context():
        positions = db.session.scalars(select(Category.position).order_by(Category.position))
        assert list(positions) == list(range(len(DEFAULT_CATEGORIES)))
    assert _names(app)[:2] == ["Procedural", "Mechanical"]


@pytest.mark.parametrize("url", ["/move/sideways", "/move/", "/delete", "/retire/now"])
def test_unknown_actions_are_404(app, as_admin, url):
    category_id = _category_id(app, "Chemical")
    assert post(as_admin, f"/admin/categories/{category_id}{url}").status_code == 404
    assert _names(app) == DEFAULT_CATEGORIES


@pytest.mark.parametrize("action", ["move/up", "retire", "restore"])
def test_actions_need_a_post_with_a_csrf_token(app, as_admin, action):
    url = f"/admin/categories/{_category_id(app, 'Chemical')}/{action}"
    assert as_admin.get(url).status_code == 405
    assert as_admin.post(url).status_code == 400
    assert _names(app) == DEFAULT_CATEGORIES and _category(app, "Chemical").active


def test_a_retired_category_stays_on_its_reports_and_leaves_the_classify_choices(
    app, as_admin, world
):
    report_id = _classified_report(app, world, "Ergonomics")
    ergonomics = _category_id(app, "Ergonomics")
    response = post(as_admin, f"/admin/categories/{ergonomics}/retire")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/categories#category-{ergonomics}"
    assert not _category(app, "Ergonomics").active
    assert _names(app) == DEFAULT_CATEGORIES  # still listed, in place
    assert "Ergonomics" not in _names(app, active_only=True)
    page = as_admin.get("/admin/categories").get_data(as_text=True)
    assert "no longer offered" in page
    assert re.search(rf'id="category-{ergonomics}" class="inactive"', page)
    assert f'action="/admin/categories/{ergonomics}/restore"' in page
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.category.name == "Ergonomics"
        offered = [c.name for c in Category.choosable()]
        assert "Ergonomics" not in offered and offered[0] == "Mechanical"
        own = [c.name for c in Category.choosable(report.category)]
        assert own == DEFAULT_CATEGORIES  # the report's own category, kept in its place


def test_a_restored_category_is_offered_again(app, as_admin):
    ergonomics = _category_id(app, "Ergonomics")
    post(as_admin, f"/admin/categories/{ergonomics}/retire")
    assert post(as_admin, f"/admin/categories/{ergonomics}/restore").status_code == 303
    assert _category(app, "Ergonomics").active
    with app.app_context():
        names = [c.name for c in Category.choosable()]
    assert names == DEFAULT_CATEGORIES


def _classified_report(app, world, category_name: str) -> int:
    """A report at site A, classified by its supervisor under the named category."""
    rid = new_report(app, world.location_a, "Reach truck cut the corner")
    act(
        app,
        rid,
        world.supervisor_a,
        "classify",
        category=category_name,
        domain="safety",
        severity=3,
        likelihood=2,
    )
    return rid
