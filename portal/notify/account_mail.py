"""Emails about a person's own account: the invitation to join, the password reset link.

Like every email they go through the outbox (announce.queue), in the transaction that made the
link, so none is lost while mail is down. The link is in the email's body, so when a newer link
replaces it, or it is used, the earlier emails' bodies lose it (`forget_links`): the outbox does
not keep a working link longer than the person needs it.
"""

from __future__ import annotations

from sqlalchemy import update

from portal.extensions import db
from portal.models import OutboxMessage, User
from portal.notify.announce import PRODUCT, emails, link, queue

INVITATION = "invitation"
PASSWORD_RESET = "password_reset"  # noqa: S105 - an outbox kind
FORGOTTEN = (
    "This email held a one-time link that is no longer valid: it was used, or a newer email "
    "replaced it. Use the latest email from {product}, or ask the person who manages your "
    "account for a new link.\n"
)


def invitation_link(token: str) -> str:
    return link(f"/welcome/{token}")


def reset_link(token: str) -> str:
    return link(f"/reset/{token}")


def invitation(user: User, token: str, by: User, hours: int) -> OutboxMessage:
    """The invitation to join → the new person."""
    subject = f"[{PRODUCT}] {by.name} invited you to {PRODUCT}"
    body = (
        f"Hello {user.name},\n\n{by.name} gave you a staff account on {PRODUCT}, the near-miss "
        f"reporting portal. Choose your password here to start:\n\n{invitation_link(token)}\n\n"
        f"The link works once, for {hours} hours. If it has expired, ask {by.name} for a new "
        "one.\n"
    )
    (message,) = queue(INVITATION, emails([user]), subject=subject, body=body)
    return message


def password_reset(user: User, token: str, minutes: int) -> OutboxMessage:
    """A link to choose a new password → the account's owner, who asked for it."""
    subject = f"[{PRODUCT}] Choose a new password"
    body = (
        f"Hello {user.name},\n\nSomeone (we hope you) asked to reset your {PRODUCT} password. "
        f"Choose a new one here:\n\n{reset_link(token)}\n\nThe link works once, for {minutes} "
        "minutes. If you did not ask, ignore this email: your password stays as it is.\n"
    )
    (message,) = queue(PASSWORD_RESET, emails([user]), subject=subject, body=body)
    return message


def forget_links(user: User, kind: str) -> None:
    """Take the links out of the earlier emails of this kind to this person (a pending one is
    still sent, saying its link is gone)."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.kind == kind, OutboxMessage.recipient == user.email)
        .values(body=FORGOTTEN.format(product=PRODUCT))
    )
