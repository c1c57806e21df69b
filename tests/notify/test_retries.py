"""Mail down, mail back: nothing lost, each message delivered once, retries with back-off,
and two senders never taking the same row."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest

from portal.database import begin_write
from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import OutboxMessage, OutboxStatus
from portal.notify import outbox
from tests.factories import new_report
from tests.notify.helpers import deliver, outbox_rows


def test_when_the_mail_server_is_down_rows_stay_pending_with_attempts_and_back_off(app, world):
    new_report(app, world.location_a, outcome="minor_injury")
    now = utcnow()

    stats = deliver(app, now=now)

    assert (stats.sent, stats.retrying, stats.failed) == (0, 2, 0)
    rows = outbox_rows(app)
    assert len(rows) == 2
    for row in rows:
        assert (row.status, row.attempts, row.sent_at) == ("pending", 1, None)
        assert row.next_attempt_at == now + timedelta(minutes=1)
        assert "cannot reach the mail server" in row.last_error


def test_the_back_off_grows_and_a_row_is_not_tried_before_its_time(app, world):
    new_report(app, world.location_a, outcome="minor_injury")
    now = utcnow()
    waits = []
    for _round in range(5):
        deliver(app, now=now)
        assert deliver(app, now=now).retrying == 0  # not due again yet
        row = outbox_rows(app)[0]
        waits.append(row.next_attempt_at - now)
        now = row.next_attempt_at
    assert [wait.total_seconds() // 60 for wait in waits] == [1, 5, 15, 60, 240]
    assert outbox_rows(app)[0].attempts == 5


def test_a_row_fails_for_good_after_the_last_attempt_and_is_kept(app_env, monkeypatch, world):
    monkeypatch.setenv("PORTAL_NOTIFY_MAX_ATTEMPTS", "3")
    from portal import create_app

    app = create_app()
    try:
        new_report(app, world.location_a, outcome="minor_injury")
        now = utcnow()
        outcomes = []
        for _round in range(4):
            stats = deliver(app, now=now)
            outcomes.append((stats.retrying, stats.failed))
            now += timedelta(days=1)
        assert outcomes == [(2, 0), (2, 0), (0, 2), (0, 0)]
        rows = outbox_rows(app)
        assert [(r.status, r.attempts) for r in rows] == [("failed", 3)] * 2
    finally:
        from tests.database import empty_tables

        empty_tables(app)


def test_when_the_server_is_back_each_message_is_delivered_exactly_once(app, world, start_mailbox):
    for _n in range(3):
        new_report(app, world.location_a, outcome="minor_injury")
    now = utcnow()
    assert deliver(app, now=now).retrying == 6

    mailbox = start_mailbox()
    assert deliver(app, now=now).sent == 0  # still waiting out the back-off
    stats = deliver(app, now=now + timedelta(minutes=1))

    assert stats.sent == 6
    assert deliver(app, now=now + timedelta(hours=1)).sent == 0
    counts = Counter(mailbox.message_ids())
    assert len(counts) == 6 and set(counts.values()) == {1}
    assert {row.status for row in outbox_rows(app)} == {"sent"}
    assert all(row.attempts == 1 for row in outbox_rows(app))


def test_two_senders_at_once_never_send_a_message_twice(app, world, mailbox):
    for _n in range(10):
        new_report(app, world.location_a, outcome="minor_injury")  # 20 messages
    barrier = threading.Barrier(2)
    results = []
    errors = []

    def sender() -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                while True:  # small rounds, so the two senders interleave
                    stats = outbox.deliver_pending(limit=3)
                    results.append(stats)
                    if not (stats.sent or stats.taken):
                        break
                db.session.remove()
        except Exception as problem:  # surfaced below
            errors.append(problem)

    threads = [threading.Thread(target=sender) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(stats.sent for stats in results) == 20
    counts = Counter(mailbox.message_ids())
    assert len(counts) == 20 and set(counts.values()) == {1}


def test_a_row_another_sender_claimed_meanwhile_is_not_taken(app, world):
    new_report(app, world.location_a, outcome="minor_injury")
    now = utcnow()
    with app.app_context():
        seen_by_first = outbox.due_ids(now, 100)
        db.session.commit()
        begin_write()
        assert len(outbox.claim(outbox.due_ids(now, 100), now)) == 2  # the second sender
        db.session.commit()

        begin_write()
        assert outbox.claim(seen_by_first, now) == []  # the first one comes too late
        db.session.commit()
    assert {row.status for row in outbox_rows(app)} == {"sending"}


def test_a_claim_left_by_a_dead_sender_is_taken_over_after_the_lease(app, world, mailbox):
    new_report(app, world.location_a, outcome="minor_injury")
    now = utcnow()
    with app.app_context():
        begin_write()
        assert len(outbox.claim(outbox.due_ids(now, 100), now)) == 2
        db.session.commit()  # ... and the sender dies before sending

    assert deliver(app, now=now + timedelta(minutes=9)).sent == 0
    assert len(mailbox.messages) == 0
    assert deliver(app, now=now + outbox.LEASE + timedelta(seconds=1)).sent == 2
    assert len(mailbox.messages) == 2


def test_given_up_messages_can_be_put_back_in_line(app, world, start_mailbox):
    new_report(app, world.location_a, outcome="minor_injury")
    with app.app_context():
        db.session.query(OutboxMessage).update(
            {"status": OutboxStatus.FAILED.value, "attempts": 8, "last_error": "down"}
        )
        db.session.commit()
        assert outbox.retry_failed() == 2
    mailbox = start_mailbox()
    assert deliver(app).sent == 2
    assert len(mailbox.messages) == 2


@pytest.mark.parametrize(("attempts", "minutes"), [(1, 1), (2, 5), (3, 15), (4, 60), (5, 240)])
def test_the_back_off_steps(attempts, minutes):
    assert outbox.backoff(attempts) == timedelta(minutes=minutes)


def test_the_back_off_is_capped():
    assert outbox.backoff(8) == outbox.backoff(50) == timedelta(hours=4)


def test_an_address_the_server_refuses_fails_at_once_and_the_others_go(app, world, mailbox):
    mailbox.refuse.add("sup.a@test.example")
    new_report(app, world.location_a, outcome="minor_injury")
    stats = deliver(app)
    assert (stats.sent, stats.failed) == (1, 1)
    refused = outbox_rows(app, recipient="sup.a@test.example")[0]
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert "550" in refused.last_error
    assert [m["To"] for m in mailbox.messages] == ["safety@test.example"]


def test_a_server_without_the_starttls_it_should_offer_keeps_mail_waiting(
    app_env, monkeypatch, world, mailbox
):
    monkeypatch.setenv("PORTAL_SMTP_STARTTLS", "1")
    from portal import create_app
    from tests.database import empty_tables

    app = create_app()
    try:
        new_report(app, world.location_a, outcome="minor_injury")
        assert deliver(app).retrying == 2  # never in clear text when TLS was asked for
        assert mailbox.messages == []
        assert "STARTTLS" in outbox_rows(app)[0].last_error
    finally:
        empty_tables(app)
