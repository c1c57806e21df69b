"""Migration 0012 on a database with data: each action gets its report's month and
high-potential flag, and the timeline's rows that point at actions stay as they were (a table
copy on SQLite would fail to drop the old one under them)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from portal import create_app
from portal.extensions import db
from portal.models import CorrectiveAction, Report, ReportEvent
from tests import database
from tests.factories import make_location, make_site, make_user

MADE = datetime(2026, 10, 30, 23, 30)  # 31 October in Madrid: the month of the site


def _report(location, nonce: str, high_potential: bool) -> Report:
    report = Report(
        site=location.site,
        location=location,
        where_text="Dock 1",
        what_happened="Pallet leaning over the aisle",
        potential_outcome="minor_injury",
        reporter_name="Ana",
        channel="qr",
        language="en",
        receipt_hash=f"receipt-{nonce}",
        submission_key=f"key-{nonce}",
        created_at=MADE,
        updated_at=MADE,
        local_month="2026-10",
        local_hour=0,
        quality=1,
        high_potential=high_potential,
    )
    db.session.add(report)
    db.session.flush()
    return report


def test_actions_keep_their_reports_month_and_flag(tmp_path: Path, monkeypatch, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("a migration of a fresh SQLite file: the same SQL on PostgreSQL")
    url = f"sqlite:///{tmp_path / 'old.db'}"
    for key, value in database.test_environment(tmp_path, url).items():
        monkeypatch.setenv(key, value)
    app = create_app()
    with app.app_context():
        upgrade(revision="0011")
        site = make_site("Alpha Plant", "alpha")  # Europe/Madrid
        location = make_location(site, "Dock 1")
        owner = make_user("owner@test.example", "supervisor", ("alpha",))
        reports = [_report(location, "a", True), _report(location, "b", False)]
        for n, report in enumerate(reports, start=1):
            # the 0011 schema: no report_month yet, so the action is written as it was then
            db.session.execute(
                text(
                    "INSERT INTO corrective_actions (id, report_id, site_id, description,"
                    " control_level, owner_id, due_on, status, visible_to_reporter,"
                    " created_at, updated_at, version, completion_photo_public)"
                    " VALUES (:id, :report, :site, 'Fit a guard', 'engineering', :owner,"
                    " '2026-11-15', 'open', 0, :made, :made, 1, 0)"
                ),
                {"id": n, "report": report.id, "site": site.id, "owner": owner.id, "made": MADE},
            )
            report.events.append(ReportEvent(kind="action_added", action_id=n, created_at=MADE))
        db.session.commit()
        upgrade()
        db.session.expire_all()
        actions = [db.session.get(CorrectiveAction, n) for n in (1, 2)]
        assert [a.report_month for a in actions] == ["2026-10", "2026-10"]
        assert [a.report_high_potential for a in actions] == [True, False]
        events = db.session.query(ReportEvent).filter(ReportEvent.action_id.is_not(None)).all()
        assert sorted(event.action_id for event in events) == [1, 2]
        db.session.remove()
        db.engine.dispose()
