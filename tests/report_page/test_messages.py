"""Talking to the reporter from the report page: questions (shown on /followup) and internal
notes (never shown), with and without htmx, and every bad input."""

from __future__ import annotations

import pytest

from tests.factories import HX, act, fetch, make_report, post


def _send(client, report_id, **data):
    return post(client, f"/reports/{report_id}/messages", data)


def test_a_question_is_stored_for_the_reporter_and_goes_on_the_timeline(app, world, signed_in):
    made = make_report(app, world)
    client = signed_in("supervisor_a")
    response = _send(client, made.id, body="  Which forklift was it?  ", kind="question")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/reports/{made.id}"
    report = fetch(app, made.id)
    assert [(m.body, m.internal) for m in report.messages] == [("Which forklift was it?", False)]
    assert report.events[-1].kind == "question" and report.events[-1].public
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert "Question sent to the reporter." in html
    assert "Which forklift was it?" in html


def test_an_internal_note_is_kept_among_staff(app, world, signed_in):
    made = make_report(app, world)
    client = signed_in("safety")
    assert _send(client, made.id, body="Horn fault logged before.", kind="note").status_code == 303
    report = fetch(app, made.id)
    assert [(m.body, m.internal) for m in report.messages] == [("Horn fault logged before.", True)]
    assert report.events[-1].kind == "note" and not report.events[-1].public
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert "Internal note added." in html and "Not shown to the reporter" in html


def test_with_htmx_the_workspace_comes_back_in_place(app, world, signed_in):
    made = make_report(app, world)
    client = signed_in("supervisor_a")
    response = post(
        client,
        f"/reports/{made.id}/messages",
        {"body": "Was the horn working?", "kind": "question"},
        headers=HX,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="workspace"')
    assert "Question sent to the reporter." in html and "Was the horn working?" in html
    assert 'name="body"' in html and "Was the horn working?</textarea>" not in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "", "kind": "question"}, "Please write the message."),
        ({"body": "   ", "kind": "note"}, "Please write the message."),
        ({"body": "x" * 2001, "kind": "question"}, "Please keep this under 2000 characters."),
        ({"body": "Typed text", "kind": "shout"}, "Choose whether this is a question"),
        ({"body": "Typed text"}, "Choose whether this is a question"),
    ],
    ids=["empty", "blank", "too-long", "unknown-kind", "no-kind"],
)
def test_bad_messages_come_back_with_the_text_kept(app, world, signed_in, data, message):
    made = make_report(app, world)
    client = signed_in("supervisor_a")
    response = _send(client, made.id, **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    if data["body"].strip():
        assert f"{data['body']}</textarea>" in html
    assert fetch(app, made.id).messages == []


def test_a_bad_message_with_htmx_returns_the_workspace_with_422(app, world, signed_in):
    made = make_report(app, world)
    client = signed_in("supervisor_a")
    response = post(client, f"/reports/{made.id}/messages", {"body": ""}, headers=HX)
    assert response.status_code == 422
    assert "<html" not in response.get_data(as_text=True)


def test_the_reporter_of_a_dismissed_report_cannot_be_asked_but_notes_still_go_in(
    app, world, signed_in
):
    made = make_report(app, world)
    act(app, made.id, world.safety, "dismiss", reason="incident")
    client = signed_in("safety")
    page = client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert 'value="question"' not in page and 'value="note"' in page
    refused = _send(client, made.id, body="Can you tell us more?", kind="question")
    assert refused.status_code == 409
    assert "Can you tell us more?</textarea>" in refused.get_data(as_text=True)
    assert _send(client, made.id, body="Sent to the incident log.", kind="note").status_code == 303
    assert [m.body for m in fetch(app, made.id).messages] == ["Sent to the incident log."]


def test_a_message_without_the_csrf_token_is_refused(app, world, signed_in):
    made = make_report(app, world)
    client = signed_in("supervisor_a")
    response = client.post(f"/reports/{made.id}/messages", data={"body": "x", "kind": "note"})
    assert response.status_code == 400
    assert fetch(app, made.id).messages == []
