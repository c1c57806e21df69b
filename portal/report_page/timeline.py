"""A report's timeline for staff: its ReportEvents, each with the message it carried."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime

from portal.domain import event_notes
from portal.lib import dates
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import Message, Report, ReportEvent

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
    "action_added": _l("Corrective action added"),
    "action_done": _l("Corrective action done"),
    "action_verified": _l("Corrective action verified"),
    "action_reopened": _l("Corrective action reopened: the check failed"),
    "action_cancelled": _l("Corrective action cancelled"),
    "action_reassigned": _l("Corrective action reassigned"),
    "action_due_changed": _l("Corrective action due date changed"),
    "in_progress": _l("In progress: work on a fix started"),
    "fixed": _l("Fixed: every action is done"),
    "no_actions": _l("No corrective action left: back to Acknowledged"),
    "closed": _l("Closed"),
    "summary": _l("“What we fixed” summary written"),
    "reporter_confirmed": _l("The reporter confirmed it is fixed"),
    "reporter_doubted": _l("The reporter says it is not really fixed"),
    "doubt_answered": _l("Reply to the reporter's doubt"),
    "published": _l("Published on the crew's feed"),
    "unpublished": _l("Taken off the crew's feed"),
    "photo_public": _l("Photo shown on the crew's feed"),
    "photo_private": _l("Photo kept for staff only"),
}
# The events that carry one message, and the queue of messages each takes it from: staff
# messages the reporter reads ("team"), internal notes, and the reporter's own words.
CARRIES = {
    "question": "team",
    "doubt_answered": "team",
    "note": "note",
    "reporter_answered": "reporter",
    "reporter_confirmed": "reporter",
    "reporter_doubted": "reporter",
}
# The reporter's "Is it fixed?" answer carries a message only when they added words.
WORDS_OPTIONAL = {"reporter_confirmed", "reporter_doubted"}
# A message whose event is missing shows as this kind.
LEFT_OVER_KIND = {"team": "question", "note": "note", "reporter": "reporter_answered"}
# What the reporter did themselves: for an anonymous report, timed only to the hour.
REPORTER_KINDS = {"submitted", "reporter_answered", "reporter_confirmed", "reporter_doubted"}
# Shown to the reporter on /followup: tagged so on the staff timeline.
SHOWN_KINDS = {"question", "doubt_answered"}
# The conversation with the reporter, in the "Talk to the reporter" panel: what each side said.
CONVERSATION_KINDS = {"question", "doubt_answered", *REPORTER_KINDS} - {"submitted"}


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
    public_action: bool = False  # a step of an action staff chose to show the reporter

    @property
    def internal(self) -> bool:
        return self.kind == "note"

    @property
    def shown(self) -> bool:
        """A staff message, or a step of a visible action, that the reporter reads on /followup."""
        return self.kind in SHOWN_KINDS or self.public_action

    @property
    def by_reporter(self) -> bool:
        return self.kind in REPORTER_KINDS


def message_queue(message: Message) -> str:
    """Which queue a message belongs to: see CARRIES."""
    if message.internal:
        return "note"
    return "reporter" if message.from_reporter else "team"


def _label(kind: str) -> object:
    return LABELS.get(kind, kind.replace("_", " ").capitalize())


def entries(report: Report) -> list[Entry]:
    """Every event, oldest first; one that carries a message shows the message's text.

    The loop (portal/domain/loop/) appends each such message together with its event, so the
    n-th event taking from a queue carries the n-th message of that queue. A message without
    its event still shows.
    """
    queues: dict[str, deque[Message]] = {queue: deque() for queue in LEFT_OVER_KIND}
    for message in report.messages:
        queues[message_queue(message)].append(message)
    coarse = report.is_anonymous
    lines = [_event_entry(event, queues, coarse) for event in report.events]
    for queue, left in queues.items():
        kind = LEFT_OVER_KIND[queue]
        lines.extend(_message_entry(kind, message, coarse) for message in left)
    return sorted(lines, key=lambda entry: entry.at)


def _event_entry(event: ReportEvent, queues: dict[str, deque[Message]], coarse: bool) -> Entry:
    queue = queues.get(CARRIES.get(event.kind, ""))
    carries = bool(queue) and (event.kind not in WORDS_OPTIONAL or bool(event.note))
    body = queue.popleft().body if queue and carries else None
    return Entry(
        at=event.created_at,
        kind=event.kind,
        label=_label(event.kind),
        actor=event.actor.name if event.actor is not None else None,
        note=None if body is not None and body == event.note else _note(event),
        body=body,
        coarse=coarse and event.kind in REPORTER_KINDS,
        public_action=event.public and event.action_id is not None,
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


def _note(event: ReportEvent) -> str | None:
    """The event's note in the reader's words (event_notes), its days written the one way."""
    return dates.days_in(event_notes.words(event.kind, event.note))


def entry_time(entry: Entry, timezone: str) -> str:
    """When an entry happened, as precisely as the reporter's anonymity allows."""
    return dates.report_moment(entry.at, entry.coarse, timezone)


def who_changed(report: Report) -> str:
    """Who made the latest change, for the conflict message."""
    latest = report.events[-1] if report.events else None
    if latest is not None and latest.actor is None and latest.kind in REPORTER_KINDS:
        return str(_l("the reporter"))
    if report.last_actor is not None:
        return report.last_actor.name
    return str(_l("someone else"))


def conversation(lines: list[Entry]) -> list[Entry]:
    """The thread with the reporter, oldest first: questions, answers, "Is it fixed?" verdicts
    and replies to a doubt (the timeline keeps them too, among every other step)."""
    return [entry for entry in lines if entry.kind in CONVERSATION_KINDS]


def last_of(lines: list[Entry], kind: str) -> Entry | None:
    """The latest entry of a kind: the reporter's last answer or doubt, quoted in its banner."""
    found = [entry for entry in lines if entry.kind == kind]
    return found[-1] if found else None
