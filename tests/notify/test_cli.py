"""`flask portal notify` and `flask portal remind` print what they did."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal import cli
from portal.lib.timeutil import utcnow
from tests.factories import add_action, new_report
from tests.notify.helpers import outbox_rows


def test_notify_delivers_once_and_prints_counts(app, runner, world, mailbox):
    new_report(app, world.location_a, outcome="minor_injury")
    result = runner.invoke(args=["portal", "notify"])
    assert result.exit_code == 0, result.output
    assert result.output == "sent 2, retrying 0, failed 0\n"
    assert len(mailbox.messages) == 2


def test_notify_reports_retries_when_mail_is_down(app, runner, world):
    new_report(app, world.location_a, outcome="minor_injury")
    result = runner.invoke(args=["portal", "notify"])
    assert result.exit_code == 0, result.output
    assert result.output == "sent 0, retrying 2, failed 0\n"
    assert {row.status for row in outbox_rows(app)} == {"pending"}


def test_notify_loop_keeps_delivering_until_interrupted(app, runner, world, mailbox, monkeypatch):
    new_report(app, world.location_a, outcome="minor_injury")
    pauses = []

    def pause(stop, seconds):
        pauses.append(seconds)
        if len(pauses) == 1:
            new_report(app, world.location_a, outcome="minor_injury")  # arrives between two rounds
            return False
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_pause", pause)
    result = runner.invoke(args=["portal", "notify", "--loop", "--interval", "7"])

    assert result.exit_code == 0, result.output
    assert pauses == [7, 7]
    assert result.output.splitlines() == [
        "sent 2, retrying 0, failed 0",
        "sent 2, retrying 0, failed 0",
        "stopped",
    ]
    assert len(mailbox.messages) == 4


def test_notify_retry_failed_puts_given_up_messages_back(app, runner, world, mailbox):
    from portal.extensions import db
    from portal.models import OutboxMessage

    new_report(app, world.location_a, outcome="minor_injury")
    with app.app_context():
        db.session.query(OutboxMessage).update({"status": "failed", "attempts": 8})
        db.session.commit()
    result = runner.invoke(args=["portal", "notify", "--retry-failed"])
    assert result.output.splitlines() == [
        "2 given-up message(s) back in line",
        "sent 2, retrying 0, failed 0",
    ]


def test_remind_queues_and_prints_counts(app, runner, world):
    new_report(app, world.location_a, outcome="minor_injury", at=utcnow() - timedelta(hours=30))
    first = runner.invoke(args=["portal", "remind"])
    second = runner.invoke(args=["portal", "remind"])
    assert first.exit_code == 0, first.output
    assert first.output == (
        "digests 0, escalations 1, high-potential overdue 0 (already queued: 0)\n"
    )
    assert second.output == (
        "digests 0, escalations 0, high-potential overdue 0 (already queued: 1)\n"
    )


@pytest.mark.parametrize("command", ["notify", "remind"])
def test_the_commands_explain_themselves(runner, command):
    result = runner.invoke(args=["portal", command, "--help"])
    assert result.exit_code == 0
    assert "counts" in result.output


def test_remind_without_digests_only_escalates(app, runner, world):
    report_id = new_report(app, world.location_a, outcome="minor_injury")
    add_action(app, report_id, by=world.safety, owner=world.supervisor_a, due_on=utcnow().date())
    new_report(app, world.location_a, outcome="minor_injury", at=utcnow() - timedelta(hours=30))

    hourly = runner.invoke(args=["portal", "remind", "--no-digests"])
    morning = runner.invoke(args=["portal", "remind"])

    assert hourly.output.startswith("digests 0, escalations 1,")
    assert morning.output.startswith("digests 1, escalations 0,")
    assert len(outbox_rows(app, kind="digest")) == 1
