"""The poll's ETag: 304 while nothing changed, a new one on publish, unpublish, theme and
language, and a new report within the figures' cache time; a 304 costs one tiny query."""

from __future__ import annotations

from portal.web import cache
from tests.factories import HX, make_closed, publish, unpublish
from tests.statements import counting

URL = "/display/alpha/content"


def _etag(client, url: str = URL, **headers: str) -> str:
    response = client.get(url, headers={**HX, **headers})
    assert response.status_code == 200
    return response.headers["ETag"]


def test_a_matching_if_none_match_answers_304_with_no_body(client, world):
    tag = _etag(client)
    response = client.get(URL, headers={**HX, "If-None-Match": tag})
    assert response.status_code == 304
    assert response.get_data() == b""
    assert response.headers["ETag"] == tag and "Set-Cookie" not in response.headers


def test_a_stale_if_none_match_gets_the_fragment(client, world):
    response = client.get(URL, headers={**HX, "If-None-Match": '"something-else"'})
    assert response.status_code == 200 and b"display-content" in response.get_data()


def test_the_page_carries_the_same_etag_the_poll_answers_with(client, world):
    html = client.get("/display/alpha").get_data(as_text=True)
    assert _etag(client, URL + "?lang=en&theme=dark&every=60").strip('"') in html


def test_publishing_and_unpublishing_change_the_etag(app, client, world):
    report_id = make_closed(app, world).id
    before = _etag(client)
    publish(app, world, report_id)
    published = _etag(client)
    assert published != before
    assert client.get(URL, headers={**HX, "If-None-Match": before}).status_code == 200
    unpublish(app, world, report_id)
    assert _etag(client) not in (before, published)


def test_theme_language_and_interval_change_the_etag(client, world):
    tags = {
        _etag(client, URL + "?theme=dark&lang=en"),
        _etag(client, URL + "?theme=light&lang=en"),
        _etag(client, URL + "?theme=dark&lang=es"),
        _etag(client, URL + "?theme=dark&lang=en&every=10"),
    }
    assert len(tags) == 4


def test_the_language_of_the_browser_counts_when_none_is_asked(client, world):
    english = _etag(client, URL, **{"Accept-Language": "en"})
    spanish = _etag(client, URL, **{"Accept-Language": "es"})
    assert english != spanish


def test_a_new_report_changes_the_etag_once_the_figures_are_due(app, client, world):
    before = _etag(client)
    make_closed(app, world)  # a report received (and closed) this month: not published
    assert _etag(client) == before  # the figures are remembered for a while ...
    with app.app_context():
        cache.clear(cache.DISPLAY_FIGURES)  # ... the cache time has passed
    assert _etag(client) != before


def test_the_figures_are_remembered_only_for_the_configured_time(app, client, world):
    app.config["DISPLAY_FIGURES_SECONDS"] = 0
    before = _etag(client)
    make_closed(app, world)
    assert _etag(client) != before


def test_a_304_poll_costs_at_most_two_statements(app, client, world):
    tag = _etag(client)  # the figures are now remembered
    with counting(app) as statements:
        response = client.get(URL, headers={**HX, "If-None-Match": tag})
    assert response.status_code == 304
    assert len(statements) <= 2, statements


def test_a_screen_without_the_etag_gets_the_fragment_rendered_once_per_version(
    app, client, world, published
):
    published()
    first = client.get(URL, headers=HX)
    with counting(app) as statements:
        again = client.get(URL, headers=HX)
    assert again.status_code == 200 and again.get_data() == first.get_data()
    assert len(statements) <= 2, statements  # the site's row; no fixes query, no render
