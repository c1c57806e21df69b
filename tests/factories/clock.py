"""Time passing, for tests of what staff may see only later (an anonymous report reaches the
boards and the notifications when its hour is over): every stored moment of the reports so far
moves back, as if the test ran that much later."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update

from portal.extensions import db
from portal.lib.hours import HOUR
from portal.models import OutboxMessage, OutboxStatus, Photo, Report, ReportEvent

MOVED = {
    Report: ("created_at", "updated_at"),
    ReportEvent: ("created_at",),
    Photo: ("created_at",),
}


def time_passes(app: Flask, delta: timedelta = HOUR) -> None:
    """Move every report, its events and photos, and every pending notification `delta` back."""
    with app.app_context():
        for model, names in MOVED.items():
            _move(model, names, delta)
        pending = OutboxMessage.status == OutboxStatus.PENDING.value
        _move(OutboxMessage, ("created_at", "next_attempt_at"), delta, pending)
        db.session.commit()


def _move(model: type, names: tuple[str, ...], delta: timedelta, *where: object) -> None:
    columns = [getattr(model, name) for name in names]
    for row in db.session.execute(select(model.id, *columns).where(*where)).all():  # type: ignore[attr-defined]
        values = {name: value - delta for name, value in zip(names, row[1:], strict=True)}
        db.session.execute(update(model).where(model.id == row[0]).values(**values))  # type: ignore[attr-defined]
