"""A report's timeline for staff: its ReportEvents, each with the message it carried."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal.models import Message, Report, ReportEvent
from portal.web import hour_range, local_time

LABELS = {
    "submitted": _l("Report submitted"),
    "acknowledged": _l("Acknowledged"),
    "classified": _l("Classified"),
    "assigned": _l("Assigned"),
    "merged": _l("Merged into another report"),
    "merged_from": _l("Another report joined this one"),
    "dismissed": _l("Dismissed"),
    "investigated": _l("Investigation updated"),
    "question": _l("Question to the reporter"),
    "note": _l("Internal note"),
    "reporter_answered": _l("The reporter answered"),
}
# Event kinds that carry one message, and which messages those are.
MESSAGE_KINDS = ("question", "note", "reporter_answered")
# What the reporter did themselves: for an anonymous report, timed only to the hour.
REPORTER_KINDS = {"submitted", "reporter_answered"}


@dataclass(frozen=True)
class Entry:
    """One line of the staff timeline."""

    at: datetime
    kind: str
    label: object
    actor: str | None
    note: str | None
    body: str | None
    coarse: bool  # shown only to the hour

    @property
    def internal(self) -> bool:
        return self.kind == "note"


def message_kind(message: Message) -> str:
    """The event kind a message belongs to."""
    if message.internal:
        return "note"
    return "reporter_answered" if message.from_reporter else "question"


def _label(kind: str) -> object:
    return LABELS.get(kind, kind.replace("_", " ").capitalize())


def entries(report: Report) -> list[Entry]:
    """Every event, oldest first; a question, note or answer with its message's text.

    loop.py appends each such message together with its event, so the n-th event of a kind
    carries the n-th message of that kind. A message without its event still shows.
    """
    queues: dict[str, deque[Message]] = {kind: deque() for kind in MESSAGE_KINDS}
    for message in report.messages:
        queues[message_kind(message)].append(message)
    coarse = report.is_anonymous
    lines = [_event_entry(event, queues, coarse) for event in report.events]
    for kind, left in queues.items():
        lines.extend(_message_entry(kind, message, coarse) for message in left)
    return sorted(lines, key=lambda entry: entry.at)


def _event_entry(event: ReportEvent, queues: dict[str, deque[Message]], coarse: bool) -> Entry:
    queue = queues.get(event.kind)
    body = queue.popleft().body if queue else None
    return Entry(
        at=event.created_at,
        kind=event.kind,
        label=_label(event.kind),
        actor=event.actor.name if event.actor is not None else None,
        note=event.note,
        body=body,
        coarse=coarse and event.kind in REPORTER_KINDS,
    )


def _message_entry(kind: str, message: Message, coarse: bool) -> Entry:
    return Entry(
        at=message.created_at,
        kind=kind,
        label=_label(kind),
        actor=message.author.name if message.author is not None else None,
        note=None,
        body=message.body,
        coarse=coarse and kind in REPORTER_KINDS,
    )


def entry_time(entry: Entry, timezone: str) -> str:
    """When an entry happened, as precisely as the reporter's anonymity allows."""
    if entry.coarse:
        return hour_range(entry.at, timezone)
    return local_time(entry.at, timezone, "short")


def who_changed(report: Report) -> str:
    """Who made the latest change, for the conflict message."""
    latest = report.events[-1] if report.events else None
    if latest is not None and latest.actor is None and latest.kind == "reporter_answered":
        return str(_l("the reporter"))
    if report.last_actor is not None:
        return report.last_actor.name
    return str(_l("someone else"))
