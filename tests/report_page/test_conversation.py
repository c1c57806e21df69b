"""The conversation with the reporter is one thread in "Talk to the reporter": questions,
answers and "Is it fixed?" verdicts in order, the form under them; the banners quote the
reporter's latest words; blockers stand above the forms they point to."""

from __future__ import annotations

import re

from tests.factories import act, make_report, post, reporter_answers
from tests.report_page.test_closing import _doubted, _fixed


def _talk(html: str) -> str:
    start = html.index('id="talk-title"')
    return html[start : html.index("</section>", start)]


def test_questions_and_answers_read_as_one_thread_above_the_form(app, world, signed_in):
    made = make_report(app, world)
    client = signed_in("supervisor_a")
    post(client, f"/reports/{made.id}/messages", {"body": "Which forklift?", "kind": "question"})
    reporter_answers(app, made.id, "The blue one, FL-07")
    post(client, f"/reports/{made.id}/messages", {"body": "Horn fault logged", "kind": "note"})
    post(client, f"/reports/{made.id}/messages", {"body": "Was it reversing?", "kind": "question"})
    talk = _talk(client.get(f"/reports/{made.id}").get_data(as_text=True))
    said = re.findall(r'<p class="said-body">([^<]+)</p>', talk)
    assert said == ["Which forklift?", "The blue one, FL-07", "Was it reversing?"]  # no note
    assert talk.index("Was it reversing?") < talk.index('name="body"')  # the form under it
    assert "Reporter" in talk and "Safety team" in talk


def test_viewers_read_the_thread_without_a_form(app, world, signed_in):
    made = make_report(app, world)
    act(app, made.id, world.supervisor_a, "ask_reporter", body="Which dock?")
    talk = _talk(signed_in("viewer_a").get(f"/reports/{made.id}").get_data(as_text=True))
    assert "Which dock?" in talk and 'name="body"' not in talk


def test_the_answer_banner_quotes_the_reporters_latest_words(app, world, signed_in):
    made = make_report(app, world)
    reporter_answers(app, made.id, "First thought: dock 2")
    reporter_answers(app, made.id, "Sorry, it was dock 4")
    html = signed_in("safety").get(f"/reports/{made.id}").get_data(as_text=True)
    banner = html[
        html.index('class="answer-flag"') : html.index("</div>", html.index('class="answer-flag"'))
    ]
    assert "Sorry, it was dock 4" in banner and "dock 2" not in banner


def test_a_not_really_is_quoted_in_its_banner_and_in_the_thread(app, world, signed_in):
    report_id, _action = _fixed(app, world)
    _doubted(app, report_id)
    html = signed_in("safety").get(f"/reports/{report_id}").get_data(as_text=True)
    flag = html[
        html.index('class="doubt-flag"') : html.index("<form", html.index('class="doubt-flag"'))
    ]
    assert "The guard is loose again." in flag
    assert "The guard is loose again." in _talk(html)


def test_closing_blockers_stand_above_the_forms_they_point_to(app, world, signed_in):
    made = make_report(app, world)
    act(app, made.id, world.supervisor_a, "acknowledge")
    html = signed_in("safety").get(f"/reports/{made.id}").get_data(as_text=True)
    assert "No corrective action yet: add one below." in html
    assert html.index("Before this report can close:") < html.index("Add a corrective action")
