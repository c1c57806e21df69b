"""Invitations through the outbox: queued while mail is down, delivered when it is back, and
the page does not show the link when a mail server is set up."""

from __future__ import annotations

from portal.lib.timeutil import utcnow
from portal.notify import outbox
from tests.factories import post, text


def test_an_invitation_waits_for_mail_and_is_delivered_when_it_is_back(
    app, signed_in, ids, start_mailbox
):
    admin = signed_in("admin")
    data = {"name": "Nadia", "email": "nadia@test.example", "role": "viewer"}
    page = post(admin, "/people/invite", {**data, "sites": ids.site["a"]})
    assert page.status_code == 200
    assert "/welcome/" not in text(page)  # a mail server is set up: the link goes by email
    with app.app_context():
        assert outbox.deliver_pending().sent == 0  # mail down: kept for later
    mailbox = start_mailbox()
    with app.app_context():
        outbox.deliver_pending(now=utcnow() + outbox.backoff(1) * 2)
    (message,) = mailbox.messages
    assert message["To"] == "nadia@test.example"
    assert "/welcome/" in message.get_content()
