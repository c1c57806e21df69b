"""What every life-cycle step shares: the refusals, the report the worker gave, and the two
steps every staff transition starts and ends with (the states each step needs are in
portal/domain/steps.py)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Protocol

from portal.domain import permissions, steps
from portal.domain.steps import Step
from portal.lib.timeutil import utcnow
from portal.models import CorrectiveAction, Report, ReportEvent, User

MAX_WHYS = 5
MAX_MESSAGE = 2000  # characters of a message between staff and the reporter, either way


class TransitionError(Exception):
    """The transition is not allowed from the report's current state."""


class PermissionDenied(Exception):
    """The actor may not do this to this report."""


class InvalidInput(ValueError):
    """The request itself is wrong (e.g. an override without a reason)."""


class Conflict(Exception):
    """Someone changed the report since the actor's page showed it."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"report {report.id} changed meanwhile")
        self.report = report


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

    def columns(self) -> dict[str, str | None]:
        """The report's columns these answers fill (a new answer is a field here and a column
        of Report by the same name; optional ones left blank are stored as NULL)."""
        columns = {}
        for field in fields(self):
            value = getattr(self, field.name)
            optional = "None" in str(field.type)
            columns[field.name] = (value or None) if optional else value
        return columns


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
    name: str
    site_timezone: str


def begin_step(report: Report, actor: User, expected_version: int | None, step: Step) -> datetime:
    """The checks every staff transition starts with; returns the time to stamp."""
    if not permissions.can_triage(actor, report):
        raise PermissionDenied
    if expected_version is not None and report.version != expected_version:
        raise Conflict(report)
    refused = steps.refusal(report, step)
    if refused is not None:
        raise TransitionError(refused)
    return utcnow()


def record(
    report: Report,
    actor: User | None,
    kind: str,
    now: datetime,
    note: str | None = None,
    public: bool = False,
    action: CorrectiveAction | None = None,
) -> ReportEvent:
    """Stamp the report with the step and append it to the timeline."""
    report.updated_at = now
    report.last_actor = actor
    event = ReportEvent(
        kind=kind, actor=actor, note=note, public=public, created_at=now, action=action
    )
    report.events.append(event)
    return event
