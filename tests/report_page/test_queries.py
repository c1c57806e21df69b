"""The report page costs a fixed number of SQL queries, however long its history and however
many corrective actions it has."""

from __future__ import annotations

from portal.extensions import db
from tests.factories import act, add_action, change, make_report, reporter_answers
from tests.statements import counting


def _report_with_history(app, world, events: int, photos: int, actions: int) -> int:
    """A report with `events` events (submitted, acknowledged, then notes, questions, answers)
    and `actions` corrective actions: done by one person, verified by another, or cancelled."""
    made = make_report(app, world, photos=photos)
    act(app, made.id, world.supervisor_a, "acknowledge")
    for n in range(events - 2):
        if n % 3 == 0:
            act(app, made.id, world.safety, "add_note", body=f"note {n}")
        elif n % 3 == 1:
            act(app, made.id, world.supervisor_a, "ask_reporter", body=f"question {n}")
        else:
            reporter_answers(app, made.id, f"answer {n}")
    for n in range(actions):
        owner = world.supervisor_a if n % 2 else world.safety
        action = add_action(app, made.id, world.safety, owner=owner, description=f"action {n}")
        if n % 3 == 1:
            change(app, action, world.supervisor_a, "complete", note="done")
            change(app, action, world.safety, "verify", note="checked")
        elif n % 3 == 2:
            change(app, action, world.safety, "cancel", reason="not needed")
    return made.id


def _queries(app, client, url: str) -> int:
    with counting(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_report_page_query_count_does_not_grow_with_its_history(app, world, client, login):
    short = _report_with_history(app, world, events=3, photos=1, actions=1)
    long = _report_with_history(app, world, events=30, photos=3, actions=9)
    with app.app_context():
        from portal.models import Report

        assert len(db.session.get(Report, long).actions) == 9
    login.as_(world.safety)
    client.get(f"/reports/{short}")  # warm up: the session's user, flashes
    few, many = (
        _queries(app, client, f"/reports/{short}"),
        _queries(app, client, f"/reports/{long}"),
    )
    assert few == many
    # user, sites, report with its one-to-ones, photos, events, messages, actions with their
    # people, and the new action's possible owners with their sites
    assert few <= 11
