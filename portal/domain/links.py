"""One-time account links: an invitation to join, a password reset.

The token travels only in the link; the database keeps a keyed hash of it (lib/codes.py), so a
copy of the database opens no account. A person has at most one link per purpose: issuing a
new one replaces the hash, so every earlier link of that purpose stops working. A link works
once, until it expires (PORTAL_INVITE_HOURS, PORTAL_RESET_MINUTES), and only while the account
is active.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from portal.extensions import db
from portal.lib.codes import keyed_hash
from portal.lib.timeutil import utcnow
from portal.models import AccountLink, LinkPurpose, User

TOKEN_BYTES = 32  # 256 bits, URL-safe base 64: 43 characters
MAX_TOKEN_LENGTH = 100  # anything longer is not one of ours; not even hashed


def token_hash(token: str, purpose: str) -> str:
    """What the database keeps of a link's token."""
    return keyed_hash(current_app.config["SECRET_KEY"], f"account-link|{purpose}", token)


def lifetime(purpose: str) -> timedelta:
    """How long a fresh link of this purpose works."""
    if purpose == LinkPurpose.INVITATION:
        return timedelta(hours=current_app.config["INVITE_HOURS"])
    return timedelta(minutes=current_app.config["RESET_MINUTES"])


def issue(user: User, purpose: str, now: datetime | None = None) -> str:
    """A new link token for the user, replacing any earlier link of the same purpose; the
    caller commits. Returns the token (the only time it exists in clear)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = db.session.scalar(
        select(AccountLink).where(AccountLink.user_id == user.id, AccountLink.purpose == purpose)
    )
    if link is None:
        link = AccountLink(user_id=user.id, purpose=purpose)
        db.session.add(link)
    link.token_hash = token_hash(token, purpose)
    link.created_at = now
    link.expires_at = now + lifetime(purpose)
    link.used_at = None
    db.session.flush()
    return token


def find(token: str, purpose: str, now: datetime | None = None) -> AccountLink | None:
    """The live link behind a token: None for a forged, replaced, used or expired one, or one
    of an account that was deactivated meanwhile (all look the same to the visitor)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    link = db.session.scalar(
        select(AccountLink).where(AccountLink.token_hash == token_hash(token, purpose))
    )
    if link is None or link.purpose != purpose or not link.is_live(now or utcnow()):
        return None
    if not link.user.active:
        return None
    return link


def pending(user_id: int, purpose: str) -> AccountLink | None:
    """The user's link of this purpose, live or not (for the People page's status)."""
    return db.session.scalar(
        select(AccountLink).where(AccountLink.user_id == user_id, AccountLink.purpose == purpose)
    )


def use(link: AccountLink, now: datetime | None = None) -> bool:
    """Spend the link: it never works again. False when another request spent it first (the
    conditional update waits for that one's commit on PostgreSQL, then finds nothing)."""
    moment = now or utcnow()
    spent = db.session.execute(
        update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=moment)
        .execution_options(synchronize_session=False)
    )
    link.used_at = moment
    return spent.rowcount == 1  # type: ignore[attr-defined]
