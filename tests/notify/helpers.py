"""Reading the outbox and running the sender and the reminders, as `flask portal notify` does
(the builders are in tests/factories)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage


def outbox_rows(app: Flask, **where: Any) -> list[OutboxMessage]:
    """Outbox rows (detached), oldest first, filtered by column values."""
    with app.app_context():
        query = select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)
        rows = list(db.session.scalars(query))
        for row in rows:
            db.session.expunge(row)
        return rows


def deliver(app: Flask, now: datetime | None = None, limit: int = 100):
    """One sender round, as `flask portal notify` runs it."""
    from portal.notify import outbox

    with app.app_context():
        return outbox.deliver_pending(now=now, limit=limit)


def remind(app: Flask, now: datetime | None = None):
    from portal.notify import reminders

    with app.app_context():
        return reminders.queue_reminders(now=now)
