"""What a reporter may see of their report: its public status and timeline, nothing internal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import codes
from portal.extensions import db
from portal.models import Report, ReportStatus

STATUS_LABELS = {
    ReportStatus.NEW: _l("Received — waiting to be looked at"),
    ReportStatus.ACKNOWLEDGED: _l("Acknowledged — a supervisor has seen it"),
    ReportStatus.IN_PROGRESS: _l("Being fixed"),
    ReportStatus.FIXED: _l("Fixed — waiting to be checked"),
    ReportStatus.CLOSED: _l("Fixed and checked"),
    ReportStatus.MERGED: _l("Joined with a report of the same thing"),
    ReportStatus.DISMISSED: _l("Closed without action"),
}

EVENT_LABELS = {
    "submitted": _l("Report received"),
    "acknowledged": _l("Acknowledged — thank you for reporting"),
}


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    label: object


@dataclass(frozen=True)
class PublicView:
    status: object
    location: str
    site: str
    timezone: str
    submitted_at: datetime
    events: list[PublicEvent]


def find_by_code(code: str) -> Report | None:
    """The report behind a receipt code (compared as a keyed hash, never stored in clear)."""
    if not codes.looks_like_receipt(code):
        return None
    digest = codes.receipt_hash(current_app.config["SECRET_KEY"], code)
    return db.session.scalar(select(Report).where(Report.receipt_hash == digest))


def public_view(report: Report) -> PublicView:
    """The reporter's view: status, place and the public events only."""
    events = [
        PublicEvent(at=event.created_at, label=EVENT_LABELS.get(event.kind, event.kind))
        for event in report.events
        if event.public
    ]
    return PublicView(
        status=STATUS_LABELS[ReportStatus(report.status)],
        location=report.location.name,
        site=report.site.name,
        timezone=report.site.timezone,
        submitted_at=report.created_at,
        events=events,
    )
