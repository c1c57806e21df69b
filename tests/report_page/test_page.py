"""/reports/<id>: the worker's words, photos, triage fields, the timeline, and time shown
only to the hour for an anonymous report."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint

from tests.factories import act, fetch, make_report, post, reporter_answers

# 13:37 UTC on 3 March 2026 is 14:37 in Madrid (site A)
MOMENT = datetime(2026, 3, 3, 13, 37)


def test_it_shows_the_workers_words_photos_and_how_it_came_in(app, world, signed_in):
    made = make_report(app, world, name="Ana Ruiz", role="contractor", photos=2)
    html = signed_in("safety").get(f"/reports/{made.id}").get_data(as_text=True)
    assert "A pallet leaned over the walkway and nearly fell on a picker." in html
    assert "Dock 1, door 4" in html
    assert "Serious injury or worse" in html and "a broken leg" in html
    assert "Ana Ruiz" in html and "Contractor" in html
    assert "QR poster" in html and "English" in html
    photo_ids = [photo.id for photo in fetch(app, made.id).photos]
    for photo_id in photo_ids:
        assert f'src="/staff/photos/{photo_id}"' in html
    assert "Dock 1 · Alpha Plant" in html


def test_an_anonymous_report_is_timed_only_to_the_hour(app, world, signed_in):
    made = make_report(app, world, at=MOMENT)
    html = signed_in("safety").get(f"/reports/{made.id}").get_data(as_text=True)
    assert "Anonymous" in html
    assert "2:00\u202fPM \u2013 3:00\u202fPM" in html
    assert ":37" not in html  # not in the header, not on the timeline either


def test_a_named_report_shows_the_minute_in_the_sites_zone(app, world, signed_in):
    made = make_report(app, world, name="Ana Ruiz", at=MOMENT)
    html = signed_in("safety").get(f"/reports/{made.id}").get_data(as_text=True)
    assert "2:37\u202fPM" in html or "2:37 PM" in html
    assert "2:00\u202fPM \u2013 3:00\u202fPM" not in html


def test_triage_fields_are_shown_read_only(app, world, signed_in):
    made = make_report(app, world)
    act(app, made.id, world.supervisor_a, "acknowledge")
    act(
        app,
        made.id,
        world.safety,
        "classify",
        category="Mechanical",
        domain="quality",
        severity=5,
        likelihood=1,
        high_potential=False,
        override_reason="Guard was in place",
    )
    act(app, made.id, world.safety, "assign", owner=world.supervisor_a)
    html = signed_in("viewer_a").get(f"/reports/{made.id}").get_data(as_text=True)
    assert "Mechanical" in html and "Quality" in html
    assert "5 \u00d7 1 = <strong>risk 5</strong>" in html
    assert "flag overridden: Guard was in place" in html
    assert "sup.a" in html  # the owner, and who acknowledged
    assert "<form" not in html.split("<main", 1)[1]  # a viewer gets nothing to submit


def test_merged_and_dismissed_reports_say_so(app, world, signed_in):
    first, duplicate = make_report(app, world), make_report(app, world)
    act(app, duplicate.id, world.safety, "merge", into=first.id)
    client = signed_in("safety")
    html = client.get(f"/reports/{duplicate.id}").get_data(as_text=True)
    assert f'href="/reports/{first.id}"' in html and "Merged into" in html
    act(app, first.id, world.safety, "dismiss", reason="hazard", note="Logged on the walk list")
    html = client.get(f"/reports/{first.id}").get_data(as_text=True)
    assert "Hazard observation — Logged on the walk list" in html
    assert "Another report joined this one" in html


def test_the_timeline_has_every_event_with_actor_and_message(app, world, signed_in):
    made = make_report(app, world)
    act(app, made.id, world.supervisor_a, "acknowledge")
    act(app, made.id, world.supervisor_a, "ask_reporter", body="Which forklift was it?")
    reporter_answers(app, made.id, "The red one by door 4.")
    act(app, made.id, world.safety, "add_note", body="Check the horn on the red one.")
    html = signed_in("safety").get(f"/reports/{made.id}").get_data(as_text=True)
    timeline = html.split('id="timeline-title"', 1)[1]
    order = [
        "Report submitted",
        "Acknowledged",
        "Question to the reporter",
        "Which forklift was it?",
        "The reporter answered",
        "The red one by door 4.",
        "Internal note",
        "Check the horn on the red one.",
    ]
    positions = [timeline.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Not shown to the reporter" in timeline and "Shown to the reporter" in timeline
    assert "sup.a" in timeline and "safety" in timeline


def test_opening_the_page_does_not_clear_the_answer_flag(app, world, signed_in):
    made = make_report(app, world)
    act(app, made.id, world.supervisor_a, "ask_reporter", body="Which forklift?")
    reporter_answers(app, made.id, "The red one.")
    client = signed_in("supervisor_a")
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert "The reporter answered." in html and "Mark answer read" in html
    assert fetch(app, made.id).awaiting_staff is True


def test_mark_answer_read_clears_the_flag(app, world, signed_in):
    made = make_report(app, world)
    act(app, made.id, world.supervisor_a, "ask_reporter", body="Which forklift?")
    reporter_answers(app, made.id, "The red one.")
    client = signed_in("supervisor_a")
    response = post(client, f"/reports/{made.id}/answers-read")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/reports/{made.id}"
    assert fetch(app, made.id).awaiting_staff is False
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert "Mark answer read" not in html


def test_a_staff_reply_clears_the_answer_flag(app, world, signed_in):
    made = make_report(app, world)
    act(app, made.id, world.supervisor_a, "ask_reporter", body="Which forklift?")
    reporter_answers(app, made.id, "The red one.")
    client = signed_in("supervisor_a")
    post(client, f"/reports/{made.id}/messages", {"body": "Thanks!", "kind": "question"})
    assert fetch(app, made.id).awaiting_staff is False


def test_board_action_links_appear_once_the_board_provides_them(app, world, signed_in):
    if "triage" not in app.blueprints:  # the board is built in parallel: stand in for it
        board = Blueprint("triage", __name__)
        for action in ("acknowledge", "classify", "assign", "merge", "dismiss"):
            board.add_url_rule(
                f"/triage/reports/<int:report_id>/{action}", action, lambda report_id: ""
            )
        app.register_blueprint(board)
    made = make_report(app, world)
    client = signed_in("supervisor_a")
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    for action in ("acknowledge", "classify", "assign", "merge", "dismiss"):
        assert f'href="/triage/reports/{made.id}/{action}"' in html
    act(app, made.id, world.supervisor_a, "dismiss", reason="spam")
    html = client.get(f"/reports/{made.id}").get_data(as_text=True)
    assert not re.search(rf'href="/triage/reports/{made.id}/\w+"', html)


def test_an_unknown_report_is_404(world, signed_in):
    assert signed_in("admin").get("/reports/999999").status_code == 404
