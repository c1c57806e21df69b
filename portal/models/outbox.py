"""Notifications waiting to be delivered, and who besides staff hears of a site's reports."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models.site import Site


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender; a stale claim is taken over after a lease
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry; kept for an admin to see


class Delivery(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class OutboxMessage(db.Model):
    """One notification to one recipient, written in the transaction of the event behind it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    # an email address, or a webhook URL
    recipient: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # one digest per owner per day, one escalation per report: queued twice, kept once
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class SiteRecipient(db.Model):
    """An extra address (HR, Operations) or a team-chat webhook that hears of a site's reports."""

    __tablename__ = "site_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(10), default=Delivery.EMAIL.value)
    # an email address, or a webhook URL
    target: Mapped[str] = mapped_column(String(500))
    # only high-potential reports, or every new report
    high_potential_only: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship()

    def __repr__(self) -> str:
        return f"<SiteRecipient {self.site_id} {self.channel} {self.label!r}>"
