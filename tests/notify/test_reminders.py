"""Reminders: a daily digest per owner, escalation of unacknowledged reports, overdue actions
of high-potential reports to the admins — each queued once however often `remind` runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.lib.sla import site_today
from portal.lib.timeutil import utcnow
from portal.models import OutboxMessage
from portal.notify import reminders
from tests.factories import add_action, mark_high_potential, new_report
from tests.notify.helpers import deliver, outbox_rows, remind


def _today_a():
    return site_today(utcnow(), "Europe/Madrid")


def _action(app, world, report_id: int, days: int, description: str = "Fit a guard") -> int:
    """An action owned by site A's supervisor, due `days` from today at site A."""
    due = _today_a() + timedelta(days=days)
    owner = world.supervisor_a
    return add_action(
        app, report_id, by=world.safety, owner=owner, due_on=due, description=description
    )


def test_an_owner_gets_one_digest_of_overdue_and_soon_due_actions_a_day(app, world, mailbox):
    report_id = new_report(app, world.location_a, outcome="minor_injury")
    today = _today_a()
    _action(app, world, report_id, -3, "Mend the handrail")
    _action(app, world, report_id, 2, "Paint the walkway")
    _action(app, world, report_id, 3, "Buy new pallets")
    deliver(app)
    mailbox.messages.clear()

    first = remind(app)
    second = remind(app)

    assert (first.digests, second.digests, second.already) == (1, 0, 1)
    (row,) = outbox_rows(app, kind="digest")
    assert row.recipient == "sup.a@test.example"
    assert row.dedupe_key.startswith(f"digest:{world.supervisor_a.id}:{today.isoformat()}:")
    deliver(app)
    (message,) = mailbox.messages
    assert message["Subject"] == "[Closecall] Your actions: 1 overdue, 1 due soon"
    body = message.get_content()
    assert "OVERDUE since" in body and "Mend the handrail" in body
    assert "Paint the walkway" in body and "Buy new pallets" not in body
    assert f"http://closecall.test/reports/{report_id}" in body


def test_the_next_day_brings_the_next_digest(app, world):
    report_id = new_report(app, world.location_a, outcome="minor_injury")
    _action(app, world, report_id, 0)
    today = _today_a()
    now = datetime(today.year, today.month, today.day, 6, 0)  # early at site A: +2 h, same day
    assert remind(app, now=now).digests == 1
    assert remind(app, now=now + timedelta(days=1)).digests == 1
    assert remind(app, now=now + timedelta(days=1, hours=2)).digests == 0
    assert len(outbox_rows(app, kind="digest")) == 2


def test_nobody_gets_a_digest_without_actions_due_soon(app, world):
    report_id = new_report(app, world.location_a, outcome="minor_injury")
    _action(app, world, report_id, 10)
    assert remind(app).digests == 0
    assert outbox_rows(app, kind="digest") == []


def test_a_report_still_new_past_the_limit_is_escalated_to_the_safety_manager_once(app, world):
    now = utcnow()
    late = new_report(app, world.location_a, outcome="minor_injury", at=now - timedelta(hours=25))
    new_report(
        app, world.location_a, outcome="minor_injury", at=now - timedelta(hours=22)
    )  # still within the day an hour later (anonymous: its clock starts at its hour)

    first = remind(app, now=now)
    second = remind(app, now=now + timedelta(hours=1))

    assert (first.escalations, second.escalations) == (1, 0)
    (row,) = outbox_rows(app, kind="escalation")
    assert (row.recipient, row.report_id) == ("safety@test.example", late)
    assert row.dedupe_key == f"escalation:report:{late}:email:safety@test.example"
    assert row.subject.startswith(f"[Closecall] Not acknowledged after 25 h: report #{late}")


def test_an_acknowledged_report_is_not_escalated(app, world):
    from portal.domain import loop
    from portal.models import Report, User

    report_id = new_report(
        app, world.location_a, outcome="minor_injury", at=utcnow() - timedelta(hours=30)
    )
    with app.app_context():
        report = db.session.get(Report, report_id)
        loop.acknowledge(report, db.session.get(User, world.supervisor_a.id))
        db.session.commit()
    assert remind(app).escalations == 0


def test_the_limit_follows_portal_ack_hours(app_env, monkeypatch, world):
    monkeypatch.setenv("PORTAL_ACK_HOURS", "4")
    from portal import create_app
    from tests.database import empty_tables

    app = create_app()
    try:
        new_report(app, world.location_a, outcome="minor_injury", at=utcnow() - timedelta(hours=5))
        assert remind(app).escalations == 1
    finally:
        empty_tables(app)


def test_a_site_without_a_safety_manager_escalates_to_the_admins(app, world):
    new_report(app, world.location_b, outcome="minor_injury", at=utcnow() - timedelta(hours=48))
    remind(app)
    assert [r.recipient for r in outbox_rows(app, kind="escalation")] == ["admin@test.example"]


def test_an_overdue_action_of_a_high_potential_report_goes_to_the_admins_once(app, world):
    hipo = new_report(app, world.location_a, outcome="minor_injury")
    mark_high_potential(app, hipo, world.safety)
    overdue = _action(app, world, hipo, -1)
    _action(app, world, hipo, 1)
    plain = new_report(app, world.location_a, outcome="minor_injury")
    _action(app, world, plain, -5)

    first = remind(app)
    second = remind(app)

    assert (first.hipo_overdue, second.hipo_overdue) == (1, 0)
    (row,) = outbox_rows(app, kind="hipo_overdue")
    assert row.recipient == "admin@test.example"
    assert row.dedupe_key == f"hipo-overdue:action:{overdue}:email:admin@test.example"
    assert f"HIGH-POTENTIAL report #{hipo}" in row.subject


def test_a_key_stored_by_another_run_meanwhile_is_skipped_not_duplicated(app, world, monkeypatch):
    now = utcnow()
    new_report(app, world.location_a, outcome="minor_injury", at=now - timedelta(hours=30))
    assert remind(app, now=now).escalations == 1
    new_report(app, world.location_a, outcome="minor_injury", at=now - timedelta(hours=26))
    # the check sees nothing, as when another process inserts between check and insert
    monkeypatch.setattr(reminders, "_stored_keys", lambda keys: set())

    stats = remind(app, now=now)

    assert (stats.escalations, stats.already) == (1, 1)  # the new report's still queued
    with app.app_context():
        count = db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "escalation")
        )
    assert count == 2


def test_reminders_run_a_bounded_number_of_queries(app, world):
    from sqlalchemy import event

    now = utcnow()
    for hours in (30, 40, 50):
        new_report(app, world.location_a, outcome="minor_injury", at=now - timedelta(hours=hours))
        new_report(app, world.location_b, outcome="minor_injury", at=now - timedelta(hours=hours))
    for _n in range(3):
        report_id = new_report(app, world.location_a, outcome="minor_injury")
        mark_high_potential(app, report_id, world.safety)
        _action(app, world, report_id, -1)
    statements = []
    with app.app_context():
        engine = db.engine

        def count(*_args):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            stats = reminders.queue_reminders(now=now)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert (stats.escalations, stats.hipo_overdue, stats.digests) == (6, 3, 1)
    # sites, actions, reports, managers, admins, hipo actions, keys, then one insert
    # (with its savepoint) per message: no query per report or per action
    assert len(statements) <= 8 + 3 * (6 + 3 + 1) + 2
