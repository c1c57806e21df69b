"""The public feed pages /feed and /feed/<site-slug>: newest first, paginated, per site."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.feed import pages
from portal.models import Report
from tests.factories import PUBLIC_WHAT, SUMMARY, make_closed, publish, unpublish


def _html(client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _close_at(app, report_id: int, days: int) -> None:
    """Move a report's closing time (and so its place in the feed) days after its creation."""
    with app.app_context():
        report = db.session.get(Report, report_id)
        report.closed_at = report.created_at + timedelta(days=days)
        db.session.commit()


def test_a_published_fix_shows_its_staff_words_place_days_and_control(app, client, world, closed):
    publish(app, world, closed)
    _close_at(app, closed.id, 3)
    html = _html(client, "/feed")
    assert PUBLIC_WHAT in html and SUMMARY in html
    assert "Dock 1 · " in html and "Alpha Plant" in html
    assert "Fixed in 3 days" in html
    assert "A physical safeguard was added" in html
    assert f'id="fix-{closed.id}"' in html


def test_an_unpublished_closed_report_is_not_on_the_feed(app, client, world, closed):
    html = _html(client, "/feed")
    assert SUMMARY not in html and "No fixes published yet." in html


def test_unpublishing_removes_the_fix_from_the_pages_and_the_feeds(app, client, world, closed):
    publish(app, world, closed)
    assert SUMMARY in _html(client, "/feed/alpha")
    unpublish(app, world, closed)
    for url in ("/feed", "/feed/alpha", "/feed.atom", "/feed/alpha.atom"):
        assert SUMMARY not in _html(client, url), url


def test_the_site_page_shows_only_that_sites_fixes(app, client, world):
    a = make_closed(app, world, "a", summary="Alpha got a new guard rail.")
    b = make_closed(app, world, "b", summary="Bravo got a wider aisle.")
    publish(app, world, a)
    publish(app, world, b)
    alpha, bravo, every = (_html(client, u) for u in ("/feed/alpha", "/feed/bravo", "/feed"))
    assert "Alpha got a new guard rail." in alpha and "Bravo got a wider aisle." not in alpha
    assert "Bravo got a wider aisle." in bravo and "Alpha got a new guard rail." not in bravo
    assert "Alpha got a new guard rail." in every and "Bravo got a wider aisle." in every


def test_an_unknown_site_slug_is_404(client):
    assert client.get("/feed/nowhere").status_code == 404
    assert client.get("/feed/nowhere.atom").status_code == 404


def test_the_newest_fix_comes_first_and_pages_hold_a_fixed_number(app, client, world, monkeypatch):
    monkeypatch.setattr(pages, "PER_PAGE", 2)
    made = [make_closed(app, world, "a", summary=f"Fix number {n}.") for n in range(3)]
    for n, item in enumerate(made):
        publish(app, world, item)
        _close_at(app, item.id, n)  # the last made is closed last: newest
    first = _html(client, "/feed")
    assert first.index("Fix number 2.") < first.index("Fix number 1.")
    assert "Fix number 0." not in first
    assert "Page 1 of 2" in first and 'rel="next"' in first and 'rel="prev"' not in first
    second = _html(client, "/feed?page=2")
    assert "Fix number 0." in second and "Fix number 2." not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second


@pytest.mark.parametrize("page", ["0", "-1", "abc", "", "1.5"])
def test_a_bad_page_number_shows_the_first_page(app, client, world, monkeypatch, page):
    monkeypatch.setattr(pages, "PER_PAGE", 1)
    for n in range(2):
        publish(app, world, make_closed(app, world, "a", summary=f"Fix number {n}."))
    assert "Page 1 of 2" in _html(client, f"/feed?page={page}")


def test_a_page_past_the_end_shows_the_last_page(app, client, world, closed):
    publish(app, world, closed)
    html = _html(client, "/feed/alpha?page=99")
    assert SUMMARY in html


def test_ten_fixes_fill_a_page():
    assert pages.PER_PAGE == 10


def test_the_header_shows_this_months_figures_and_the_link_to_report(app, client, world, closed):
    publish(app, world, closed)
    html = _html(client, "/feed/alpha")
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html))
    assert figures["Reports received"] == "1"
    assert figures["Fixes made"] == "1"
    assert figures["Reports still open"] == "0"
    assert figures["Median days to fix"] == "0"
    assert 'href="/?lang=en"' in html and "Report a close call" in html
    assert _html(client, "/feed/bravo").count("<dd>0</dd>") == 3  # nothing at Bravo


def test_the_public_pages_set_no_cookie_and_are_not_stored(app, client, world, closed):
    publish(app, world, closed)
    for url in ("/feed", "/feed/alpha", "/feed.atom", "/feed/alpha.atom"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, url
        assert response.headers["Cache-Control"] == "no-store"


def test_the_feed_speaks_spanish(app, client, world, closed):
    publish(app, world, closed)
    html = _html(client, "/feed?lang=es")
    assert '<html lang="es">' in html
    assert "Lo reportaste, lo arreglamos" in html
    assert "Reporta un casi accidente" in html
    assert "Se añadió una protección física" in html
    by_browser = _html(client, "/feed/alpha", headers={"Accept-Language": "es"})
    assert "Este mes" in by_browser


def test_the_page_is_mobile_ready_and_links_its_atom_feed(client, world):
    html = _html(client, "/feed/alpha")
    assert 'name="viewport"' in html and "css/feed.css" in html
    assert 'type="application/atom+xml"' in html and "/feed/alpha.atom" in html
    assert "htmx" not in html
