"""Staff accounts run from the portal: one-time account links (invitation, password reset) and
the append-only trail of every change to an account."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models.user import User


class LinkPurpose(StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


class AccountLink(db.Model):
    """A one-time link sent to a person: only a keyed hash of its token is kept. One per person
    and purpose: sending a new one replaces the old (its hash changes, so the old link dies)."""

    __tablename__ = "account_links"
    __table_args__ = (UniqueConstraint("user_id", "purpose", name="uq_account_links_user_purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def is_live(self, now: datetime) -> bool:
        """Not used yet and not expired."""
        return self.used_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<AccountLink {self.user_id} {self.purpose}>"


class RecoveryCode(db.Model):
    """One of a person's two-step sign-in recovery codes, each usable once instead of a code
    from the app: only a keyed hash is kept (portal/domain/two_factor.py). Turning two-step
    sign-in off, or asking for new codes, deletes them all."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.user_id} {'used' if self.used_at else 'unused'}>"


class StaffChange(db.Model):
    """One change to a staff account: who made it, to whom, what, before and after, when.
    Append-only: the portal never updates or deletes a row (the mapper refuses it)."""

    __tablename__ = "staff_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # None: the command line, or a person acting on their own account through a link
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    what: Mapped[str] = mapped_column(String(30))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User] = relationship(foreign_keys=[subject_id])

    def __repr__(self) -> str:
        return f"<StaffChange {self.id} {self.what} {self.subject_id}>"


class AppendOnly(RuntimeError):
    """The audit trail is never changed, only added to."""


@event.listens_for(StaffChange, "before_update")
def _refuse_update(*_args: object) -> None:
    raise AppendOnly("staff changes are append-only")


@event.listens_for(StaffChange, "before_delete")
def _refuse_delete(*_args: object) -> None:
    raise AppendOnly("staff changes are append-only")
