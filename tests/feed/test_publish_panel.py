"""The publishing panel of the report page: publish with neutral words, unpublish, and the
"after" photo toggle; bad input keeps the text (422), conflicts of state answer 409."""

from __future__ import annotations

import html as markup
import re

import pytest

from tests.access import ACT, PERSONAS
from tests.factories import (
    HX,
    PUBLIC_WHAT,
    RAW,
    SUMMARY,
    fetch,
    make_closed,
    make_report,
    post,
    publish,
)

TEXTAREA = 'name="public_what"'


def typed_words(html: str) -> str | None:
    """The text in the public-words textarea, None when the page has none."""
    found = re.search(r'<textarea[^>]*name="public_what"[^>]*>(.*?)</textarea>', html, re.S)
    return markup.unescape(found.group(1)).strip() if found else None


def _page(client, report_id: int) -> str:
    response = client.get(f"/reports/{report_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_panel_starts_empty_never_with_the_reporters_words(app, signed_in, closed):
    html = _page(signed_in("safety"), closed.id)
    assert TEXTAREA in html and "What was reported, in neutral words (shown publicly)" in html
    panel = html[html.index('id="publish"') :]
    assert RAW not in panel
    assert typed_words(panel) == ""  # nothing pre-filled
    assert SUMMARY in panel and "Describe the hazard, not the person" in panel
    assert ">Publish<" in panel and "Unpublish" not in panel


def test_publishing_stores_the_words_and_the_panel_then_offers_unpublish(app, signed_in, closed):
    client = signed_in("safety")
    url = f"/reports/{closed.id}/publish"
    response = post(client, url, {"public_what": f"  {PUBLIC_WHAT}  "})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/reports/{closed.id}"
    report = fetch(app, closed.id)
    assert report.public_what == PUBLIC_WHAT and report.published_at is not None
    html = _page(client, closed.id)
    assert typed_words(html) == PUBLIC_WHAT and "Unpublish" in html
    assert PUBLIC_WHAT in client.get("/feed").get_data(as_text=True)


def test_publishing_by_htmx_answers_the_workspace(app, signed_in, closed):
    client = signed_in("safety")
    url = f"/reports/{closed.id}/publish"
    response = post(client, url, {"public_what": PUBLIC_WHAT}, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Unpublish" in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Say in neutral words what was reported."),
        ("   ", "Say in neutral words what was reported."),
        ("x" * 501, "Please keep this under 500 characters."),
    ],
)
def test_bad_public_words_keep_the_text_and_store_nothing(app, signed_in, closed, typed, message):
    client = signed_in("safety")
    response = post(client, f"/reports/{closed.id}/publish", {"public_what": typed})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    if typed.strip():
        assert typed_words(html) == typed
    report = fetch(app, closed.id)
    assert report.published_at is None and report.public_what is None


def test_a_report_not_for_public_display_cannot_be_published(app, world, signed_in):
    closed = make_closed(app, world, "a", public=False)
    client = signed_in("safety")
    assert "cannot be published" in _page(client, closed.id)
    response = post(client, f"/reports/{closed.id}/publish", {"public_what": PUBLIC_WHAT})
    assert response.status_code == 422
    assert typed_words(response.get_data(as_text=True)) is None  # no form shown
    assert fetch(app, closed.id).published_at is None


def test_an_open_report_has_no_panel_and_cannot_be_published(app, world, signed_in):
    made = make_report(app, world, "a")
    client = signed_in("safety")
    assert TEXTAREA not in _page(client, made.id)
    response = post(client, f"/reports/{made.id}/publish", {"public_what": PUBLIC_WHAT})
    assert response.status_code == 409
    assert fetch(app, made.id).published_at is None


def test_a_viewer_sees_no_panel(app, signed_in, closed):
    assert TEXTAREA not in _page(signed_in("viewer_a"), closed.id)


def test_unpublishing_takes_it_off_the_feed(app, world, signed_in, closed):
    publish(app, world, closed)
    client = signed_in("safety")
    response = post(client, f"/reports/{closed.id}/unpublish")
    assert response.status_code == 303
    report = fetch(app, closed.id)
    assert report.published_at is None and report.public_what == PUBLIC_WHAT  # words kept
    assert PUBLIC_WHAT not in client.get("/feed").get_data(as_text=True)


def test_unpublishing_what_is_not_published_is_a_conflict(app, signed_in, closed):
    response = post(signed_in("safety"), f"/reports/{closed.id}/unpublish")
    assert response.status_code == 409


def test_the_photo_toggle_shows_and_hides_the_after_photo(app, signed_in, closed):
    client = signed_in("safety")
    assert "Show this photo publicly" in _page(client, closed.id)
    url = f"/reports/{closed.id}/actions/{closed.action_id}/photo-public"
    assert post(client, url, {"public": "1"}).status_code == 303
    assert fetch(app, closed.id).actions[0].completion_photo_public is True
    assert ">Hide<" in _page(client, closed.id)
    assert post(client, url, {"public": "0"}).status_code == 303
    assert fetch(app, closed.id).actions[0].completion_photo_public is False


@pytest.mark.parametrize("value", ["", "yes", "2"])
def test_a_bad_photo_choice_is_422_and_changes_nothing(app, signed_in, closed, value):
    url = f"/reports/{closed.id}/actions/{closed.action_id}/photo-public"
    response = post(signed_in("safety"), url, {"public": value})
    assert response.status_code == 422
    assert "Please correct the publishing form." in response.get_data(as_text=True)
    assert fetch(app, closed.id).actions[0].completion_photo_public is False


def test_the_photo_of_another_reports_action_is_404(app, world, signed_in, closed):
    other = make_closed(app, world, "a")
    url = f"/reports/{closed.id}/actions/{other.action_id}/photo-public"
    assert post(signed_in("safety"), url, {"public": "1"}).status_code == 404


# (url template, success status of an empty post). Publishing and the photo's choice are the
# route matrix's (tests/security/test_access_matrix.py); its sample report is not published,
# so unpublishing a published fix, granted or refused, is checked here.
ROUTES = [("/reports/{report}/unpublish", 303)]
CASES = [
    pytest.param(url, persona, site, ACT[persona][site == "b"], ok, id=f"{url} {persona} {site}")
    for url, ok in ROUTES
    for persona in PERSONAS
    for site in ("a", "b")
]


@pytest.mark.parametrize(("url", "persona", "site", "expected", "ok"), CASES)
def test_access(app, client, login, world, url, persona, site, expected, ok):
    closed = make_closed(app, world, site)
    publish(app, world, closed)
    if persona != "anonymous":
        assert login.as_(getattr(world, persona)).status_code == 303
    response = post(client, url.format(report=closed.id, action=closed.action_id))
    assert response.status_code == (ok if expected == "ok" else expected)
    if expected == 302:
        assert response.headers["Location"].startswith("/login?next=")
    if expected != "ok":
        assert fetch(app, closed.id).published_at is not None  # nothing changed
