"""Every email speaks its reader's language — the one saved on their profile, else the portal's
first — and writes dates the one way the staff pages do (portal/lib/dates.py)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import User
from tests.factories import add_action, new_report
from tests.notify.helpers import outbox_rows, remind


def _speaks(app, persona, language: str | None) -> None:
    with app.app_context():
        db.session.get(User, persona.id).language = language
        db.session.commit()


def _subject_to(app, address: str, **where) -> str:
    (row,) = [row for row in outbox_rows(app, **where) if row.recipient == address]
    return row.subject


def test_a_new_report_is_announced_to_each_person_in_their_own_language(app, world):
    _speaks(app, world.supervisor_a, "es")
    new_report(app, world.location_a, name="Ana", outcome="minor_injury")

    spanish = _subject_to(app, world.supervisor_a.email, kind="report_submitted")
    english = _subject_to(app, world.safety.email, kind="report_submitted")

    assert spanish == "[Closecall] Nuevo casi accidente en Dock 1 (Alpha Plant)"
    assert english == "[Closecall] New near miss at Dock 1 (Alpha Plant)"


def test_an_action_email_gives_its_due_date_in_the_owners_language(app, world):
    _speaks(app, world.supervisor_a, "es")
    report_id = new_report(app, world.location_a, outcome="minor_injury")
    add_action(app, report_id, by=world.safety, owner=world.supervisor_a, due_on=date(2027, 1, 8))

    (row,) = outbox_rows(app, kind="action_assigned")

    assert "vence el 8 ene 2027" in row.subject
    assert "Fecha límite: 8 ene 2027" in row.body


def test_a_digest_in_english_writes_its_days_as_the_staff_pages_do(app, world):
    report_id = new_report(app, world.location_a, outcome="minor_injury")
    today = datetime.now().date()
    add_action(app, report_id, by=world.safety, owner=world.supervisor_a, days=-3)

    remind(app)

    (row,) = outbox_rows(app, kind="digest")
    overdue_since = today - timedelta(days=3)
    assert row.subject == "[Closecall] Your actions: 1 overdue, 0 due soon"
    # a site's day may differ from the machine's by one: accept either side of midnight
    shown = [f"{d:%b} {d.day}, {d.year}" for d in (overdue_since, today - timedelta(days=2))]
    assert any(f"OVERDUE since {day}" in row.body for day in shown)


def test_an_escalation_in_spanish_gives_an_anonymous_report_only_its_hour(app, world):
    _speaks(app, world.safety, "es")
    made = utcnow() - timedelta(hours=30)
    new_report(app, world.location_a, outcome="minor_injury", at=made)

    remind(app)

    (row,) = outbox_rows(app, kind="escalation")
    assert row.subject.startswith("[Closecall] Sin confirmar tras 30 h")
    made_words = row.body.split("se hizo el ", 1)[1].split(" y nadie", 1)[0]
    assert re.search(r", \d{1,2}:00 \u2013 \d{1,2}:00$", made_words), made_words  # never its minute


def test_an_invitation_is_written_in_the_inviters_language(app, world):
    from portal.domain import people
    from portal.models import Role, Site

    _speaks(app, world.safety, "es")
    with app.app_context():
        inviter = db.session.get(User, world.safety.id)
        site = db.session.get(Site, world.site_a)
        people.invite(
            inviter, name="Luis", email="luis@test.example", role=Role.SUPERVISOR.value,
            sites=[site],
        )  # fmt: skip
        db.session.commit()

    (row,) = outbox_rows(app, kind="invitation")
    assert row.subject.startswith("[Closecall] ") and "te invitó a Closecall" in row.subject
