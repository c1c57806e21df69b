"""/followup once a report is fixed: the actions staff chose to show, in plain words and the
reader's language, and "Is it fixed?" with Yes / Not really — posted cookie-less with a signed
one-time token, stored once per fix, landing on the staff timeline."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from portal.followup import verdicts
from portal.lib import tokens
from portal.models import ReportStatus
from tests.factories import act, add_action, change, fetch, make_report

FIXED_TOKEN = re.compile(r'id="fixed-token" name="token" type="hidden" value="([^"]+)"')
QUESTION = "Is it fixed?"


def _lookup(client, code: str, **extra: str):
    response = client.post("/followup", data={"code": code, **extra})
    assert "Set-Cookie" not in response.headers
    return response


def _question_form(client, code: str, lang: str = "en") -> dict[str, str]:
    """What the page's "Is it fixed?" form sends, before the reporter presses a button."""
    html = _lookup(client, code, lang=lang).get_data(as_text=True)
    match = FIXED_TOKEN.search(html)
    assert match, "no question on the page"
    return {"code": code, "token": match.group(1), "lang": lang}


def _answer(client, form: dict[str, str], verdict: str, words: str = ""):
    response = client.post("/followup/fixed", data={**form, "verdict": verdict, "words": words})
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    return response


def _fix(app, world, report_id: int, **kwargs) -> int:
    """A visible action on the report, done by its owner: the report is Fixed."""
    action = add_action(
        app, report_id, world.safety, owner=world.supervisor_a, visible=True, **kwargs
    )
    change(app, action, world.supervisor_a, "complete", note="Guard bolted on.")
    return action


def _close(app, world, report_id: int, action: int) -> None:
    change(app, action, world.safety, "verify", note="Checked on the night shift.")
    act(app, report_id, world.safety, "write_summary", summary="A guard.", not_public=False)


@pytest.fixture
def fixed(app, world):
    """A report at site A whose one visible action is done: Fixed, waiting to be checked."""
    made = make_report(app, world)
    action = _fix(app, world, made.id, description="A guard will be fitted")
    assert fetch(app, made.id).status == ReportStatus.FIXED
    return made, action


def test_the_question_is_not_asked_while_the_report_is_being_fixed(app, world, client):
    made = make_report(app, world)
    assert QUESTION not in _lookup(client, made.code).get_data(as_text=True)
    add_action(app, made.id, world.safety, owner=world.supervisor_a, visible=True)
    html = _lookup(client, made.code).get_data(as_text=True)
    assert "Being fixed" in html
    assert QUESTION not in html and "/followup/fixed" not in html


def test_a_fixed_report_asks_with_two_buttons_and_optional_words(client, fixed):
    made, _action = fixed
    html = _lookup(client, made.code).get_data(as_text=True)
    assert QUESTION in html
    assert 'action="/followup/fixed"' in html
    assert 'name="verdict" value="yes"' in html and 'name="verdict" value="not_really"' in html
    assert "Anything to add? (optional)" in html


def test_a_closed_report_asks_too(app, world, client, fixed):
    made, action = fixed
    _close(app, world, made.id, action)
    assert fetch(app, made.id).status == ReportStatus.CLOSED
    html = _lookup(client, made.code).get_data(as_text=True)
    assert "Fixed and checked — this report is closed" in html
    assert QUESTION in html


def test_yes_lands_on_the_timeline_and_the_question_goes(app, world, client, login, fixed):
    made, _action = fixed
    response = _answer(client, _question_form(client, made.code), "yes", "  Works fine now.  ")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thank you for checking." in html
    assert "Answered: yes, it is fixed" in html
    assert QUESTION not in html
    report = fetch(app, made.id)
    assert report.reporter_verdict == "yes" and report.fix_disputed is False
    assert report.events[-1].kind == "reporter_confirmed" and report.events[-1].public
    assert report.messages[-1].body == "Works fine now." and report.messages[-1].from_reporter
    login.as_(world.supervisor_a)
    staff = login.client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert "The reporter confirmed it is fixed" in staff and "Works fine now." in staff


def test_not_really_flags_the_fix_and_thanks_the_reporter(app, world, client, login, fixed):
    made, _action = fixed
    response = _answer(client, _question_form(client, made.code), "not_really", "Still loose.")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thank you for telling us. The safety team will look at it again." in html
    assert "Answered: not really fixed" in html
    report = fetch(app, made.id)
    assert report.fix_disputed is True and report.awaiting_staff is True
    assert report.reporter_verdict == "not_really"
    assert report.events[-1].kind == "reporter_doubted"
    login.as_(world.safety)
    staff = login.client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert "The reporter says it is not really fixed." in staff and "Still loose." in staff


def test_not_really_on_a_closed_report_reopens_it(app, world, client, fixed):
    made, action = fixed
    _close(app, world, made.id, action)
    _answer(client, _question_form(client, made.code), "not_really")
    report = fetch(app, made.id)
    assert report.status == ReportStatus.FIXED and report.closed_at is None
    assert report.fix_disputed is True
    assert not [m for m in report.messages if m.from_reporter]  # no words, no message


def test_the_same_form_sent_twice_counts_once(app, client, fixed):
    made, _action = fixed
    form = _question_form(client, made.code)
    assert _answer(client, form, "yes", "Fine.").status_code == 200
    again = _answer(client, form, "yes", "Fine.")
    assert again.status_code == 200
    assert "Thank you for checking." in again.get_data(as_text=True)
    report = fetch(app, made.id)
    assert [e.kind for e in report.events].count("reporter_confirmed") == 1
    assert [m.body for m in report.messages if m.from_reporter] == ["Fine."]


def test_another_answer_with_the_same_form_is_refused_with_the_words_kept(app, client, fixed):
    made, _action = fixed
    form = _question_form(client, made.code)
    _answer(client, form, "yes")
    response = _answer(client, form, "not_really", "Actually it wobbles.")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "not open any more" in html
    assert "Actually it wobbles.</textarea>" in html
    report = fetch(app, made.id)
    assert report.reporter_verdict == "yes" and report.fix_disputed is False
    assert "reporter_doubted" not in [e.kind for e in report.events]


def test_a_page_from_an_earlier_fix_does_not_answer_the_next_one(app, world, client, fixed):
    made, _action = fixed
    old = _question_form(client, made.code)
    _answer(client, old, "yes")
    _fix(app, world, made.id, description="A second guard")  # reopened, then fixed again
    assert fetch(app, made.id).reporter_verdict is None
    response = _answer(client, old, "yes")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please answer again." in html
    assert FIXED_TOKEN.search(html)  # the question again, with a fresh token
    report = fetch(app, made.id)
    assert report.reporter_verdict is None
    assert [e.kind for e in report.events].count("reporter_confirmed") == 1


def test_a_yes_on_an_earlier_fix_asks_again_after_the_next_fix(app, world, client, fixed):
    made, _action = fixed
    _answer(client, _question_form(client, made.code), "yes")
    assert QUESTION not in _lookup(client, made.code).get_data(as_text=True)
    _fix(app, world, made.id, description="A second guard")
    assert QUESTION in _lookup(client, made.code).get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"token": "forged.token"}, "Please answer again."),
        ({"verdict": "maybe"}, "Please press “Yes” or “Not really”."),
        ({"verdict": ""}, "Please press “Yes” or “Not really”."),
        ({"words": "w" * 2001}, "Please keep this under 2000 characters."),
    ],
    ids=["forged-token", "unknown-answer", "no-answer", "too-long"],
)
def test_bad_input_stores_nothing_and_keeps_the_words(app, client, fixed, change, message):
    made, _action = fixed
    data = {**_question_form(client, made.code), "verdict": "not_really", "words": "Loose."}
    data.update(change)
    response = client.post("/followup/fixed", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert f"{data['words']}</textarea>" in html
    assert FIXED_TOKEN.search(html)
    report = fetch(app, made.id)
    assert report.reporter_verdict is None and report.fix_disputed is False
    assert "Set-Cookie" not in response.headers


def test_a_token_for_another_report_does_not_work(app, world, client, fixed):
    made, _action = fixed
    other = make_report(app, world)
    with app.test_request_context():
        foreign = tokens.issue(f"fixed:{other.id}:-")
    form = {**_question_form(client, made.code), "token": foreign}
    assert _answer(client, form, "yes").status_code == 422
    assert fetch(app, made.id).reporter_verdict is None


@pytest.mark.parametrize("code", ["", "AAAA-BBBB-CCCC-DDDD", "short"])
def test_a_wrong_code_finds_nothing(app, client, fixed, code):
    made, _action = fixed
    form = {**_question_form(client, made.code), "code": code}
    response = _answer(client, form, "yes")
    assert response.status_code == 404
    assert fetch(app, made.id).reporter_verdict is None


def test_an_answer_after_the_report_was_reopened_is_refused_with_the_words_kept(
    app, world, client, fixed
):
    made, _action = fixed
    form = _question_form(client, made.code)
    add_action(app, made.id, world.safety, owner=world.safety)  # back to In progress
    response = _answer(client, form, "not_really", "Still loose.")
    assert response.status_code == 409
    assert "Still loose.</textarea>" in response.get_data(as_text=True)
    assert fetch(app, made.id).reporter_verdict is None


def test_a_merged_reporter_answers_for_the_report_they_follow(app, world, client):
    kept, duplicate = make_report(app, world), make_report(app, world)
    act(app, duplicate.id, world.safety, "merge", into=kept.id)
    _fix(app, world, kept.id)
    html = _lookup(client, duplicate.code).get_data(as_text=True)
    assert QUESTION in html
    _answer(client, _question_form(client, duplicate.code), "not_really", "Same problem.")
    assert fetch(app, kept.id).fix_disputed is True
    assert fetch(app, kept.id).messages[-1].body == "Same problem."
    assert fetch(app, duplicate.id).reporter_verdict is None


def test_only_visible_actions_show_in_plain_words_without_names(app, world, client):
    made = make_report(app, world)
    today = date.today()
    shown = add_action(
        app,
        made.id,
        world.safety,
        owner=world.supervisor_a,
        description="A guard will be fitted",
        due_on=today + timedelta(days=3),
        visible=True,
    )
    add_action(
        app, made.id, world.safety, owner=world.safety, description="Discipline talk", visible=False
    )
    change(app, shown, world.supervisor_a, "complete", note="sup.a bolted it")
    html = _lookup(client, made.code).get_data(as_text=True)
    assert "A guard will be fitted — due " in html
    assert re.search(r"<p class=\"fix-state\">Done \d{1,2} [A-Z][a-z]{2}", html)
    # one line per step: the first action's "A fix was planned" is the step "Being fixed"
    assert html.count("Being fixed — the safety team planned what to change") == 1
    assert "A fix was planned" not in html and "A fix was done" in html
    assert "Discipline talk" not in html
    assert "sup.a" not in html and "safety@" not in html and "bolted" not in html


def test_the_page_is_in_spanish(app, world, client):
    made = make_report(app, world)
    due = date(date.today().year, 12, 12)
    _fix(app, world, made.id, description="Se pondrá una protección", due_on=due)
    html = _lookup(client, made.code, lang="es").get_data(as_text=True)
    assert "¿Está arreglado?" in html
    assert ">Sí<" in html and ">No del todo<" in html
    assert "Se pondrá una protección — vence el 12 dic" in html
    assert "Hecho el " in html and "el equipo de seguridad planificó qué cambiar" in html
    form = _question_form(client, made.code, lang="es")
    done = _answer(client, form, "not_really").get_data(as_text=True)
    assert "El equipo de seguridad lo revisará de nuevo." in done


def test_the_question_shares_the_lookup_rate_limit_and_keeps_the_words(app, client, fixed):
    made, _action = fixed
    app.config["FOLLOWUP_RATE_LIMIT"] = "2 per minute"
    form = _question_form(client, made.code)  # one
    client.post("/followup/fixed", data={**form, "verdict": "maybe"})  # two
    blocked = _answer(client, form, "not_really", "Still loose.")
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Too many tries from this device" in html and "Still loose.</textarea>" in html
    assert fetch(app, made.id).reporter_verdict is None


def test_the_token_is_tied_to_the_fix(app, fixed):
    made, _action = fixed
    with app.app_context():
        from portal.extensions import db
        from portal.models import Report

        report = db.session.get(Report, made.id)
        assert verdicts.purpose(report).startswith(f"fixed:{made.id}:")
        assert verdicts.purpose(report) != f"fixed:{made.id}:-"


def test_is_it_fixed_comes_before_the_status_and_the_history(client, fixed):
    html = _lookup(client, fixed[0].code).get_data(as_text=True)
    assert html.index(QUESTION) < html.index(">Status<") < html.index("What happened so far")


def test_one_line_per_step_and_headings_that_follow_the_state(app, world, client, fixed):
    made, _action = fixed
    html = _lookup(client, made.code).get_data(as_text=True)
    assert "What was changed" in html and "What will change" not in html
    timeline = html[html.index('<ol class="timeline">') : html.index("</ol>")]
    assert timeline.count("<li>") == len(set(re.findall(r"</time> ([^<]+)</li>", timeline)))
    assert "A fix was planned" not in timeline and "A fix was done" not in timeline
    assert re.search(r"<time>\d{1,2} [A-Z][a-z]{2}, \d\d:\d\d</time> Report received", timeline)


def test_after_not_really_the_status_says_it_is_looked_at_again(app, world, client, fixed):
    made, _action = fixed
    _answer(client, _question_form(client, made.code), "not_really", "Still loose.")
    html = _lookup(client, made.code).get_data(as_text=True)
    assert "Being looked at again — you said it is not really fixed" in html
    assert "Fixed — waiting to be checked" not in html


def test_the_reporter_sees_their_own_words_with_the_code(app, world, client):
    made = make_report(app, world, what="The <guard> of press 2 was off, words-6180.")
    html = _lookup(client, made.code).get_data(as_text=True)
    assert "What you reported" in html
    assert "The &lt;guard&gt; of press 2 was off, words-6180." in html
    assert "words-6180" not in client.post("/followup", data={"code": "X" * 16}).get_data(
        as_text=True
    )
