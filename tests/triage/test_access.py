"""Who reaches which triage route: every route x every persona x a report of site A and of site B.

Triage staff act on their own sites' reports; a report of a site the user cannot see answers
404, so its existence does not leak; viewers read the board and cards but every action answers
403; anonymous visitors are sent to sign in.
"""

from __future__ import annotations

import pytest

from tests.access import ACT, PERSONAS, READ
from tests.access import LIST as BOARD
from tests.factories import HX, new_report, post, text

ACTIONS = ("classify", "assign", "merge", "dismiss")


ROUTES = [
    ("GET", "/triage", BOARD),
    ("GET", "/triage?site={site}", BOARD),
    ("GET", "/triage/updates?since=0", BOARD),
    ("GET", "/triage/cards/{report}", READ),
    ("POST", "/triage/reports/{report}/acknowledge", ACT),
    ("GET", "/triage/reports/{report}/classify", ACT),
    ("POST", "/triage/reports/{report}/classify", ACT),
    ("GET", "/triage/reports/{report}/assign", ACT),
    ("POST", "/triage/reports/{report}/assign", ACT),
    ("GET", "/triage/reports/{report}/merge", ACT),
    ("POST", "/triage/reports/{report}/merge", ACT),
    ("GET", "/triage/reports/{report}/dismiss", ACT),
    ("POST", "/triage/reports/{report}/dismiss", ACT),
]

CASES = [
    pytest.param(
        method,
        url,
        persona,
        site,
        table[persona][site == "b"],
        id=f"{method} {url} {persona} {site}",
    )
    for method, url, table in ROUTES
    for persona in PERSONAS
    for site in ("a", "b")
]


@pytest.mark.parametrize(("method", "url", "persona", "site", "expected"), CASES)
def test_access(app, client, login, world, method, url, persona, site, expected):
    reports = {"a": new_report(app, world.location_a), "b": new_report(app, world.location_b)}
    if persona != "anonymous":
        assert login.as_(getattr(world, persona)).status_code == 303
    target = url.format(report=reports[site], site=world.site_a if site == "a" else world.site_b)
    # the poll is an htmx request (plain visits are sent to the board)
    headers = HX if "/updates" in url else {}
    if method == "GET":
        response = client.get(target, headers=headers)
    else:
        response = post(client, target, {}, headers=headers)
    if expected == "ok":
        expected = 200 if method == "GET" else 422
    if expected == 302 and headers:
        # htmx is told to load the sign-in page whole instead of swapping it into the board
        assert response.status_code == 401
        assert response.headers["HX-Redirect"].startswith("/login?next=")
        return
    assert response.status_code == expected
    if expected == 302:
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("persona", "site", "expected"),
    [("supervisor_a", "a", 200), ("viewer_a", "a", 403), ("supervisor_b", "a", 404)],
)
@pytest.mark.parametrize("action", ACTIONS)
def test_htmx_requests_get_the_same_answers_and_fragments(
    app, client, login, world, persona, site, expected, action
):
    rid = new_report(app, world.location_a if site == "a" else world.location_b)
    login.as_(getattr(world, persona))
    response = client.get(f"/triage/reports/{rid}/{action}", headers=HX)
    assert response.status_code == expected
    if expected == 200:
        assert "<html" not in text(response)


def test_a_viewer_reads_the_board_of_their_sites_only(app, client, login, world):
    mine = new_report(app, world.location_a, "alpha story")
    new_report(app, world.location_b, "bravo story")
    login.as_(world.viewer_a)
    html = text(client.get("/triage"))
    assert f'id="card-{mine}"' in html and "bravo story" not in html
    assert "Bravo Warehouse" not in html  # not even in the filter choices


@pytest.mark.parametrize("action", ["acknowledge", "classify", "assign", "merge", "dismiss"])
def test_a_viewer_cannot_act_even_with_a_valid_form(app, client, login, world, action):
    rid = new_report(app, world.location_a)
    login.as_(world.viewer_a)
    data = {"version": 1, "reason": "spam", "into": rid, "owner": "", "severity": 1}
    assert post(client, f"/triage/reports/{rid}/{action}", data).status_code == 403


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/triage/cards/999999"),
        ("POST", "/triage/reports/999999/acknowledge"),
        *(
            (method, f"/triage/reports/999999/{action}")
            for action in ACTIONS
            for method in ("GET", "POST")
        ),
    ],
)
def test_missing_reports_are_404(client, login, world, method, url):
    login.as_(world.admin)
    response = client.get(url) if method == "GET" else post(client, url, {})
    assert response.status_code == 404


def test_a_post_without_the_csrf_token_is_refused(app, client, login, world):
    rid = new_report(app, world.location_a)
    login.as_(world.supervisor_a)
    response = client.post(f"/triage/reports/{rid}/acknowledge", data={"version": 1})
    assert response.status_code == 400
