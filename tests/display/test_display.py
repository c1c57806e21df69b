"""The breakroom display page and its polled fragment: public, no cookie, staff words only."""

from __future__ import annotations

import pytest

from tests.factories import HX, NAME, RAW, ROLE, make_closed, unpublish


def test_the_display_shows_the_site_the_figures_and_the_report_qr(client, world):
    response = client.get("/display/alpha")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Alpha Plant" in html and "You reported, we fixed" in html
    assert 'id="display-content"' in html and "<svg" in html
    assert 'data-testid="figure-received"' in html
    assert "Fixes made after your reports will show here." in html


def test_an_unknown_site_is_404(client, world):
    assert client.get("/display/nowhere").status_code == 404
    assert client.get("/display/nowhere/content", headers=HX).status_code == 404


@pytest.mark.parametrize("path", ["/display/alpha", "/display/alpha/content"])
def test_it_sets_no_cookie(client, world, path):
    response = client.get(path, headers=HX)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_the_page_loads_htmx_and_no_inline_script_or_style(client, world):
    html = client.get("/display/alpha").get_data(as_text=True)
    assert "vendor/htmx-2.0.11/htmx.min.js" in html and "js/app.js" in html
    assert "<script>" not in html and "style=" not in html and " on" + "load=" not in html
    assert "<style" not in html


def test_the_fragment_is_not_a_page_and_polls_itself(client, world):
    response = client.get("/display/alpha/content?every=30", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'hx-trigger="every 30s"' in html and 'hx-swap="outerHTML"' in html
    assert response.headers["ETag"].strip('"') in html  # sent back as If-None-Match


def test_a_full_page_request_to_the_fragment_redirects_to_the_page(client, world):
    response = client.get("/display/alpha/content?theme=light&every=20")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/display/alpha?theme=light&every=20")


@pytest.mark.parametrize(
    ("every", "shown"), [("", 60), ("5", 10), ("45", 45), ("9999", 600), ("abc", 60), ("-3", 60)]
)
def test_the_polling_interval_is_clamped(client, world, every, shown):
    html = client.get(f"/display/alpha?every={every}").get_data(as_text=True)
    assert f'hx-trigger="every {shown}s"' in html


@pytest.mark.parametrize(("theme", "body"), [("", "dark"), ("light", "light"), ("pink", "dark")])
def test_the_theme_is_dark_unless_light_is_asked(client, world, theme, body):
    html = client.get(f"/display/alpha?theme={theme}").get_data(as_text=True)
    assert f'class="display theme-{body}"' in html


def test_a_published_fix_appears_and_an_unpublished_one_disappears(app, client, world, published):
    report_id = published(
        "A forklift reversed near a walkway.", fixed="Mirror fitted at the aisle."
    )
    html = client.get("/display/alpha").get_data(as_text=True)
    assert f'data-report="{report_id}"' in html
    assert "A forklift reversed near a walkway." in html and "Mirror fitted at the aisle." in html
    assert "Engineering control" in html
    unpublish(app, world, report_id)
    html = client.get("/display/alpha/content", headers=HX).get_data(as_text=True)
    assert f'data-report="{report_id}"' not in html
    assert "A forklift reversed near a walkway." not in html


def test_a_closed_but_unpublished_report_is_not_shown(app, client, world):
    make_closed(app, world, summary="A secret fix")
    html = client.get("/display/alpha").get_data(as_text=True)
    assert "A secret fix" not in html and 'data-testid="fix"' not in html


def test_no_reporter_identity_or_raw_text_reaches_the_screen(client, world, published):
    published()
    for path, headers in (("/display/alpha", {}), ("/display/alpha/content", HX)):
        html = client.get(path, headers=headers).get_data(as_text=True)
        assert 'data-testid="fix"' in html
        assert NAME not in html and "Marcus" not in html and RAW not in html
        assert ROLE not in html.lower()  # the reporter's role


def test_another_sites_fix_is_not_on_this_screen(client, world, published):
    published("Only at alpha")
    assert "Only at alpha" in client.get("/display/alpha").get_data(as_text=True)
    assert "Only at alpha" not in client.get("/display/bravo").get_data(as_text=True)


def test_the_screen_cycles_through_at_most_eight_fixes_two_at_a_time(client, world, published):
    for n in range(9):
        published(f"Fix number {n}")
    html = client.get("/display/alpha").get_data(as_text=True)
    assert html.count('data-testid="fix"') == 8
    assert 'class="slides slides-4"' in html and "slide-4" in html
    assert "Fix number 0" not in html  # the oldest of nine drops off
