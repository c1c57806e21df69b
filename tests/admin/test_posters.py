"""QR codes and printable posters."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from portal.extensions import db
from portal.lib import qr
from portal.models import Location, Site
from tests import factories

ENGLISH = "Report a close call in under a minute. You can stay anonymous."
SPANISH = "Reporta un casi accidente en menos de un minuto. Puedes hacerlo de forma anónima."


@pytest.fixture
def more_locations(app, world) -> dict[str, int]:
    """An extra active and a disabled location at site A, and one more at site B."""
    with app.app_context():
        site_a, site_b = db.session.get(Site, world.site_a), db.session.get(Site, world.site_b)
        made = {
            "Press line 2": factories.make_location(site_a, "Press line 2"),
            "Old dock": factories.make_location(site_a, "Old dock", active=False),
            "Aisle 12": factories.make_location(site_b, "Aisle 12"),
        }
        db.session.commit()
        return {name: location.id for name, location in made.items()}


def test_qr_png_is_a_png_of_the_report_address(as_admin, world, ids):
    response = as_admin.get(f"/admin/locations/{ids.location['a']}/qr.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG"
    image.verify()
    assert response.data == qr.png(f"http://closecall.test/r/{world.location_a}")


def test_qr_svg_is_an_svg_of_the_report_address(as_admin, world, ids):
    response = as_admin.get(f"/admin/locations/{ids.location['b']}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert re.search(rb"<svg[^>]*xmlns=\"http://www.w3.org/2000/svg\"", response.data)
    assert response.data.rstrip().endswith(b"</svg>")
    assert response.data == qr.svg(f"http://closecall.test/r/{world.location_b}")


def test_the_poster_speaks_both_languages_and_prints_the_address(as_admin, world, ids):
    response = as_admin.get(f"/admin/locations/{ids.location['a']}/poster")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ENGLISH in html and SPANISH in html
    assert 'lang="en"' in html and 'lang="es"' in html
    assert re.search(rf'class="poster-address">http://closecall.test/r/{world.location_a}<', html)
    assert f'src="/admin/locations/{ids.location["a"]}/qr.svg"' in html
    assert "Dock 1" in html and "Alpha Plant" in html
    assert '<link rel="stylesheet" href="/static/css/poster.css">' in html
    assert "at 100% scale" in html


def test_a_disabled_location_still_has_a_poster_with_a_warning(as_admin, more_locations):
    html = as_admin.get(f"/admin/locations/{more_locations['Old dock']}/poster").get_data(
        as_text=True
    )
    assert "This location is disabled" in html


def test_posters_break_the_csp_nowhere(as_admin, world, ids):
    for url in (
        f"/admin/locations/{ids.location['a']}/poster",
        f"/admin/sites/{world.site_a}/posters",
    ):
        html = as_admin.get(url).get_data(as_text=True)
        assert "style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert not re.search(r"\son[a-z]+=", html)


def test_print_all_lists_only_the_active_locations_of_that_site(
    app, as_admin, world, more_locations
):
    html = as_admin.get(f"/admin/sites/{world.site_a}/posters").get_data(as_text=True)
    posters = re.findall(r'<p class="poster-location">([^<]+)</p>', html)
    assert sorted(posters) == ["Dock 1", "Press line 2"]
    assert html.count(ENGLISH) == 2 and html.count(SPANISH) == 2
    with app.app_context():
        codes = dict(db.session.execute(select(Location.name, Location.code)).all())
    assert f"http://closecall.test/r/{codes['Press line 2']}" in html
    assert codes["Old dock"] not in html
    assert codes["Aisle 12"] not in html and world.location_b not in html


def test_print_all_with_no_active_location_says_so(app, as_admin, world, ids):
    with app.app_context():
        db.session.get(Location, ids.location["b"]).active = False
        db.session.commit()
    html = as_admin.get(f"/admin/sites/{world.site_b}/posters").get_data(as_text=True)
    assert "nothing to print" in html
    assert 'class="poster"' not in html


def test_the_print_css_fits_one_poster_per_sheet_of_a4_and_letter(app):
    # 190 x 250mm fits A4 (210 x 297mm) and Letter (215.9 x 279.4mm) inside 12mm/10mm margins.
    css = (Path(app.static_folder) / "css" / "poster.css").read_text(encoding="utf-8")
    assert "@page { margin: 12mm 10mm; }" in css
    print_rules = css[css.index("@media print") :]
    assert "width: 190mm; height: 250mm" in print_rules
    assert "page-break-after: always" in print_rules
    assert re.search(r"\.staff-bar[^{]*\{ display: none", print_rules)


def test_the_posters_page_lists_the_sites_a_supervisor_may_print(login, world, ids):
    login.as_(world.supervisor_a)
    html = login.client.get("/admin/posters").get_data(as_text=True)
    assert "Alpha Plant" in html and "Bravo Warehouse" not in html
    assert f'href="/admin/locations/{ids.location["a"]}/poster"' in html
    assert f'href="/admin/sites/{world.site_a}/posters"' in html
