"""Published fixes at site A for the display tests, built through the real life cycle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from portal.domain import corrective, loop, publishing
from portal.extensions import db
from portal.lib import codes
from portal.models import Location, Report, User

RAW = "Marcus nearly got hit by FL-07 reversing, it was Dave driving again"
REPORTER = "Marcus Oyelaran"


def closed_report(world, *, fixed: str = "A mirror at the aisle end.") -> int:
    """A named reporter's report at site A, fixed, verified, summarised: Closed (app context)."""
    location = db.session.scalar(select(Location).where(Location.code == world.location_a))
    answers = loop.NewReport(RAW, "Dock 1", "serious_injury", None, REPORTER, "worker", "qr", "en")
    nonce = codes.random_code(20)
    report = loop.submit(
        location,
        answers,
        receipt_hash=codes.receipt_hash("k", nonce),
        submission_key=codes.submission_key(nonce),
    )
    safety = db.session.get(User, world.safety.id)
    supervisor = db.session.get(User, world.supervisor_a.id)
    new = corrective.NewAction("Fit a mirror", "engineering", supervisor, date(2030, 1, 1))
    action = corrective.add(report, safety, new)
    corrective.complete(action, supervisor, note="Fitted")
    corrective.verify(action, safety, note="Checked")
    loop.write_summary(report, safety, summary=fixed, not_public=False)
    db.session.commit()
    return report.id


def publish(world, report_id: int, what: str = "A forklift reversed near a walkway.") -> None:
    """Publish a closed report as site A's safety manager (in an app context)."""
    safety = db.session.get(User, world.safety.id)
    publishing.publish(db.session.get(Report, report_id), safety, public_what=what)
    db.session.commit()


def unpublish(world, report_id: int) -> None:
    safety = db.session.get(User, world.safety.id)
    publishing.unpublish(db.session.get(Report, report_id), safety)
    db.session.commit()


@pytest.fixture
def published(app, world) -> Callable[..., int]:
    """Make a closed report at site A and publish it; its id."""

    def make(what: str = "A forklift reversed near a walkway.", **kwargs: str) -> int:
        with app.app_context():
            report_id = closed_report(world, **kwargs)
            publish(world, report_id, what)
            return report_id

    return make
