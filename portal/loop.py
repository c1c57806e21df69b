"""The report life cycle: the only place that changes Report.status.

Each transition checks the actor's permission and the current state, changes the report,
and appends a ReportEvent — in the caller's transaction, committed by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from portal import permissions
from portal.extensions import db
from portal.models import Photo, Report, ReportEvent, ReportStatus, User
from portal.timeutil import utcnow


class TransitionError(Exception):
    """The transition is not allowed from the report's current state."""


class PermissionDenied(Exception):
    """The actor may not do this to this report."""


@dataclass(frozen=True)
class NewReport:
    """What a worker submitted, already validated."""

    what_happened: str
    where_text: str
    potential_outcome: str
    potential_text: str | None
    reporter_name: str | None
    reporter_role: str | None
    channel: str
    language: str


@dataclass(frozen=True)
class StoredPhoto:
    stored_name: str
    width: int
    height: int
    size_bytes: int


class PlaceRef(Protocol):
    """A location as far as a new report needs it."""

    id: int
    site_id: int


def submit(
    location: PlaceRef,
    answers: NewReport,
    *,
    receipt_hash: str,
    submission_key: str,
    photos: Sequence[StoredPhoto] = (),
    at: datetime | None = None,
) -> Report:
    """Record a new report in state `new` with its `submitted` event."""
    now = at or utcnow()
    report = Report(
        site_id=location.site_id,
        location_id=location.id,
        what_happened=answers.what_happened,
        where_text=answers.where_text,
        potential_outcome=answers.potential_outcome,
        potential_text=answers.potential_text or None,
        reporter_name=answers.reporter_name or None,
        reporter_role=answers.reporter_role or None,
        channel=answers.channel,
        language=answers.language,
        status=ReportStatus.NEW.value,
        receipt_hash=receipt_hash,
        submission_key=submission_key,
        created_at=now,
        updated_at=now,
    )
    for position, photo in enumerate(photos):
        report.photos.append(
            Photo(
                stored_name=photo.stored_name,
                position=position,
                width=photo.width,
                height=photo.height,
                size_bytes=photo.size_bytes,
                created_at=now,
            )
        )
    report.events.append(ReportEvent(kind="submitted", public=True, created_at=now))
    db.session.add(report)
    return report


def acknowledge(report: Report, actor: User, *, at: datetime | None = None) -> ReportEvent:
    """A staff member has seen the report: the reporter is told it was acknowledged."""
    if not permissions.can_triage(actor, report):
        raise PermissionDenied
    if report.status != ReportStatus.NEW:
        raise TransitionError(f"cannot acknowledge a report that is {report.status}")
    now = at or utcnow()
    report.status = ReportStatus.ACKNOWLEDGED.value
    report.updated_at = now
    event = ReportEvent(kind="acknowledged", actor=actor, public=True, created_at=now)
    report.events.append(event)
    return event
