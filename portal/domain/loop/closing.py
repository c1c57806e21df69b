"""Closing the loop: the report follows its corrective actions to In progress, Fixed and
Closed; the public summary; the reporter's "Is it fixed?" and staff's answer to a doubt."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from portal.domain import event_notes, permissions, steps
from portal.domain.loop.base import InvalidInput, TransitionError, begin_step, record
from portal.domain.loop.triage import acknowledge
from portal.domain.steps import ReporterStep, Step
from portal.lib.timeutil import utcnow
from portal.models import (
    CorrectiveAction,
    Message,
    Report,
    ReporterVerdict,
    ReportEvent,
    ReportStatus,
    User,
)
from portal.models.site import bump_feed_version


class Blocker(StrEnum):
    """What still stands between a report and Closed (staff words: portal/domain/labels.py)."""

    NO_ACTION = "no corrective action"
    NOT_VERIFIED = "not every action is verified"
    NO_SUMMARY = "no public summary (or “not for public display”)"
    DISPUTED = "the reporter said it is not really fixed"
    UNREAD = "the reporter's answer is not read yet"


def record_action_event(
    report: Report,
    actor: User,
    kind: str,
    action: CorrectiveAction,
    now: datetime,
    note: str | None = None,
    public: bool = False,
) -> ReportEvent:
    """A corrective action's step on its report's timeline (domain/corrective.py calls this)."""
    return record(report, actor, kind, now, note=note, public=public, action=action)


def begin_action_work(report: Report, actor: User, now: datetime) -> None:
    """Work on actions starts: a report nobody acknowledged yet is acknowledged by doing so,
    and a new action is the answer to a reporter's "not really" (the fix will be redone)."""
    if report.is_new:
        acknowledge(report, actor, at=now)
    if report.fix_disputed:
        report.fix_disputed = False
        report.awaiting_staff = False
        note = event_notes.facts(new_action=True)
        record(report, actor, "doubt_answered", now, note=note, public=True)


def _counting(report: Report) -> list[CorrectiveAction]:
    return [action for action in report.actions if action.counts]


def follow_actions(report: Report, actor: User, now: datetime) -> ReportEvent | None:
    """Move the report after its actions changed: open ones mean In progress, none open Fixed.

    A report whose only actions were cancelled goes back to Acknowledged; a Fixed or Closed
    report that gets a new open action goes back to In progress.
    """
    if report.is_set_aside:
        return None
    counting = _counting(report)
    if not counting:
        target = ReportStatus.ACKNOWLEDGED
    elif any(action.is_open for action in counting):
        target = ReportStatus.IN_PROGRESS
    else:
        target = ReportStatus.FIXED
    if report.status == target:
        return _maybe_close(report, actor, now) if target == ReportStatus.FIXED else None
    report.status = target.value
    if target == ReportStatus.FIXED:
        report.fixed_at = now
        report.reporter_verdict = None
    else:
        report.fixed_at = None
    report.closed_at = None
    kinds = {
        ReportStatus.ACKNOWLEDGED: "no_actions",
        ReportStatus.IN_PROGRESS: "in_progress",
        ReportStatus.FIXED: "fixed",
    }
    event = record(report, actor, kinds[target], now, public=target != ReportStatus.ACKNOWLEDGED)
    if target == ReportStatus.FIXED:
        return _maybe_close(report, actor, now) or event
    return event


def closing_blockers(report: Report) -> list[Blocker]:
    """What still stands between the report and Closed (empty: it closes)."""
    blockers = []
    counting = _counting(report)
    if not counting:
        blockers.append(Blocker.NO_ACTION)
    elif not all(action.is_verified for action in counting):
        blockers.append(Blocker.NOT_VERIFIED)
    if not (report.public_summary or report.summary_not_public):
        blockers.append(Blocker.NO_SUMMARY)
    if report.fix_disputed:
        blockers.append(Blocker.DISPUTED)
    elif report.awaiting_staff:
        blockers.append(Blocker.UNREAD)
    return blockers


def _maybe_close(report: Report, actor: User | None, now: datetime) -> ReportEvent | None:
    """Close a Fixed report once every action is verified and the summary is decided."""
    if report.status != ReportStatus.FIXED or closing_blockers(report):
        return None
    report.status = ReportStatus.CLOSED.value
    report.closed_at = now
    return record(report, actor, "closed", now, public=True)


def write_summary(
    report: Report,
    actor: User,
    *,
    summary: str | None,
    not_public: bool,
    expected_version: int | None = None,
) -> ReportEvent:
    """The "what we fixed" words for the crew, or an explicit "not for public display".

    Closes the report when everything else is already verified.
    """
    now = begin_step(report, actor, expected_version, Step.SUMMARISE)
    text = (summary or "").strip()
    if not text and not not_public:
        raise InvalidInput("write what was fixed, or mark it not for public display")
    report.public_summary = text or None
    report.summary_not_public = not_public and not text
    if report.published_at is not None:  # the public feed shows these words
        bump_feed_version(report.site_id)
    note = event_notes.facts(not_public=True) if report.summary_not_public else text
    event = record(report, actor, "summary", now, note=note)
    return _maybe_close(report, actor, now) or event


def reporter_verdict(report: Report, verdict: str, words: str | None = None) -> ReportEvent:
    """The reporter's answer to "Is it fixed?": "not really" holds the report open.

    Asked once the report is Fixed; a "not really" on a Closed report reopens it to Fixed.
    """
    if not steps.reporter_allows(report, ReporterStep.VERDICT):
        raise TransitionError("the reporter is asked only once the report is fixed")
    if verdict not in {v.value for v in ReporterVerdict}:
        raise InvalidInput("answer yes or not really")
    now = utcnow()
    report.reporter_verdict = verdict
    text = (words or "").strip() or None
    if text:
        report.messages.append(Message(author=None, body=text, internal=False, created_at=now))
    if verdict == ReporterVerdict.YES:
        report.fix_disputed = False  # the reporter's own doubt, withdrawn by the reporter
        return record(report, None, "reporter_confirmed", now, note=text, public=True)
    report.fix_disputed = True
    report.awaiting_staff = True
    if report.is_closed:
        report.status = ReportStatus.FIXED.value
        report.closed_at = None
        if report.published_at is not None:  # off the public feed until closed again
            bump_feed_version(report.site_id)
    return record(report, None, "reporter_doubted", now, note=text, public=True)


def answer_doubt(report: Report, actor: User, reply: str) -> ReportEvent:
    """Staff looked again after the reporter said "not really"; the reply reaches the reporter.

    If more work is needed, staff add an action (the report goes back to In progress);
    otherwise the reply explains why the fix holds and the report may close.
    """
    now = begin_step(report, actor, None, Step.ANSWER_DOUBT)  # refused unless disputed
    text = reply.strip()
    if not text:
        raise InvalidInput("write what you found when you looked again")
    report.messages.append(Message(author=actor, body=text, internal=False, created_at=now))
    report.fix_disputed = False
    report.awaiting_staff = False
    event = record(report, actor, "doubt_answered", now, public=True)
    return _maybe_close(report, actor, now) or event


def mark_answers_read(report: Report, actor: User) -> ReportEvent | None:
    """Staff have read the reporter's answer: the card's flag goes down, and a report that
    waited only for that closes."""
    if not (permissions.can_triage(actor, report) and report.awaiting_staff):
        return None
    report.awaiting_staff = False
    return _maybe_close(report, actor, utcnow())
