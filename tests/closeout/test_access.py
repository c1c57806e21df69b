"""Closeout access beyond the route matrix (tests/security/test_access_matrix.py, which walks
every route x persona x an action of site A and of site B): htmx requests and fragments, valid
forms from viewers, the photo's caching, the nav link.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from portal.extensions import db
from portal.models import CorrectiveAction
from tests.factories import HX, add_action, change, jpeg, new_report, post, text


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
