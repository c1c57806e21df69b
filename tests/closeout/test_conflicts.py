"""Two people on one action: the second gets 409, the fresh card, who changed it, and their text."""

from __future__ import annotations

import pytest
from sqlalchemy import text as sql

from portal.domain import corrective
from portal.extensions import db
from tests.closeout.helpers import version
from tests.factories import HX, change, fetch_action, post, text


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_a_stale_form_gets_the_fresh_card_and_keeps_the_typed_note(
    app, safety, world, aid, headers
):
    shown = version(app, aid)
    change(app, aid, world.supervisor_a, "reassign", owner=world.admin)
    data = {"version": shown, "next": "/closeout", "note": "Guard fitted on press 2"}
    response = post(safety, f"/closeout/actions/{aid}/complete", data, headers=headers)
    html = text(response)
    assert response.status_code == 409
    assert "Changed by sup.a a moment ago — here is the latest." in html
    assert "Guard fitted on press 2</textarea>" in html  # what they typed is still there
    assert f'name="version" type="hidden" value="{shown + 1}"' in html  # against the latest
    assert "Owner: admin" in html  # the fresh card
    assert ("<html" in html) is (not headers)
    assert fetch_action(app, aid).status == "open"


def test_sending_the_kept_form_again_then_works(app, safety, world, aid):
    change(app, aid, world.supervisor_a, "reassign", owner=world.admin)
    data = {"version": 1, "next": "/closeout", "reason": "Line closed"}
    assert post(safety, f"/closeout/actions/{aid}/cancel", data, headers=HX).status_code == 409
    data["version"] = version(app, aid)
    assert post(safety, f"/closeout/actions/{aid}/cancel", data, headers=HX).status_code == 200
    assert fetch_action(app, aid).status == "cancelled"


def test_when_the_form_no_longer_applies_the_typed_text_is_quoted(app, safety, world, aid):
    shown = version(app, aid)
    change(app, aid, world.supervisor_a, "complete", note="Done by me")
    data = {"version": shown, "next": "/closeout", "reason": "Not needed", "due_on": "2099-01-01"}
    response = post(safety, f"/closeout/actions/{aid}/due", data, headers=HX)
    html = text(response)
    assert response.status_code == 409
    assert "Changed by sup.a a moment ago" in html
    assert "This action is “done” now: that no longer applies." in html
    assert "What you typed: “Not needed”" in html
    assert fetch_action(app, aid).due_on.isoformat() != "2099-01-01"


def test_a_write_lost_at_commit_is_a_conflict(app, sup, world, aid, monkeypatch):
    """Another database session saved the row between our read and our write."""
    complete = corrective.complete

    def racing(item, actor, **kwargs):
        db.session.execute(
            sql("UPDATE corrective_actions SET version = version + 1 WHERE id = :id"),
            {"id": item.id},
        )
        return complete(item, actor, **kwargs)

    monkeypatch.setattr(corrective, "complete", racing)
    data = {"version": version(app, aid), "next": "/closeout", "note": "Guard fitted"}
    response = post(sup, f"/closeout/actions/{aid}/complete", data, headers=HX)
    assert response.status_code == 409
    assert "a moment ago — here is the latest." in text(response)
    assert "Guard fitted</textarea>" in text(response)
    assert fetch_action(app, aid).status == "open"


def test_a_verification_of_an_action_someone_sent_back_is_a_conflict(app, world, login, aid):
    change(app, aid, world.supervisor_a, "complete", note="Guard fitted")
    client = app.test_client()
    from tests.factories import LoginActions

    LoginActions(client).as_(world.admin)
    shown = version(app, aid)
    change(app, aid, world.safety, "reopen", reason="Guard loose")
    data = {"version": shown, "next": "/closeout", "note": "Checked"}
    response = post(client, f"/closeout/actions/{aid}/verify", data, headers=HX)
    html = text(response)
    assert response.status_code == 409
    assert "Changed by safety a moment ago" in html
    assert "This action is “open” now" in html and "What you typed: “Checked”" in html
    assert fetch_action(app, aid).status == "open"
