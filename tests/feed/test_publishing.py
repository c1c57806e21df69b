"""Publishing rules and the public items (portal/domain/publishing.py): staff words only."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from portal.domain import loop, publishing
from portal.extensions import db
from portal.models import Report, Site, User
from tests.factories import RAW, make_closed


@pytest.fixture
def closed(app, world):
    """A named reporter's report at site A, fixed, verified and summarised: Closed."""
    return make_closed(app, world, summary="A mirror at the aisle end.").id


def _users(world):
    return db.session.get(User, world.safety.id), db.session.get(User, world.viewer_a.id)


def test_a_published_fix_carries_staff_words_only(app, world, closed):
    with app.app_context():
        report = db.session.get(Report, closed)
        safety, _ = _users(world)
        version = db.session.get(Site, report.site_id).feed_version
        publishing.publish(report, safety, public_what="A forklift reversed near a walkway.")
        db.session.commit()
        [item] = publishing.published_fixes()
        assert item.what == "A forklift reversed near a walkway."
        assert item.fixed == "A mirror at the aisle end." and item.control_level == "engineering"
        assert item.location == "Dock 1" and item.photo_action_id is None
        assert RAW not in repr(item) and "Marcus" not in repr(item)
        assert db.session.get(Site, report.site_id).feed_version == version + 1


def test_unpublishing_takes_it_off_and_bumps_the_version(app, world, closed):
    with app.app_context():
        report = db.session.get(Report, closed)
        safety, _ = _users(world)
        publishing.publish(report, safety, public_what="A forklift reversed near a walkway.")
        publishing.unpublish(report, safety)
        db.session.commit()
        assert publishing.published_fixes() == [] and publishing.count_published() == 0
        assert db.session.get(Site, report.site_id).feed_version == 2


def test_only_closed_reports_with_a_public_summary_and_words_are_published(app, world, closed):
    with app.app_context():
        report = db.session.get(Report, closed)
        safety, viewer = _users(world)
        with pytest.raises(loop.InvalidInput):
            publishing.publish(report, safety, public_what="   ")
        with pytest.raises(loop.PermissionDenied):
            publishing.publish(report, viewer, public_what="A forklift reversed.")
        report.summary_not_public, report.public_summary = True, None
        with pytest.raises(loop.InvalidInput):
            publishing.publish(report, safety, public_what="A forklift reversed.")


def test_the_month_figures_count_received_fixed_and_open(app, world, closed):
    with app.app_context():
        report = db.session.get(Report, closed)
        report.created_at = datetime(2026, 6, 2, 8, 0)
        report.closed_at = report.created_at + timedelta(days=3)
        db.session.commit()
        figures = publishing.figures(now=datetime(2026, 6, 20, 12, 0))
        assert figures.received == 1 and figures.fixed == 1 and figures.still_open == 0
        assert figures.median_days_to_fix == 3.0


def test_editing_a_published_summary_or_reopening_the_report_refreshes_the_screens(
    app, world, closed
):
    with app.app_context():
        report = db.session.get(Report, closed)
        safety, _ = _users(world)
        publishing.publish(report, safety, public_what="A forklift reversed near a walkway.")
        db.session.commit()
        site = report.site_id
        before = db.session.get(Site, site).feed_version
        loop.write_summary(report, safety, summary="A mirror and a line.", not_public=False)
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Site, site).feed_version == before + 1
        loop.reporter_verdict(db.session.get(Report, closed), "not_really", "It wobbles")
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Site, site).feed_version == before + 2
        assert publishing.published_fixes() == []  # off the feed until closed again
