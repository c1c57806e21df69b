"""Who reaches which closeout route: every route x every persona x an action at site A and B.

Triage staff act on their own sites' actions; an action at a site the user cannot see answers
404, so its existence does not leak; viewers read the board, cards and photos but every change
answers 403; anonymous visitors are sent to sign in (htmx: 401 with HX-Redirect).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from portal.extensions import db
from portal.models import CorrectiveAction
from tests.access import ACT, PERSONAS, READ
from tests.access import LIST as BOARD
from tests.factories import HX, add_action, change, jpeg, new_report, post, text

# {open}: an open action; {done}: a done one with a photo of the fix
ROUTES = [
    ("GET", "/closeout", BOARD),
    ("GET", "/closeout?site={site}&mine=1", BOARD),
    ("GET", "/closeout/actions/{open}", READ),
    ("GET", "/closeout/actions/{done}", READ),
    ("GET", "/closeout/actions/{done}/photo", READ),
    ("GET", "/closeout/actions/{open}/complete", ACT),
    ("POST", "/closeout/actions/{open}/complete", ACT),
    ("GET", "/closeout/actions/{done}/verify", ACT),
    ("POST", "/closeout/actions/{done}/verify", ACT),
    ("POST", "/closeout/actions/{done}/reopen", ACT),
    ("GET", "/closeout/actions/{open}/reassign", ACT),
    ("POST", "/closeout/actions/{open}/reassign", ACT),
    ("GET", "/closeout/actions/{open}/due", ACT),
    ("POST", "/closeout/actions/{open}/due", ACT),
    ("GET", "/closeout/actions/{open}/cancel", ACT),
    ("POST", "/closeout/actions/{open}/cancel", ACT),
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


def _actions(app, world, site: str) -> dict[str, int]:
    """An open and a done action (with a stored photo) at the site, owned by its supervisor."""
    location, owner = {
        "a": (world.location_a, world.supervisor_a),
        "b": (world.location_b, world.supervisor_b),
    }[site]
    rid = new_report(app, location)
    opened = add_action(app, rid, world.admin, owner)
    done = add_action(app, rid, world.admin, owner)
    change(app, done, owner, "complete", note="Guard fitted")
    name = f"fix-{done}.jpg"
    folder = Path(app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(jpeg())
    with app.app_context():
        query = update(CorrectiveAction).where(CorrectiveAction.id == done)
        db.session.execute(query.values(completion_photo=name))
        db.session.commit()
    return {"open": opened, "done": done}


@pytest.mark.parametrize(("method", "url", "persona", "site", "expected"), CASES)
def test_access(app, client, login, world, method, url, persona, site, expected):
    actions = _actions(app, world, site)
    if persona != "anonymous":
        assert login.as_(getattr(world, persona)).status_code == 303
    target = url.format(site=world.site_a if site == "a" else world.site_b, **actions)
    response = client.get(target) if method == "GET" else post(client, target, {})
    if expected == "ok":
        expected = 200 if method == "GET" else 422
    assert response.status_code == expected
    if expected == 302:
        assert response.headers["Location"].startswith("/login?next=")
    response.close()


@pytest.mark.parametrize("url", ["/closeout", "/closeout/actions/{open}/complete"])
def test_htmx_requests_of_anonymous_visitors_are_told_to_load_the_sign_in_page(
    app, client, world, url
):
    actions = _actions(app, world, "a")
    response = client.get(url.format(**actions), headers=HX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("persona", "site", "expected"),
    [("supervisor_a", "a", 200), ("viewer_a", "a", 403), ("supervisor_b", "a", 404)],
)
@pytest.mark.parametrize("name", ["complete", "reassign", "due", "cancel"])
def test_htmx_requests_get_the_same_answers_and_fragments(
    app, client, login, world, persona, site, expected, name
):
    actions = _actions(app, world, site)
    login.as_(getattr(world, persona))
    response = client.get(f"/closeout/actions/{actions['open']}/{name}", headers=HX)
    assert response.status_code == expected
    if expected == 200:
        assert "<html" not in text(response)


@pytest.mark.parametrize("name", ["complete", "verify", "reopen", "reassign", "due", "cancel"])
def test_a_viewer_cannot_act_even_with_a_valid_form(app, client, login, world, name):
    actions = _actions(app, world, "a")
    target = actions["done"] if name in ("verify", "reopen") else actions["open"]
    login.as_(world.viewer_a)
    data = {
        "version": 2 if target == actions["done"] else 1,
        "next": "/closeout",
        "note": "Looked at it",
        "reason": "Because",
        "owner": world.safety.id,
        "due_on": "2099-01-01",
    }
    assert post(client, f"/closeout/actions/{target}/{name}", data).status_code == 403
    with app.app_context():
        assert db.session.get(CorrectiveAction, target).status in ("open", "done")
        assert db.session.get(CorrectiveAction, target).version == data["version"]


def test_the_photo_is_private_and_never_stored_by_caches(app, client, login, world):
    actions = _actions(app, world, "a")
    login.as_(world.viewer_a)
    response = client.get(f"/closeout/actions/{actions['done']}/photo")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    response.close()


def test_the_nav_links_to_the_closeout_board(app, client, login, world):
    login.as_(world.viewer_a)
    html = text(client.get("/closeout"))
    assert '<a href="/closeout">Closeout</a>' in html
    assert html.index(">Triage</a>") < html.index(">Closeout</a>")
