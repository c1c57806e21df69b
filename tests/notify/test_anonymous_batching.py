"""An anonymous report is announced with its hour's batch, dated to the hour; one that looks
high-potential reaches the site's safety managers after a random few minutes (announce.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.lib.hours import HOUR, hour_floor
from portal.lib.timeutil import utcnow
from portal.models import Delivery
from portal.notify import announce, outbox
from tests.factories import make_recipient, new_report
from tests.notify.helpers import outbox_rows


def _webhook(app, world, url: str = "https://hooks.example.com/chat") -> None:
    from portal.extensions import db

    with app.app_context():
        make_recipient(world.site_a, url, "Team chat", channel=Delivery.WEBHOOK.value)
        db.session.commit()


def test_anonymous_reports_of_one_hour_go_out_together_at_its_end(app, world):
    _webhook(app, world)
    now = utcnow()
    first = new_report(app, world.location_a, outcome="minor_injury", at=now - timedelta(seconds=2))
    second = new_report(app, world.location_a, outcome="minor_injury", at=now)
    named = new_report(app, world.location_a, outcome="minor_injury", name="Ana", at=now)
    end = hour_floor(now) + HOUR
    rows = outbox_rows(app, kind="report_submitted")
    anonymous = [row for row in rows if row.report_id in (first, second)]
    assert len(anonymous) == 6  # safety manager, supervisor, webhook, for each
    assert {(row.created_at, row.next_attempt_at) for row in anonymous} == {(end, end)}
    assert all(
        row.next_attempt_at - now < timedelta(seconds=30) for row in rows if row.report_id == named
    )
    with app.app_context():
        before_the_end = set(outbox.due_ids(end - timedelta(microseconds=1), 100))
        at_the_end = set(outbox.due_ids(end, 100))
    assert not {row.id for row in anonymous} & before_the_end  # not a moment before
    assert {row.id for row in anonymous} <= at_the_end


def test_a_high_potential_anonymous_report_reaches_the_safety_manager_within_minutes(app, world):
    _webhook(app, world)
    before = utcnow()
    rid = new_report(app, world.location_a, outcome="serious_injury", at=before)
    after = utcnow()
    rows = {row.recipient: row for row in outbox_rows(app, report_id=rid)}
    early = rows["safety@test.example"]
    low, high = announce.EARLY_HIPO
    assert before + low <= early.next_attempt_at <= after + high  # soon, at a random moment
    assert early.created_at == hour_floor(before)  # dated to the hour, never the minute
    end = hour_floor(before) + HOUR
    for recipient in ("sup.a@test.example", "https://hooks.example.com/chat"):
        assert (rows[recipient].created_at, rows[recipient].next_attempt_at) == (end, end)
    assert "HIGH-POTENTIAL" in early.subject


def test_the_early_delay_is_random_within_its_range():
    delays = {announce.early_delay() for _ in range(50)}
    low, high = announce.EARLY_HIPO
    assert all(low <= delay <= high for delay in delays)
    assert len(delays) > 10


def test_a_named_report_is_announced_at_once(app, world):
    moment = datetime(2026, 11, 27, 19, 13, 7)
    rid = new_report(app, world.location_a, outcome="minor_injury", name="Ana", at=moment)
    rows = outbox_rows(app, report_id=rid)
    assert rows and all(row.created_at == row.next_attempt_at for row in rows)
    assert all(row.created_at >= moment for row in rows)
