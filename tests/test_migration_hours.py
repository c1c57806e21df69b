"""Migration 0008: anonymous reports stored before the hour rule keep only their hour too."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db
from portal.models import Photo, Report, ReportEvent
from tests import database
from tests.factories import make_location, make_site

MADE = datetime(2026, 11, 27, 19, 13, 7)
HOUR = datetime(2026, 11, 27, 19, 0)
ACKNOWLEDGED = datetime(2026, 11, 27, 21, 13, 7)


def _report(location, name: str | None, nonce: str) -> Report:
    report = Report(
        site=location.site,
        location=location,
        where_text="Dock 1",
        what_happened="Pallet leaning over the aisle",
        potential_outcome="minor_injury",
        reporter_name=name,
        channel="qr",
        language="en",
        receipt_hash=f"receipt-{nonce}",
        submission_key=f"key-{nonce}",
        created_at=MADE,
        updated_at=MADE,
        local_month="2026-11",
        local_hour=20,
        quality=1,
        acknowledged_at=ACKNOWLEDGED,
    )
    report.events.append(ReportEvent(kind="submitted", public=True, created_at=MADE))
    report.photos.append(
        Photo(stored_name=f"{nonce}.jpg", width=1, height=1, size_bytes=1, created_at=MADE)
    )
    db.session.add(report)
    db.session.flush()
    return report


def test_old_anonymous_reports_are_set_to_their_hour(tmp_path: Path, monkeypatch, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("a migration of a fresh SQLite file: the same SQL on PostgreSQL")
    url = f"sqlite:///{tmp_path / 'old.db'}"
    for key, value in database.test_environment(tmp_path, url).items():
        monkeypatch.setenv(key, value)
    app = create_app()
    with app.app_context():
        upgrade(revision="0007")
        site = make_site("Alpha Plant", "alpha")  # Europe/Madrid
        location = make_location(site, "Dock 1")
        anonymous = _report(location, None, "a").id
        named = _report(location, "Ana", "n").id
        db.session.commit()
        upgrade()
        db.session.expire_all()
        old, kept = db.session.get(Report, anonymous), db.session.get(Report, named)
        assert (old.created_at, old.updated_at) == (HOUR, HOUR)
        assert [event.created_at for event in old.events] == [HOUR]
        assert [photo.created_at for photo in old.photos] == [HOUR]
        assert old.ack_seconds == 2 * 3600 + 13 * 60 + 7  # from the hour
        assert (old.local_month, old.local_hour) == ("2026-11", 20)
        assert kept.created_at == MADE and kept.ack_seconds == 2 * 3600  # named: as it was
        db.session.remove()
        db.engine.dispose()
