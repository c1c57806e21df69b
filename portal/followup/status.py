"""What a reporter may see of their report: its public status, timeline, the corrective
actions staff chose to show, and the questions the safety team asked them — nothing
internal, and never a staff member's name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import format_date, format_datetime
from sqlalchemy import select

from portal.domain import steps
from portal.domain.steps import ReporterStep
from portal.extensions import db
from portal.followup import verdicts
from portal.lib import codes, sla
from portal.lib.lazytext import lazy_gettext as _l
from portal.lib.timeutil import to_local, utcnow
from portal.models import ActionStatus, DismissReason, Report, ReportEvent, ReportStatus

STATUS_LABELS = {
    ReportStatus.NEW: _l("Received — waiting to be looked at"),
    ReportStatus.ACKNOWLEDGED: _l("Acknowledged — a supervisor has seen it"),
    ReportStatus.IN_PROGRESS: _l("Being fixed"),
    ReportStatus.FIXED: _l("Fixed — waiting to be checked"),
    # Fixed, but the reporter said "not really": the safety team looks again
    "disputed": _l("Being looked at again — you said it is not really fixed"),
    ReportStatus.CLOSED: _l("Fixed and checked"),
    ReportStatus.MERGED: _l("Joined with a report of the same thing"),
    ReportStatus.DISMISSED: _l("Closed without action"),
}

EVENT_LABELS = {
    "submitted": _l("Report received"),
    "acknowledged": _l("Acknowledged — thank you for reporting"),
    "question": _l("The safety team asked you a question"),
    "reporter_answered": _l("You answered"),
    "merged": _l("Joined with a report of the same thing"),
    "in_progress": _l("Being fixed — the safety team planned what to change"),
    "fixed": _l("Fixed — the safety team will check the fix"),
    "closed": _l("Fixed and checked — this report is closed"),
    # shown only for the actions staff chose to show (corrective.py makes only those public)
    "action_added": _l("A fix was planned"),
    "action_done": _l("A fix was done"),
    "action_verified": _l("A fix was checked"),
    # neutral words: on a report others' reports were joined with, it may be another reporter
    "reporter_confirmed": _l("Answered: yes, it is fixed"),
    "reporter_doubted": _l("Answered: not really fixed"),
    "doubt_answered": _l("The safety team looked again and answered"),
}

# Why a report was closed without action, in words a worker would use.
DISMISS_REASONS = {
    DismissReason.NOT_A_NEAR_MISS: _l("it was not a close call that needs action"),
    DismissReason.INCIDENT: _l(
        "someone was hurt or something was damaged, so it went to the incident process"
    ),
    DismissReason.HAZARD: _l("it was recorded as a hazard to check, not as a close call"),
    DismissReason.SPAM: _l("it did not describe something that happened at work"),
}

# A step of the report and the action event that caused it, recorded together: one line.
SAME_STEP = {
    ("in_progress", "action_added"),
    ("fixed", "action_done"),
    ("closed", "action_verified"),
}
SAME_MOMENT_SECONDS = 5

# Events of the report a duplicate was joined with that concern that report's own reporter.
OTHER_REPORTERS_EVENTS = {"submitted", "question", "reporter_answered", "merged"}
MAX_MERGE_HOPS = 10


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    label: object
    when: str = ""  # the moment in the site's zone and the reader's language


@dataclass(frozen=True)
class PublicMessage:
    at: datetime
    from_reporter: bool  # else from the safety team, never named
    body: str
    when: str = ""


@dataclass(frozen=True)
class PublicAction:
    """A corrective action as the reporter reads it: the staff's words, a date, no names."""

    description: str
    due: str
    state: str  # open, done, verified or cancelled
    when: str | None  # the day it was done, checked or cancelled


@dataclass(frozen=True)
class PublicView:
    status: object
    words: str  # what the reporter wrote: shown to whoever holds the code, no one else
    actions_done: bool  # every action shown is done, checked or cancelled: "What was changed"
    location: str
    site: str
    timezone: str
    submitted_at: datetime
    events: list[PublicEvent]
    messages: list[PublicMessage]
    dismiss_reason: object | None
    joined: bool  # the report was merged into another, whose progress is shown
    can_answer: bool
    actions: list[PublicAction]
    asks_if_fixed: bool


def find_by_code(code: str) -> Report | None:
    """The report behind a receipt code (compared as a keyed hash, never stored in clear)."""
    if not codes.looks_like_receipt(code):
        return None
    digest = codes.receipt_hash(current_app.config["SECRET_KEY"], code)
    return db.session.scalar(select(Report).where(Report.receipt_hash == digest))


def followed(report: Report) -> Report:
    """The report whose progress the reporter follows: their own, or the one it joined."""
    seen = {report.id}
    while report.status == ReportStatus.MERGED and report.merged_into is not None:
        if report.merged_into.id in seen or len(seen) > MAX_MERGE_HOPS:
            break
        report = report.merged_into
        seen.add(report.id)
    return report


def _status(report: Report) -> object:
    if report.status == ReportStatus.FIXED and report.fix_disputed:
        return STATUS_LABELS["disputed"]
    return STATUS_LABELS[ReportStatus(report.status)]


def dismiss_reason(reason: str | None) -> object | None:
    """A dismissal reason in plain words."""
    return DISMISS_REASONS.get(reason) if reason else None


def _label(event: ReportEvent) -> object:
    if event.kind == "dismissed":
        reason = dismiss_reason(event.note) or STATUS_LABELS[ReportStatus.DISMISSED]
        return _l("Closed: %(reason)s", reason=reason)
    return EVENT_LABELS.get(event.kind, event.kind)


def public_events(report: Report, target: Report) -> list[PublicEvent]:
    """The reporter's own public events, then those of the report theirs joined."""
    events = [event for event in report.events if event.public]
    if target is not report:
        events += [
            event
            for event in target.events
            if event.public and event.kind not in OTHER_REPORTERS_EVENTS
        ]
    events.sort(key=lambda event: event.created_at)
    timezone = report.site.timezone
    return [
        PublicEvent(
            at=event.created_at, label=_label(event), when=moment(event.created_at, timezone)
        )
        for event in _one_line_per_step(events)
    ]


def _one_line_per_step(events: list[ReportEvent]) -> list[ReportEvent]:
    """Without the action event that a step of the report repeats ("A fix was planned" beside
    "Being fixed — the safety team planned what to change")."""
    repeated = set()
    for index, event in enumerate(events):
        for other in events[max(0, index - 2) : index + 3]:
            close = abs((other.created_at - event.created_at).total_seconds())
            if (other.kind, event.kind) in SAME_STEP and close <= SAME_MOMENT_SECONDS:
                repeated.add(id(event))
    return [event for event in events if id(event) not in repeated]


def short_date(day: date, today: date) -> str:
    """A day in the reader's language: "12 Dec", with the year only when it is not this one."""
    return format_date(day, "d MMM" if day.year == today.year else "d MMM y")


def moment(at: datetime, timezone: str) -> str:
    """A moment in the same style as the days beside it: "12 Dec, 14:05" at the site."""
    local = to_local(at, timezone)
    today = sla.site_today(utcnow(), timezone)
    pattern = "d MMM, HH:mm" if local.year == today.year else "d MMM y, HH:mm"
    return format_datetime(local, pattern, rebase=False)


def _local_day(moment: datetime | None, timezone: str) -> date | None:
    return to_local(moment, timezone).date() if moment is not None else None


def public_actions(report: Report) -> list[PublicAction]:
    """The actions staff chose to show the reporter, oldest first, with dates at the site."""
    timezone = report.site.timezone
    today = sla.site_today(utcnow(), timezone)
    shown = []
    for action in report.actions:
        if not action.visible_to_reporter:
            continue
        moment = {
            ActionStatus.DONE: action.completed_at,
            ActionStatus.VERIFIED: action.verified_at,
            ActionStatus.CANCELLED: action.cancelled_at,
        }.get(ActionStatus(action.status))
        day = _local_day(moment, timezone)
        shown.append(
            PublicAction(
                description=action.description,
                due=short_date(action.due_on, today),
                state=action.status,
                when=short_date(day, today) if day is not None else None,
            )
        )
    return shown


def can_answer(report: Report) -> bool:
    """The reporter may answer once the safety team asked, while the report is not closed off."""
    asked = any(not m.internal and not m.from_reporter for m in report.messages)
    return asked and steps.reporter_allows(report, ReporterStep.ANSWER)


def public_view(report: Report) -> PublicView:
    """The reporter's view: status, place, the public events and the non-internal messages."""
    target = followed(report)
    timezone = report.site.timezone
    messages = [
        PublicMessage(
            at=m.created_at,
            from_reporter=m.from_reporter,
            body=m.body,
            when=moment(m.created_at, timezone),
        )
        for m in report.messages
        if not m.internal
    ]
    dismissed = target.status == ReportStatus.DISMISSED
    actions = public_actions(target)
    return PublicView(
        status=_status(target),
        words=report.what_happened,
        actions_done=bool(actions) and all(a.state != ActionStatus.OPEN for a in actions),
        location=report.location.name,
        site=report.site.name,
        timezone=report.site.timezone,
        submitted_at=report.created_at,
        events=public_events(report, target),
        messages=messages,
        dismiss_reason=dismiss_reason(target.dismiss_reason) if dismissed else None,
        joined=target is not report,
        can_answer=can_answer(report),
        actions=actions,
        asks_if_fixed=verdicts.is_asked(target),
    )
