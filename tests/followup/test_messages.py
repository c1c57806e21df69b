"""/followup with questions: the reporter reads the safety team's questions (never a staff
name, never an internal note), answers with a signed one-time token, and sees merges and
dismissals in plain words. No response sets a cookie."""

from __future__ import annotations

import re

import pytest

from portal.lib import tokens
from tests.factories import act, fetch, make_report

ANSWER_TOKEN = re.compile(r'id="token" name="token" type="hidden" value="([^"]+)"')


def _lookup(client, code: str, **extra: str):
    response = client.post("/followup", data={"code": code, **extra})
    assert "Set-Cookie" not in response.headers
    return response


def _answer_form(client, code: str) -> dict[str, str]:
    """What the page's answer form sends, before the reporter types."""
    html = _lookup(client, code).get_data(as_text=True)
    match = ANSWER_TOKEN.search(html)
    assert match, "no answer form on the page"
    return {"code": code, "token": match.group(1), "lang": "en"}


def _answer(client, form: dict[str, str], body: str):
    response = client.post("/followup/answer", data={**form, "body": body})
    assert "Set-Cookie" not in response.headers
    return response


@pytest.fixture
def asked(app, world):
    """A report at site A whose reporter was asked a question; an internal note beside it."""
    made = make_report(app, world)
    act(app, made.id, world.supervisor_a, "acknowledge")
    act(app, made.id, world.supervisor_a, "ask_reporter", body="Which forklift was it?")
    act(app, made.id, world.safety, "add_note", body="Sup A thinks it is truck 7 again.")
    return made


def test_the_reporter_sees_the_question_signed_safety_team_and_not_the_note(client, asked):
    html = _lookup(client, asked.code).get_data(as_text=True)
    assert "Which forklift was it?" in html
    assert "Safety team" in html
    assert "The safety team asked you a question" in html
    assert "truck 7" not in html
    assert "sup.a" not in html and "safety@" not in html and "Safety team" in html
    assert 'action="/followup/answer"' in html


def test_no_answer_form_before_anyone_asked(app, world, client):
    made = make_report(app, world)
    act(app, made.id, world.safety, "add_note", body="internal only")
    html = _lookup(client, made.code).get_data(as_text=True)
    assert "/followup/answer" not in html and "internal only" not in html


def test_an_answer_lands_on_the_timeline_and_flags_the_card(app, client, asked, login, world):
    response = _answer(client, _answer_form(client, asked.code), "  The red one, by door 4.  ")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thank you — your answer was sent to the safety team." in html
    assert "The red one, by door 4." in html and "You answered" in html
    report = fetch(app, asked.id)
    assert report.awaiting_staff is True
    assert report.messages[-1].body == "The red one, by door 4."
    assert report.messages[-1].from_reporter and not report.messages[-1].internal
    assert report.events[-1].kind == "reporter_answered"
    login.as_(world.supervisor_a)
    staff = login.client.get(f"/reports/{asked.id}").get_data(as_text=True)
    assert "The reporter answered" in staff and "The red one, by door 4." in staff


def test_a_staff_reply_is_shown_oldest_first_without_names(app, client, asked, world):
    _answer(client, _answer_form(client, asked.code), "The red one.")
    act(app, asked.id, world.safety, "ask_reporter", body="Thanks — was the horn working?")
    assert fetch(app, asked.id).awaiting_staff is False
    html = _lookup(client, asked.code).get_data(as_text=True)
    order = ["Which forklift was it?", "The red one.", "Thanks — was the horn working?"]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert html.count("Safety team") == 2 and "safety</" not in html


def test_the_same_answer_sent_twice_is_stored_once(app, client, asked):
    form = _answer_form(client, asked.code)
    assert _answer(client, form, "The red one.").status_code == 200
    assert _answer(client, form, "The red one.").status_code == 200
    bodies = [m.body for m in fetch(app, asked.id).messages if m.from_reporter]
    assert bodies == ["The red one."]


def test_a_different_second_answer_is_kept(app, client, asked):
    _answer(client, _answer_form(client, asked.code), "The red one.")
    _answer(client, _answer_form(client, asked.code), "Also: the mirror was broken.")
    bodies = [m.body for m in fetch(app, asked.id).messages if m.from_reporter]
    assert bodies == ["The red one.", "Also: the mirror was broken."]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Please write your answer."),
        ("    ", "Please write your answer."),
        ("a" * 2001, "Please keep your answer under 2000 characters."),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_a_bad_answer_comes_back_with_the_text_kept(app, client, asked, body, message):
    response = _answer(client, _answer_form(client, asked.code), body)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    if body.strip():
        assert f"{body}</textarea>" in html
    assert fetch(app, asked.id).awaiting_staff is False
    assert ANSWER_TOKEN.search(html)  # a fresh form to send again


def test_a_forged_token_stores_nothing_and_keeps_the_text(app, client, asked):
    form = {**_answer_form(client, asked.code), "token": "forged.token"}
    response = _answer(client, form, "The red one.")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please check your answer and send it again." in html
    assert "The red one.</textarea>" in html
    assert not [m for m in fetch(app, asked.id).messages if m.from_reporter]


def test_a_token_for_another_report_does_not_work(app, world, client, asked):
    other = make_report(app, world)
    with app.test_request_context():
        foreign = tokens.issue(f"answer:{other.id}")
    form = {**_answer_form(client, asked.code), "token": foreign}
    assert _answer(client, form, "The red one.").status_code == 422
    assert not [m for m in fetch(app, asked.id).messages if m.from_reporter]


@pytest.mark.parametrize("code", ["", "AAAA-BBBB-CCCC-DDDD", "short"])
def test_an_answer_with_a_wrong_code_finds_nothing(app, client, asked, code):
    form = {**_answer_form(client, asked.code), "code": code}
    response = _answer(client, form, "The red one.")
    assert response.status_code == 404
    assert "We could not find a report with this code" in response.get_data(as_text=True)
    assert not [m for m in fetch(app, asked.id).messages if m.from_reporter]


def test_a_merged_report_follows_the_one_it_joined(app, world, client):
    kept, duplicate = make_report(app, world), make_report(app, world)
    act(app, duplicate.id, world.safety, "ask_reporter", body="Was it the same pallet?")
    act(app, kept.id, world.safety, "ask_reporter", body="Question for the other reporter")
    act(app, duplicate.id, world.safety, "merge", into=kept.id)
    act(app, kept.id, world.safety, "acknowledge")
    html = _lookup(client, duplicate.code).get_data(as_text=True)
    assert "Your report was joined with another report of the same thing." in html
    assert "Acknowledged — a supervisor has seen it" in html  # the other report's status
    assert "Acknowledged — thank you for reporting" in html  # and its timeline
    assert "Joined with a report of the same thing" in html
    assert "Was it the same pallet?" in html  # their own conversation stays
    assert "Question for the other reporter" not in html
    assert html.count("The safety team asked you a question") == 1
    assert "/followup/answer" not in html  # a merged report takes no more answers


def test_a_merged_reporter_sees_the_dismissal_of_the_report_theirs_joined(app, world, client):
    kept, duplicate = make_report(app, world), make_report(app, world)
    act(app, duplicate.id, world.safety, "merge", into=kept.id)
    act(app, kept.id, world.safety, "dismiss", reason="incident")
    html = _lookup(client, duplicate.code).get_data(as_text=True)
    assert "Closed without action" in html
    assert "Reason: someone was hurt or something was damaged" in html


def test_a_dismissed_report_says_why_in_plain_words(app, world, client):
    made = make_report(app, world)
    act(app, made.id, world.safety, "ask_reporter", body="Did this happen today?")
    act(app, made.id, world.safety, "dismiss", reason="not_a_near_miss", note="Staff-only note")
    html = _lookup(client, made.code).get_data(as_text=True)
    assert "Closed without action" in html
    assert "Reason: it was not a close call that needs action." in html
    assert "Closed: it was not a close call that needs action" in html
    assert "Staff-only note" not in html
    assert "/followup/answer" not in html


def test_an_answer_to_a_dismissed_report_is_refused_with_the_text_kept(app, world, client):
    made = make_report(app, world)
    act(app, made.id, world.safety, "ask_reporter", body="Did this happen today?")
    form = _answer_form(client, made.code)
    act(app, made.id, world.safety, "dismiss", reason="spam")
    response = _answer(client, form, "Yes, at noon.")
    assert response.status_code == 409
    assert "Yes, at noon.</textarea>" in response.get_data(as_text=True)
    assert "does not take answers any more" in response.get_data(as_text=True)
    assert not [m for m in fetch(app, made.id).messages if m.from_reporter]


def test_answers_share_the_lookup_rate_limit_and_keep_the_text(app, client, asked):
    app.config["FOLLOWUP_RATE_LIMIT"] = "2 per minute"
    form = _answer_form(client, asked.code)  # one lookup
    assert _answer(client, form, "The red one.").status_code == 200  # two
    blocked = _answer(client, form, "Also the mirror.")
    html = blocked.get_data(as_text=True)
    assert blocked.status_code == 429
    assert "Too many tries from this device" in html
    assert "Also the mirror.</textarea>" in html


def test_no_response_of_the_conversation_sets_a_cookie(client, asked):
    form = _answer_form(client, asked.code)
    for response in (
        client.get("/followup"),
        client.get(f"/followup?code={asked.code}"),
        client.post("/followup/answer", data={**form, "body": "ok"}),
        client.post("/followup/answer", data={**form, "body": ""}),
        client.post("/followup/answer", data={**form, "token": "x", "body": "ok"}),
        client.post("/followup/answer", data={"code": "nope", "body": "ok"}),
    ):
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"


def test_an_open_question_comes_before_the_status_and_the_history(client, asked):
    html = _lookup(client, asked.code).get_data(as_text=True)
    assert html.index("Which forklift was it?") < html.index(">Status<")
    assert html.index('action="/followup/answer"') < html.index("What happened so far")


def test_once_answered_the_status_comes_first_again(client, asked):
    html = _answer(client, _answer_form(client, asked.code), "The red one.").get_data(as_text=True)
    assert html.index(">Status<") < html.index("Which forklift was it?")
