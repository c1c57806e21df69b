"""Team-chat webhooks and extra addresses: the site's recipients hear of its reports."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import SiteRecipient
from tests.factories import new_report
from tests.notify.helpers import deliver, outbox_rows


def _recipient(app, site_id: int, channel: str, target: str, **fields) -> int:
    with app.app_context():
        row = SiteRecipient(
            site_id=site_id, label="Extra", channel=channel, target=target, **fields
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def test_a_webhook_receives_the_report_as_json(app, world, mailbox, webhook):
    _recipient(app, world.site_a, "webhook", webhook.url)
    report_id = new_report(app, world.location_a, outcome="minor_injury")

    stats = deliver(app)

    assert stats.sent == 3  # two staff emails and the webhook
    (payload,) = webhook.received
    assert payload["event"] == "report_submitted"
    assert payload["text"] == "[Closecall] New near miss at Dock 1 (Alpha Plant)"
    assert payload["report"] == {
        "id": report_id,
        "site": "Alpha Plant",
        "location": "Dock 1",
        "status": "new",
        "high_potential": False,
        "url": f"http://closecall.test/reports/{report_id}",
    }
    (headers,) = webhook.headers
    assert headers["Content-Type"] == "application/json"
    (row,) = outbox_rows(app, channel="webhook")
    assert headers["X-Closecall-Message-Id"].startswith("<outbox.")
    assert row.status == "sent"


def test_a_webhook_answering_500_is_retried_until_it_accepts(app, world, mailbox, webhook):
    _recipient(app, world.site_a, "webhook", webhook.url)
    webhook.statuses.extend([500, 503])
    new_report(app, world.location_a, outcome="minor_injury")
    now = utcnow()

    assert deliver(app, now=now).retrying == 1
    (row,) = outbox_rows(app, channel="webhook")
    assert (row.status, row.attempts, row.last_error) == (
        "pending",
        1,
        "HTTP 500 Internal Server Error",
    )
    assert deliver(app, now=now + timedelta(minutes=1)).retrying == 1
    assert deliver(app, now=now + timedelta(minutes=6)).sent == 1

    assert len(webhook.received) == 3
    assert len({h["X-Closecall-Message-Id"] for h in webhook.headers}) == 1
    (row,) = outbox_rows(app, channel="webhook")
    assert (row.status, row.attempts) == ("sent", 2)


def test_a_webhook_that_is_gone_fails_at_once(app, world, mailbox, webhook):
    _recipient(app, world.site_a, "webhook", webhook.url)
    webhook.statuses.append(404)
    new_report(app, world.location_a, outcome="minor_injury")
    assert deliver(app).failed == 1
    (row,) = outbox_rows(app, channel="webhook")
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "HTTP 404 Not Found")


def test_a_redirect_is_not_taken_for_a_delivery(app, world, mailbox, webhook):
    _recipient(app, world.site_a, "webhook", webhook.url)
    webhook.statuses.append(302)
    new_report(app, world.location_a, outcome="minor_injury")
    assert deliver(app).retrying == 1
    assert len(webhook.received) == 1  # no second, body-less request to the new place
    assert outbox_rows(app, channel="webhook")[0].status == "pending"


def test_an_unreachable_webhook_is_retried(app, world, mailbox):
    _recipient(app, world.site_a, "webhook", "http://127.0.0.1:9/nothing-listens")
    new_report(app, world.location_a, outcome="minor_injury")
    assert deliver(app).retrying == 1
    (row,) = outbox_rows(app, channel="webhook")
    assert row.status == "pending" and "cannot reach the webhook" in row.last_error


@pytest.mark.parametrize(
    ("potential", "hears"),
    [
        ("minor_injury", ["hr@test.example"]),
        ("serious_injury", ["hr@test.example", "ops@test.example"]),
    ],
)
def test_a_high_potential_only_recipient_hears_only_of_those(app, world, mailbox, potential, hears):
    _recipient(app, world.site_a, "email", "hr@test.example")
    _recipient(app, world.site_a, "email", "ops@test.example", high_potential_only=True)
    new_report(app, world.location_a, outcome=potential)
    deliver(app)
    extra = sorted(m["To"] for m in mailbox.messages if "@test.example" in m["To"])
    assert [a for a in extra if a in ("hr@test.example", "ops@test.example")] == hears


def test_retired_recipients_and_other_sites_recipients_hear_nothing(app, world, mailbox):
    _recipient(app, world.site_a, "email", "old@test.example", active=False)
    _recipient(app, world.site_b, "email", "bravo-hr@test.example")
    new_report(app, world.location_a, outcome="minor_injury")
    deliver(app)
    assert mailbox.to("old@test.example") == [] and mailbox.to("bravo-hr@test.example") == []
    assert len(mailbox.messages) == 2
