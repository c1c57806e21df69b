"""The breakroom display page and its polled fragment: public, no cookie, staff words only;
fixes first, every figure with its period and its plural, none with nothing to say."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import Report
from tests.factories import (
    HX,
    NAME,
    RAW,
    ROLE,
    add_action,
    make_closed,
    make_report,
    photo_public,
    publish,
    unpublish,
)

INVITE = "Every fix shown here starts with a report."


@pytest.fixture(autouse=True)
def _figures_as_computed(app) -> None:
    """Each page shows the figures of the moment (not those remembered for 45 s)."""
    app.config["DISPLAY_FIGURES_SECONDS"] = 0


def _figures(html: str) -> dict[str, str]:
    """The figures a screen shows: test id -> the value it carries."""
    return dict(re.findall(r'data-testid="figure-([a-z-]+)" data-value="(\d+)"', html))


def _moved_back(app, report_id: int, *, days: int, fix_too: bool = True) -> None:
    """Move a closed report back in time, its fix too (or only the report: a slower fix)."""
    with app.app_context():
        report = db.session.get(Report, report_id)
        report.created_at -= timedelta(days=days)
        if fix_too:
            report.closed_at -= timedelta(days=days)
        db.session.commit()


def test_the_display_shows_the_site_the_invitation_and_the_report_qr(client, world):
    response = client.get("/display/alpha")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Alpha Plant" in html and "You reported, we fixed" in html
    assert 'id="display-content"' in html and "<svg" in html
    assert INVITE in html


def test_a_site_with_nothing_to_say_shows_no_figure_at_all(client, world):
    html = client.get("/display/alpha/content", headers=HX).get_data(as_text=True)
    assert _figures(html) == {} and 'class="figures"' not in html
    assert "0.0" not in html and "\N{EN DASH}" not in html and ">0<" not in html
    assert "still open" not in html and INVITE in html


def test_the_figures_lead_with_the_fixes_of_the_month_and_say_their_period(
    app, client, world, published
):
    published()
    published("Pallets stacked too high.")
    under_way = make_report(app, world).id
    add_action(app, under_way, world.safety, world.supervisor_a)  # now in progress
    make_report(app, world)  # new: not counted as being fixed
    html = client.get("/display/alpha").get_data(as_text=True)
    assert _figures(html) == {"fixed": "2", "median": "0", "being-fixed": "1", "received": "4"}
    figures = html[html.index('class="figures"') : html.index("</ul>")]
    assert figures.index("fixes this month") < figures.index("median time to fix, last 90 days")
    assert "Same day" in figures and "report being fixed now" in figures
    assert "Thank you for 4 reports this month." in html
    assert "still open" not in html


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [
        ("en", ("fix this month", "Thank you for 1 report this month."), ("fixes this month",)),
        ("es", ("arreglo este mes", "Gracias por 1 reporte este mes."), ("arreglos este mes",)),
    ],
)
def test_figures_take_the_right_plural_in_english_and_spanish(
    client, world, published, lang, one, two
):
    published()
    html = client.get(f"/display/alpha?lang={lang}").get_data(as_text=True)
    assert all(words in html for words in one)
    assert "fixes" not in html and "arreglos" not in html
    published("Another fix")
    html = client.get(f"/display/alpha?lang={lang}").get_data(as_text=True)
    assert all(words in html for words in two)


def test_the_median_in_days_takes_its_plural(app, client, world, published):
    took_a_day = published()
    _moved_back(app, took_a_day, days=1, fix_too=False)
    html = client.get("/display/alpha").get_data(as_text=True)
    assert _figures(html)["median"] == "1" and ">1 day<" in html
    _moved_back(app, published(), days=3, fix_too=False)  # median of 1 and 3 days: 2 days
    html = client.get("/display/alpha/content", headers=HX).get_data(as_text=True)
    assert _figures(html)["median"] == "2" and ">2 days<" in html


def test_the_carousel_shows_the_fixes_of_the_figures_period(app, client, world, published):
    older = published("An older fix")
    _moved_back(app, older, days=40)  # last month or before: not "this month"
    html = client.get("/display/alpha").get_data(as_text=True)
    assert "Fixed in the last 90 days" in html and f'data-report="{older}"' in html
    assert 'data-testid="figure-fixed"' not in html and _figures(html)["median"] == "0"
    newer = published("A fix of this month")
    html = client.get("/display/alpha/content", headers=HX).get_data(as_text=True)
    assert "Fixed this month" in html and f'data-report="{newer}"' in html
    assert f'data-report="{older}"' not in html  # the figure counts this month only


def test_fixes_older_than_90_days_leave_the_screen_inviting_reports(app, client, world, published):
    _moved_back(app, published("A fix long ago"), days=100)
    html = client.get("/display/alpha").get_data(as_text=True)
    assert 'data-testid="fix"' not in html and INVITE in html


def test_a_public_after_photo_shows_on_the_screen(app, client, world):
    closed = make_closed(app, world)
    publish(app, world, closed)
    html = client.get("/display/alpha").get_data(as_text=True)
    assert "fix-photo" not in html  # not marked public
    photo_public(app, world, closed)
    html = client.get("/display/alpha/content", headers=HX).get_data(as_text=True)
    assert f'src="/feed/photos/{closed.action_id}"' in html
    assert 'width="640" height="480"' in html and 'alt="After the fix"' in html
    with client.get(f"/feed/photos/{closed.action_id}") as photo:
        assert photo.status_code == 200


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
    assert "A physical safeguard was added" in html  # the control, in the feed's crew words
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


def test_the_screen_cycles_through_at_most_eight_fixes_one_at_a_time(client, world, published):
    for n in range(9):
        published(f"Fix number {n}")
    html = client.get("/display/alpha").get_data(as_text=True)
    assert html.count('data-testid="fix"') == 8
    assert 'class="slides slides-8"' in html and "slide-8" in html
    assert "Fix number 0" not in html  # the oldest of nine drops off
    positions = re.findall(r'data-testid="slide-position">([^<]+)<', html)
    assert positions == [f"{n} of 8" for n in range(1, 9)]


def test_a_single_fix_shows_no_position(client, world, published):
    published()
    html = client.get("/display/alpha").get_data(as_text=True)
    assert 'data-testid="fix"' in html and "slide-position" not in html
