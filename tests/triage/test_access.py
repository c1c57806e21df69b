"""Triage access beyond the route matrix (tests/security/test_access_matrix.py, which walks
every route x persona x a report of site A and of site B): htmx fragments, the board's rows,
valid forms from viewers, missing reports, the CSRF token.
"""

from __future__ import annotations

import pytest

from tests.factories import HX, new_report, post, text

ACTIONS = ("classify", "assign", "merge", "dismiss")


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
