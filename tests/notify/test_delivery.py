"""Delivery by email to a real SMTP server: who gets what, and what each message looks like."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import OutboxStatus, Report, User
from portal.notify import outbox
from tests.factories import add_action, form_token, new_report, report_answers, time_passes
from tests.notify.helpers import deliver, outbox_rows


def test_a_new_report_mails_the_sites_safety_manager_and_supervisor_only(
    app, client, world, mailbox
):
    page = client.get(f"/r/{world.location_a}").get_data(as_text=True)
    answers = report_answers(form_token(page), potential_outcome="minor_injury")
    assert client.post(f"/r/{world.location_a}", data=answers).status_code == 200
    assert deliver(app).sent == 0  # anonymous: announced when its hour is over
    time_passes(app)

    stats = deliver(app)

    assert (stats.sent, stats.retrying, stats.failed) == (2, 0, 0)
    assert sorted(to for _sender, (to,) in mailbox.envelopes) == [
        "safety@test.example",
        "sup.a@test.example",
    ]
    assert mailbox.to("sup.b@test.example") == []
    assert mailbox.to("viewer.a@test.example") == [] and mailbox.to("admin@test.example") == []
    message = mailbox.to("safety@test.example")[0]
    assert message["Subject"] == "[Closecall] New near miss at Dock 1 (Alpha Plant)"
    assert message["From"] == "closecall@test.example"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_content()
    assert "nearly hit a picker" in body
    assert "http://closecall.test/reports/" in body
    rows = outbox_rows(app)
    assert {row.status for row in rows} == {OutboxStatus.SENT}
    assert all(row.sent_at is not None and row.attempts == 0 for row in rows)


def test_site_b_staff_hear_only_of_site_b(app, world, mailbox):
    new_report(app, world.location_b, outcome="minor_injury")
    deliver(app)
    assert [to for _sender, (to,) in mailbox.envelopes] == ["sup.b@test.example"]
    assert mailbox.subjects_to("sup.b@test.example") == [
        "[Closecall] New near miss at Aisle 9 (Bravo Warehouse)"
    ]


def test_a_serious_injury_potential_is_flagged_high_potential_in_the_subject(
    app, client, world, mailbox
):
    page = client.get(f"/r/{world.location_a}").get_data(as_text=True)
    answers = report_answers(form_token(page), potential_outcome="serious_injury")
    assert client.post(f"/r/{world.location_a}", data=answers).status_code == 200
    time_passes(app)
    deliver(app)
    (subject,) = mailbox.subjects_to("safety@test.example")
    assert subject == "[Closecall] HIGH-POTENTIAL New near miss at Dock 1 (Alpha Plant)"
    assert "serious injury or worse" in mailbox.to("safety@test.example")[0].get_content()


def test_assigning_a_report_mails_the_new_owner_only(app, world, mailbox):
    from portal.domain import loop

    report_id = new_report(app, world.location_a, outcome="minor_injury")
    deliver(app)
    mailbox.messages.clear()
    with app.app_context():
        report = db.session.get(Report, report_id)
        supervisor = db.session.get(User, world.supervisor_a.id)
        loop.assign(report, db.session.get(User, world.safety.id), owner=supervisor)
        db.session.commit()

    assert deliver(app).sent == 1
    (message,) = mailbox.messages
    assert message["To"] == "sup.a@test.example"
    assert message["Subject"] == f"[Closecall] Report #{report_id} is yours: Dock 1"


def test_a_new_action_mails_its_owner_with_the_due_date(app, world, mailbox):
    report_id = new_report(app, world.location_a, outcome="minor_injury")
    deliver(app)
    mailbox.messages.clear()
    due = utcnow().date() + timedelta(days=7)
    add_action(
        app,
        report_id,
        by=world.safety,
        owner=world.supervisor_a,
        due_on=due,
        description="Fit a guard rail along the walkway",
    )

    assert deliver(app).sent == 1
    (message,) = mailbox.messages
    assert message["To"] == "sup.a@test.example"
    assert f"due {due:%b} {due.day}, {due.year}" in str(message["Subject"])
    assert "Fit a guard rail along the walkway" in message.get_content()


def test_each_message_carries_a_stable_message_id_of_its_row(app, world, mailbox):
    new_report(app, world.location_a, outcome="minor_injury")
    deliver(app)
    ids = {str(m["To"]): str(m["Message-ID"]) for m in mailbox.messages}
    with app.app_context():
        rows = {row.recipient: row for row in outbox_rows(app)}
        for address, message_id in ids.items():
            row = rows[address]
            assert message_id.startswith("<outbox.")
            assert message_id.endswith("@closecall.test>")
            claimed = outbox.Claimed(
                row.id, row.kind, row.channel, row.recipient, row.subject, row.body,
                row.payload, row.attempts, row.created_at, utcnow(),
            )  # fmt: skip
            assert claimed.message_id == message_id  # the same on every try
    assert len(set(ids.values())) == 2


def test_nothing_is_sent_twice_by_later_rounds(app, world, mailbox):
    new_report(app, world.location_a, outcome="minor_injury")
    assert deliver(app).sent == 2
    assert deliver(app).sent == 0
    assert deliver(app, now=utcnow() + timedelta(hours=5)).sent == 0
    assert len(mailbox.messages) == 2


def test_a_round_takes_at_most_its_limit(app, world, mailbox):
    new_report(app, world.location_a, outcome="minor_injury")
    new_report(app, world.location_a, outcome="minor_injury")
    assert deliver(app, limit=3).sent == 3
    assert deliver(app, limit=3).sent == 1
    assert len(set(mailbox.message_ids())) == 4


@pytest.fixture
def no_smtp(app_env, monkeypatch):
    monkeypatch.delenv("PORTAL_SMTP_HOST")
    monkeypatch.setattr(outbox, "_warned_no_smtp", False)


def test_without_an_smtp_host_email_waits_pending_and_webhooks_still_go(
    no_smtp, app, world, webhook, caplog
):
    from portal.models import SiteRecipient

    with app.app_context():
        hook = SiteRecipient(
            site_id=world.site_a, label="Chat", channel="webhook", target=webhook.url
        )
        db.session.add(hook)
        db.session.commit()
    new_report(app, world.location_a, outcome="minor_injury")

    with caplog.at_level(logging.WARNING, logger="portal.notify.outbox"):
        first = deliver(app)
        second = deliver(app)

    assert (first.sent, first.waiting) == (1, 2)
    assert (second.sent, second.waiting) == (0, 2)
    assert "2 email(s) waiting for PORTAL_SMTP_HOST" in str(first)
    warnings = [r for r in caplog.records if "PORTAL_SMTP_HOST is not set" in r.getMessage()]
    assert len(warnings) == 1  # once, not every round
    assert len(webhook.received) == 1
    emails = outbox_rows(app, channel="email")
    assert [(r.status, r.attempts, r.sent_at) for r in emails] == [("pending", 0, None)] * 2
