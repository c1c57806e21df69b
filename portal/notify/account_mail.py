"""Emails about a person's own account: the invitation to join, the password reset link.

Like every email they go through the outbox (announce.queue), in the transaction that made the
link, so none is lost while mail is down. The link is in the email's body, so when a newer link
replaces it, or it is used, the earlier emails' bodies lose it (`forget_links`): the outbox does
not keep a working link longer than the person needs it.
"""

from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _
from sqlalchemy import update

from portal.extensions import db
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import OutboxMessage, User
from portal.notify.announce import PRODUCT, Letter, emails, in_languages, link, queue

INVITATION = "invitation"
PASSWORD_RESET = "password_reset"  # noqa: S105 - an outbox kind
FORGOTTEN = _l(
    "This email held a one-time link that is no longer valid: it was used, or a newer email "
    "replaced it. Use the latest email from %(product)s, or ask the person who manages your "
    "account for a new link."
)


def invitation_link(token: str) -> str:
    return link(f"/welcome/{token}")


def reset_link(token: str) -> str:
    return link(f"/reset/{token}")


def invitation(user: User, token: str, by: User, hours: int) -> OutboxMessage:
    """The invitation to join → the new person (in the language chosen for them, if any)."""

    def write() -> Letter:
        subject = _("%(name)s invited you to %(product)s", name=by.name, product=PRODUCT)
        body = (
            _("Hello %(name)s,", name=user.name)
            + "\n\n"
            + _(
                "%(by)s gave you a staff account on %(product)s, the near-miss reporting "
                "portal. Choose your password here to start:",
                by=by.name,
                product=PRODUCT,
            )
            + f"\n\n{invitation_link(token)}\n\n"
            + _(
                "The link works once, for %(hours)d hours. If it has expired, ask %(by)s for "
                "a new one.",
                hours=hours,
                by=by.name,
            )
            + "\n"
        )
        return f"[{PRODUCT}] {subject}", body

    # the new person has chosen no language yet: the inviter's is the best guess
    (to,) = emails([user])
    (message,) = queue(INVITATION, [replace(to, language=to.language or by.language)], write=write)
    return message


def password_reset(user: User, token: str, minutes: int) -> OutboxMessage:
    """A link to choose a new password → the account's owner, who asked for it."""

    def write() -> Letter:
        body = (
            _("Hello %(name)s,", name=user.name)
            + "\n\n"
            + _(
                "Someone (we hope you) asked to reset your %(product)s password. Choose a new "
                "one here:",
                product=PRODUCT,
            )
            + f"\n\n{reset_link(token)}\n\n"
            + _(
                "The link works once, for %(minutes)d minutes. If you did not ask, ignore this "
                "email: your password stays as it is.",
                minutes=minutes,
            )
            + "\n"
        )
        return f"[{PRODUCT}] " + _("Choose a new password"), body

    (message,) = queue(PASSWORD_RESET, emails([user]), write=write)
    return message


def _forgotten(user: User) -> str:
    """The words that replace a spent link, in the person's language."""
    return in_languages(lambda: (str(FORGOTTEN % {"product": PRODUCT}), ""))(user.language)[0]


def forget_links(user: User, kind: str) -> None:
    """Take the links out of the earlier emails of this kind to this person (a pending one is
    still sent, saying its link is gone)."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.kind == kind, OutboxMessage.recipient == user.email)
        .values(body=_forgotten(user))
    )
