"""The report life cycle: the only place that changes Report.status.

Each transition checks the actor's permission, the current state and (when the caller passes
the version it showed) that nobody changed the report meanwhile; then it changes the report
and appends a ReportEvent — in the caller's transaction, committed by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from portal import notify, permissions
from portal.extensions import db
from portal.models import (
    HIGH_POTENTIAL_SEVERITY,
    ActionStatus,
    Asset,
    Category,
    CorrectiveAction,
    DismissReason,
    Domain,
    Message,
    Photo,
    Report,
    ReporterVerdict,
    ReportEvent,
    ReportStatus,
    RootCause,
    User,
)
from portal.timeutil import utcnow

OPEN_STATES = {
    ReportStatus.NEW,
    ReportStatus.ACKNOWLEDGED,
    ReportStatus.IN_PROGRESS,
    ReportStatus.FIXED,
}
MAX_WHYS = 5


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
    entered_by: User | None = None,
) -> Report:
    """Record a new report in state `new` with its `submitted` event.

    `entered_by` is the staff member who took a report down on someone's behalf.
    """
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
    note = "entered by staff on the reporter's behalf" if entered_by else None
    report.events.append(
        ReportEvent(kind="submitted", actor=entered_by, note=note, public=True, created_at=now)
    )
    db.session.add(report)
    notify.report_submitted(report)
    return report


def _begin(
    report: Report, actor: User, expected_version: int | None, states: set[ReportStatus]
) -> datetime:
    """The checks every staff transition starts with; returns the time to stamp."""
    if not permissions.can_triage(actor, report):
        raise PermissionDenied
    if expected_version is not None and report.version != expected_version:
        raise Conflict(report)
    if report.status not in states:
        raise TransitionError(f"not allowed while the report is {report.status}")
    return utcnow()


def _record(
    report: Report,
    actor: User | None,
    kind: str,
    now: datetime,
    note: str | None = None,
    public: bool = False,
    action: CorrectiveAction | None = None,
) -> ReportEvent:
    report.updated_at = now
    report.last_actor = actor
    event = ReportEvent(
        kind=kind, actor=actor, note=note, public=public, created_at=now, action=action
    )
    report.events.append(event)
    return event


def acknowledge(
    report: Report, actor: User, *, expected_version: int | None = None, at: datetime | None = None
) -> ReportEvent:
    """A staff member has seen the report: the reporter is told it was acknowledged."""
    now = _begin(report, actor, expected_version, {ReportStatus.NEW})
    now = at or now
    report.status = ReportStatus.ACKNOWLEDGED.value
    report.acknowledged_at = now
    report.acknowledged_by = actor
    return _record(report, actor, "acknowledged", now, public=True)


def auto_high_potential(severity: int) -> bool:
    """Serious injury or fatality potential (severity potential 4 or 5) is high-potential."""
    return severity >= HIGH_POTENTIAL_SEVERITY


def classify(
    report: Report,
    actor: User,
    *,
    category: Category,
    domain: str,
    severity: int,
    likelihood: int,
    high_potential: bool | None = None,
    override_reason: str | None = None,
    expected_version: int | None = None,
) -> ReportEvent:
    """Category, domain, severity potential x likelihood, and the high-potential flag.

    The flag follows the severity unless staff override it, which needs a written reason.
    """
    now = _begin(report, actor, expected_version, OPEN_STATES)
    if domain not in {d.value for d in Domain}:
        raise InvalidInput("unknown domain")
    if not (1 <= severity <= 5 and 1 <= likelihood <= 5):
        raise InvalidInput("severity and likelihood run from 1 to 5")
    was_high_potential = report.high_potential
    automatic = auto_high_potential(severity)
    if high_potential is None or high_potential == automatic:
        report.high_potential = automatic
        report.high_potential_override = None
    else:
        reason = (override_reason or "").strip()
        if not reason:
            raise InvalidInput("overriding the high-potential flag needs a written reason")
        report.high_potential = high_potential
        report.high_potential_override = reason
    report.category = category
    report.domain = domain
    report.severity = severity
    report.likelihood = likelihood
    note = f"{category.name}, {domain}, severity {severity} x likelihood {likelihood}"
    if report.high_potential:
        note += ", high-potential"
    if report.high_potential_override:
        note += f" (flag overridden: {report.high_potential_override})"
    event = _record(report, actor, "classified", now, note=note)
    if report.high_potential and not was_high_potential:
        notify.report_flagged_high_potential(report, by=actor)
    return event


def assign(
    report: Report,
    actor: User,
    *,
    owner: User | None,
    asset: Asset | None = None,
    expected_version: int | None = None,
) -> ReportEvent:
    """Give the report an owner (staff of its site) and optionally the asset involved."""
    now = _begin(report, actor, expected_version, OPEN_STATES)
    if owner is not None and not permissions.can_own(owner, report):
        raise InvalidInput("the owner must be triage staff of the report's site")
    if asset is not None and asset.location.site_id != report.site_id:
        raise InvalidInput("the asset belongs to another site")
    report.asset = asset
    changed_owner = owner is not None and owner.id != report.owner_id
    report.owner = owner
    note = f"owner: {owner.name if owner else 'nobody'}"
    if asset is not None:
        note += f", asset: {asset.name}"
    event = _record(report, actor, "assigned", now, note=note)
    if changed_owner:
        notify.report_assigned(report, by=actor)
    return event


def _refuse_live_actions(report: Report) -> None:
    """A report with actions under way is neither merged nor dismissed: they would be orphaned."""
    live = {ActionStatus.OPEN, ActionStatus.DONE}
    if any(action.status in live for action in report.actions):
        raise TransitionError("finish or cancel its corrective actions first")


def merge(
    report: Report, actor: User, *, into: Report, expected_version: int | None = None
) -> ReportEvent:
    """Mark a report as a duplicate of another: its reporter then follows the other one."""
    now = _begin(report, actor, expected_version, OPEN_STATES)
    _refuse_live_actions(report)
    if into.id == report.id or into.site_id != report.site_id:
        raise InvalidInput("merge into another report of the same site")
    if into.status not in OPEN_STATES and into.status != ReportStatus.CLOSED:
        raise InvalidInput("that report was itself merged or dismissed")
    report.status = ReportStatus.MERGED.value
    report.merged_into = into
    _record(into, actor, "merged_from", now, note=f"report #{report.id} joined this one")
    return _record(report, actor, "merged", now, note=f"into report #{into.id}", public=True)


def dismiss(
    report: Report,
    actor: User,
    *,
    reason: str,
    note: str | None = None,
    expected_version: int | None = None,
) -> ReportEvent:
    """Close without action, with a reason the reporter is told in plain words. Kept forever."""
    now = _begin(report, actor, expected_version, OPEN_STATES)
    _refuse_live_actions(report)
    if reason not in {r.value for r in DismissReason}:
        raise InvalidInput("unknown reason")
    report.status = ReportStatus.DISMISSED.value
    report.dismiss_reason = reason
    report.dismiss_note = (note or "").strip() or None
    return _record(report, actor, "dismissed", now, note=reason, public=True)


def investigate(
    report: Report,
    actor: User,
    *,
    whys: Sequence[tuple[str, str]],
    root_cause: str | None,
    contributing_factors: str | None,
    expected_version: int | None = None,
) -> ReportEvent:
    """Record the no-blame investigation: up to five Why/Because steps and the root cause."""
    now = _begin(report, actor, expected_version, OPEN_STATES | {ReportStatus.CLOSED})
    steps = [
        (why.strip(), because.strip()) for why, because in whys if why.strip() or because.strip()
    ]
    if len(steps) > MAX_WHYS:
        raise InvalidInput(f"at most {MAX_WHYS} steps")
    if root_cause is not None and root_cause not in {r.value for r in RootCause}:
        raise InvalidInput("unknown root cause")
    report.whys = [{"why": why, "because": because} for why, because in steps] or None
    report.root_cause = root_cause
    report.contributing_factors = (contributing_factors or "").strip() or None
    return _record(report, actor, "investigated", now, note=f"{len(steps)} why-steps")


def ask_reporter(report: Report, actor: User, body: str) -> Message:
    """A question to the reporter, who reads it on /followup with the receipt code."""
    now = _begin(report, actor, None, OPEN_STATES | {ReportStatus.CLOSED})
    message = Message(author=actor, body=body.strip(), internal=False, created_at=now)
    report.messages.append(message)
    report.awaiting_staff = False
    _record(report, actor, "question", now, public=True)
    return message


def add_note(report: Report, actor: User, body: str) -> Message:
    """An internal note: on the staff timeline, never shown to the reporter."""
    now = _begin(report, actor, None, set(ReportStatus))
    message = Message(author=actor, body=body.strip(), internal=True, created_at=now)
    report.messages.append(message)
    _record(report, actor, "note", now)
    return message


def reporter_answers(report: Report, body: str) -> Message:
    """The reporter's answer from /followup: lands on the timeline and flags the card."""
    now = utcnow()
    message = Message(author=None, body=body.strip(), internal=False, created_at=now)
    report.messages.append(message)
    report.awaiting_staff = True
    report.updated_at = now
    report.last_actor = None  # a conflict caused by the reporter names nobody on staff
    report.events.append(ReportEvent(kind="reporter_answered", public=True, created_at=now))
    return message


def mark_answers_read(report: Report, actor: User) -> None:
    """Staff have read the reporter's answer: the card's flag goes down."""
    if permissions.can_triage(actor, report) and report.awaiting_staff:
        report.awaiting_staff = False


# --- closing the loop: the report follows its corrective actions -------------------------

CLOSABLE_SUMMARY_STATES = {ReportStatus.FIXED, ReportStatus.CLOSED, ReportStatus.IN_PROGRESS}
ACTIONABLE_STATES = {
    ReportStatus.NEW,
    ReportStatus.ACKNOWLEDGED,
    ReportStatus.IN_PROGRESS,
    ReportStatus.FIXED,
}


def record_action_event(
    report: Report,
    actor: User,
    kind: str,
    action: CorrectiveAction,
    now: datetime,
    note: str | None = None,
    public: bool = False,
) -> ReportEvent:
    """A corrective action's step on its report's timeline (portal/corrective.py calls this)."""
    return _record(report, actor, kind, now, note=note, public=public, action=action)


def begin_action_work(report: Report, actor: User, now: datetime) -> None:
    """Work on actions starts: a report nobody acknowledged yet is acknowledged by doing so,
    and a new action is the answer to a reporter's "not really" (the fix will be redone)."""
    if report.status == ReportStatus.NEW:
        acknowledge(report, actor, at=now)
    if report.fix_disputed:
        report.fix_disputed = False
        report.awaiting_staff = False
        _record(report, actor, "doubt_answered", now, note="a new action was added", public=True)


def _counting(report: Report) -> list[CorrectiveAction]:
    return [action for action in report.actions if action.status != ActionStatus.CANCELLED]


def follow_actions(report: Report, actor: User, now: datetime) -> ReportEvent | None:
    """Move the report after its actions changed: open ones mean In progress, none open Fixed.

    A report whose only actions were cancelled goes back to Acknowledged; a Fixed or Closed
    report that gets a new open action goes back to In progress.
    """
    if report.status not in ACTIONABLE_STATES | {ReportStatus.CLOSED}:
        return None
    counting = _counting(report)
    if not counting:
        target = ReportStatus.ACKNOWLEDGED
    elif any(action.status == ActionStatus.OPEN for action in counting):
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
    event = _record(report, actor, kinds[target], now, public=target != ReportStatus.ACKNOWLEDGED)
    if target == ReportStatus.FIXED:
        return _maybe_close(report, actor, now) or event
    return event


def closing_blockers(report: Report) -> list[str]:
    """What still stands between the report and Closed (empty: it closes)."""
    blockers = []
    counting = _counting(report)
    if not counting:
        blockers.append("no corrective action")
    elif any(action.status != ActionStatus.VERIFIED for action in counting):
        blockers.append("not every action is verified")
    if not (report.public_summary or report.summary_not_public):
        blockers.append("no public summary (or “not for public display”)")
    if report.fix_disputed:
        blockers.append("the reporter said it is not really fixed")
    return blockers


def _maybe_close(report: Report, actor: User | None, now: datetime) -> ReportEvent | None:
    """Close a Fixed report once every action is verified and the summary is decided."""
    if report.status != ReportStatus.FIXED or closing_blockers(report):
        return None
    report.status = ReportStatus.CLOSED.value
    report.closed_at = now
    return _record(report, actor, "closed", now, public=True)


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
    now = _begin(report, actor, expected_version, CLOSABLE_SUMMARY_STATES)
    text = (summary or "").strip()
    if not text and not not_public:
        raise InvalidInput("write what was fixed, or mark it not for public display")
    report.public_summary = text or None
    report.summary_not_public = not_public and not text
    note = "not for public display" if report.summary_not_public else text
    event = _record(report, actor, "summary", now, note=note)
    return _maybe_close(report, actor, now) or event


def reporter_verdict(report: Report, verdict: str, words: str | None = None) -> ReportEvent:
    """The reporter's answer to "Is it fixed?": "not really" holds the report open.

    Asked once the report is Fixed; a "not really" on a Closed report reopens it to Fixed.
    """
    if report.status not in {ReportStatus.FIXED, ReportStatus.CLOSED}:
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
        return _record(report, None, "reporter_confirmed", now, note=text, public=True)
    report.fix_disputed = True
    report.awaiting_staff = True
    if report.status == ReportStatus.CLOSED:
        report.status = ReportStatus.FIXED.value
        report.closed_at = None
    return _record(report, None, "reporter_doubted", now, note=text, public=True)


def answer_doubt(report: Report, actor: User, reply: str) -> ReportEvent:
    """Staff looked again after the reporter said "not really"; the reply reaches the reporter.

    If more work is needed, staff add an action (the report goes back to In progress);
    otherwise the reply explains why the fix holds and the report may close.
    """
    now = _begin(report, actor, None, OPEN_STATES)
    text = reply.strip()
    if not report.fix_disputed:
        raise TransitionError("the reporter has not doubted the fix")
    if not text:
        raise InvalidInput("write what you found when you looked again")
    report.messages.append(Message(author=actor, body=text, internal=False, created_at=now))
    report.fix_disputed = False
    report.awaiting_staff = False
    event = _record(report, actor, "doubt_answered", now, public=True)
    return _maybe_close(report, actor, now) or event
