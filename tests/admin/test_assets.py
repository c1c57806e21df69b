"""Assets per location: admins and the site's triage staff add, rename, retire and restore them."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Asset, Report, User
from tests.factories import act, new_report, post

# who keeps each site's assets (the refusals, 403, 404 and sign-in, are the route matrix's:
# tests/security/test_access_matrix.py)
KEEPERS = [
    pytest.param(persona, site, id=f"{persona}-{site}")
    for persona, sites in {
        "admin": "ab",
        "safety": "a",
        "supervisor_a": "a",
        "supervisor_b": "b",
    }.items()
    for site in sites
]


@dataclass(frozen=True)
class Assets:
    """One asset at each site's location, by site letter."""

    id: dict[str, int]


@pytest.fixture
def assets(app, ids) -> Assets:
    with app.app_context():
        forklift = Asset(location_id=ids.location["a"], name="Forklift FL-07")
        charger = Asset(location_id=ids.location["b"], name="Charger C3")
        db.session.add_all([forklift, charger])
        db.session.commit()
        return Assets(id={"a": forklift.id, "b": charger.id})


def _assets(app, location_id: int) -> list[tuple[str, bool]]:
    with app.app_context():
        query = select(Asset.name, Asset.active).where(Asset.location_id == location_id)
        return sorted(db.session.execute(query.order_by(Asset.id)).tuples())


def _asset(app, asset_id: int) -> Asset:
    with app.app_context():
        asset = db.session.get(Asset, asset_id)
        db.session.expunge(asset)
        return asset


@pytest.mark.parametrize(("persona", "site"), KEEPERS)
def test_an_empty_rename_is_422_for_the_keepers_of_its_site(
    app, login, world, assets, persona, site
):
    """(The route matrix posts the CSRF token alone, which keeps the name: 303.)"""
    assert login.as_(getattr(world, persona)).status_code == 303
    response = post(login.client, f"/admin/assets/{assets.id[site]}/edit", {"name": ""})
    assert response.status_code == 422
    assert _asset(app, assets.id[site]).active  # nothing retired by a refused request


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/admin/locations/999999/assets"),
        ("POST", "/admin/locations/999999/assets"),
        ("GET", "/admin/assets/999999/edit"),
        ("POST", "/admin/assets/999999/edit"),
        ("POST", "/admin/assets/999999/retire"),
        ("POST", "/admin/assets/999999/restore"),
    ],
)
def test_missing_objects_are_404(login, world, method, url):
    login.as_(world.supervisor_a)
    client = login.client
    response = client.get(url) if method == "GET" else post(client, url, {"name": "X"})
    assert response.status_code == 404


def test_the_list_shows_active_assets_first_with_their_actions(app, as_admin, ids, assets):
    with app.app_context():
        db.session.add_all(
            [
                Asset(location_id=ids.location["a"], name="Dock leveller 3"),
                Asset(location_id=ids.location["a"], name="Forklift FL-02", active=False),
            ]
        )
        db.session.commit()
    html = as_admin.get(f"/admin/locations/{ids.location['a']}/assets").get_data(as_text=True)
    order = [
        html.index(f"<strong>{name}</strong>")
        for name in ("Dock leveller 3", "Forklift FL-07", "Forklift FL-02")
    ]
    assert order == sorted(order)
    assert "<strong>Charger C3</strong>" not in html  # site B's location
    assert "Dock 1" in html and "Alpha Plant" in html
    assert f'action="/admin/assets/{assets.id["a"]}/retire"' in html
    assert f'href="/admin/assets/{assets.id["a"]}/edit"' in html
    assert html.count(">Restore<") == 1


def test_the_sites_page_links_to_each_locations_assets(as_admin, ids):
    html = as_admin.get("/admin/sites").get_data(as_text=True)
    assert f'href="/admin/locations/{ids.location["a"]}/assets"' in html
    assert f'href="/admin/locations/{ids.location["b"]}/assets"' in html


@pytest.mark.parametrize("persona", ["admin", "safety", "supervisor_a"])
def test_staff_of_the_site_add_an_asset(app, login, world, ids, persona):
    login.as_(getattr(world, persona))
    url = f"/admin/locations/{ids.location['a']}/assets"
    response = post(login.client, url, {"name": "  Press P2  "})
    assert response.status_code == 303
    assert _assets(app, ids.location["a"]) == [("Press P2", True)]
    with app.app_context():
        new_id = db.session.scalar(select(Asset.id).where(Asset.name == "Press P2"))
    assert response.headers["Location"] == f"{url}#asset-{new_id}"
    assert "Asset added." in login.client.get(url).get_data(as_text=True)


def test_the_same_name_may_be_used_at_another_location(app, as_admin, ids, assets):
    url = f"/admin/locations/{ids.location['b']}/assets"
    assert post(as_admin, url, {"name": "Forklift FL-07"}).status_code == 303
    assert ("Forklift FL-07", True) in _assets(app, ids.location["b"])


def test_a_name_of_exactly_120_characters_is_accepted(app, as_admin, ids):
    url = f"/admin/locations/{ids.location['a']}/assets"
    assert post(as_admin, url, {"name": "a" * 120}).status_code == 303


BAD_NAMES = [
    pytest.param("", "Please enter the asset", id="missing"),
    pytest.param("   ", "Please enter the asset", id="blank"),
    pytest.param("a" * 121, "at most 120", id="too-long"),
    pytest.param("Forklift FL-07", "already has an asset with this name", id="duplicate"),
    pytest.param(" forklift fl-07 ", "already has an asset with this name", id="duplicate-case"),
    pytest.param("Forklift FL-02", "restore it instead", id="same-as-a-retired-one"),
]


@pytest.fixture
def retired(app, ids, assets) -> int:
    """A retired asset at site A's location, beside the active forklift."""
    with app.app_context():
        asset = Asset(location_id=ids.location["a"], name="Forklift FL-02", active=False)
        db.session.add(asset)
        db.session.commit()
        return asset.id


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_a_bad_new_asset_comes_back_with_the_text_kept(
    app, login, world, ids, retired, name, message
):
    login.as_(world.supervisor_a)
    response = post(login.client, f"/admin/locations/{ids.location['a']}/assets", {"name": name})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'id="name-error"' in html and 'aria-invalid="true"' in html
    if name.strip():
        assert re.search(rf'name="name"[^>]*value="{name.strip()}"', html)
    assert "<strong>Forklift FL-07</strong>" in html  # the list is still there
    assert _assets(app, ids.location["a"]) == [("Forklift FL-02", False), ("Forklift FL-07", True)]


@pytest.mark.parametrize(("name", "message"), BAD_NAMES[:3])
def test_a_bad_rename_changes_nothing(app, as_admin, assets, name, message):
    url = f"/admin/assets/{assets.id['a']}/edit"
    response = post(as_admin, url, {"name": name})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and 'id="name-error"' in html
    if name.strip():
        assert re.search(rf'name="name"[^>]*value="{name.strip()}"', html)
    assert _asset(app, assets.id["a"]).name == "Forklift FL-07"


def test_renaming_to_another_assets_name_is_refused(app, as_admin, ids, assets, retired):
    with app.app_context():
        leveller = Asset(location_id=ids.location["a"], name="Dock leveller 3")
        db.session.add(leveller)
        db.session.commit()
        leveller_id = leveller.id
    url = f"/admin/assets/{leveller_id}/edit"
    response = post(as_admin, url, {"name": "FORKLIFT FL-07"})
    assert response.status_code == 422
    assert "already has an asset with this name" in response.get_data(as_text=True)
    response = post(as_admin, url, {"name": "Forklift FL-02"})
    assert response.status_code == 422
    assert "restore it instead" in response.get_data(as_text=True)
    assert _asset(app, leveller_id).name == "Dock leveller 3"


def test_a_rename_shows_on_the_linked_reports(app, login, world, ids, assets):
    report_id = _report_with_asset(app, world, assets.id["a"])
    login.as_(world.safety)
    url = f"/admin/assets/{assets.id['a']}/edit"
    page = login.client.get(url).get_data(as_text=True)
    assert re.search(r'name="name"[^>]*value="Forklift FL-07"', page)
    response = post(login.client, url, {"name": "Forklift FL-07 (reach truck)"})
    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"/admin/locations/{ids.location['a']}/assets#asset-{assets.id['a']}"
    )
    with app.app_context():
        assert db.session.get(Report, report_id).asset.name == "Forklift FL-07 (reach truck)"


def test_an_asset_may_be_renamed_to_its_own_name_in_another_case(app, as_admin, assets):
    url = f"/admin/assets/{assets.id['a']}/edit"
    assert post(as_admin, url, {"name": "FORKLIFT FL-07"}).status_code == 303
    assert _asset(app, assets.id["a"]).name == "FORKLIFT FL-07"


def test_a_retired_asset_stays_on_its_reports_and_can_be_restored(app, login, world, ids, assets):
    report_id = _report_with_asset(app, world, assets.id["a"])
    login.as_(world.supervisor_a)
    response = post(login.client, f"/admin/assets/{assets.id['a']}/retire")
    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"/admin/locations/{ids.location['a']}/assets#asset-{assets.id['a']}"
    )
    assert not _asset(app, assets.id["a"]).active
    page = login.client.get(f"/admin/locations/{ids.location['a']}/assets").get_data(as_text=True)
    assert "no longer offered" in page
    assert re.search(rf'id="asset-{assets.id["a"]}" class="inactive"', page)
    with app.app_context():
        assert db.session.get(Report, report_id).asset.name == "Forklift FL-07"
    assert post(login.client, f"/admin/assets/{assets.id['a']}/restore").status_code == 303
    assert _asset(app, assets.id["a"]).active


@pytest.mark.parametrize("action", ["retire", "restore"])
def test_retiring_needs_a_post_with_a_csrf_token(app, as_admin, assets, action):
    url = f"/admin/assets/{assets.id['a']}/{action}"
    assert as_admin.get(url).status_code == 405
    assert as_admin.post(url).status_code == 400
    assert _asset(app, assets.id["a"]).active


@pytest.mark.parametrize("url", ["/delete", "/retire/now", "/archive"])
def test_unknown_actions_are_404(app, as_admin, assets, url):
    assert post(as_admin, f"/admin/assets/{assets.id['a']}{url}").status_code == 404


def test_a_supervisor_moved_off_the_site_loses_its_list(app, login, world, ids):
    login.as_(world.supervisor_a)
    url = f"/admin/locations/{ids.location['a']}/assets"
    assert login.client.get(url).status_code == 200
    with app.app_context():
        supervisor = db.session.get(User, world.supervisor_a.id)
        supervisor.sites.clear()
        db.session.commit()
    assert login.client.get(url).status_code == 404


def _report_with_asset(app, world, asset_id: int) -> int:
    """A report at site A whose supervisor linked the asset."""
    rid = new_report(app, world.location_a, "Forklift reversed without horn")
    act(app, rid, world.supervisor_a, "assign", owner=world.supervisor_a, asset=asset_id)
    return rid
