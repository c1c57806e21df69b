"""The report page costs a fixed number of SQL queries, however long its history."""

from __future__ import annotations

from sqlalchemy import event

from portal.extensions import db
from tests.reports.conftest import act, make_report, reporter_answers


def _report_with_history(app, world, events: int, photos: int) -> int:
    """A report with `events` events (submitted, acknowledged, then notes, questions, answers)."""
    made = make_report(app, world, photos=photos)
    act(app, made.id, world.supervisor_a, "acknowledge")
    for step in range(events - 2):
        if step % 3 == 0:
            act(app, made.id, world.safety, "add_note", body=f"note {step}")
        elif step % 3 == 1:
            act(app, made.id, world.supervisor_a, "ask_reporter", body=f"question {step}")
        else:
            reporter_answers(app, made.id, f"answer {step}")
    return made.id


def _queries(app, client, url: str) -> int:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_report_page_query_count_does_not_grow_with_its_history(app, world, client, login):
    short = _report_with_history(app, world, events=3, photos=1)
    long = _report_with_history(app, world, events=30, photos=3)
    with app.app_context():
        from portal.models import Report

        assert len(db.session.get(Report, short).events) == 3
        assert len(db.session.get(Report, long).events) == 30
    login.as_(world.safety)
    client.get(f"/reports/{short}")  # warm up: the session's user, flashes
    few, many = (
        _queries(app, client, f"/reports/{short}"),
        _queries(app, client, f"/reports/{long}"),
    )
    assert few == many
    assert few <= 8  # user, sites, report with its one-to-ones, photos, events, messages
