"""What the portal writes on a timeline by itself reads in the reader's language; a person's
own words and notes stored before stay as they are (portal/domain/event_notes.py)."""

from __future__ import annotations

from sqlalchemy import select

from portal.domain import event_notes
from portal.extensions import db
from portal.models import ReportEvent, User
from tests.factories import act, new_report


def test_a_classification_reads_in_each_readers_language(app, world, signed_in):
    rid = new_report(app, world.location_a)
    act(app, rid, world.supervisor_a, "classify", category="Mechanical", domain="quality",
        severity=3, likelihood=3)  # fmt: skip
    with app.app_context():
        note = db.session.scalar(select(ReportEvent.note).where(ReportEvent.kind == "classified"))
    assert note.startswith('{"facts"')  # stored as facts, in no language
    reader = signed_in("safety")

    english = reader.get(f"/reports/{rid}").get_data(as_text=True)
    with app.app_context():
        db.session.get(User, world.safety.id).language = "es"
        db.session.commit()
    spanish = reader.get(f"/reports/{rid}").get_data(as_text=True)

    assert "Mechanical, Quality, severity 3 x likelihood 3" in english
    assert "Mechanical, Calidad, severidad 3 x probabilidad 3" in spanish
    assert '{"facts"' not in spanish


def test_older_notes_and_a_persons_words_show_as_they_are(app):
    with app.test_request_context():
        assert event_notes.words("classified", "Chemical, safety, severity 2") == (
            "Chemical, safety, severity 2"
        )
        assert event_notes.words("summary", '{"facts": "my own words"}') == (
            '{"facts": "my own words"}'
        )
        assert event_notes.words("investigated", event_notes.facts(steps=1)) == "1 why-step"
        assert event_notes.words("assigned", event_notes.facts(owner=None)) == "no owner"
