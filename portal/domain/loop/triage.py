"""Intake and triage: submit, acknowledge, classify, assign, merge, dismiss, investigate,
and the conversation with the reporter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from portal.domain import event_notes, permissions
from portal.domain.loop.base import (
    MAX_WHYS,
    InvalidInput,
    NewReport,
    PlaceRef,
    StoredPhoto,
    TransitionError,
    begin_step,
    record,
)
from portal.domain.quality import quality_score
from portal.domain.steps import Step
from portal.extensions import db
from portal.lib import hours
from portal.lib.timeutil import to_local, utcnow
from portal.models import (
    HIGH_POTENTIAL_SEVERITY,
    Asset,
    Category,
    DismissReason,
    Domain,
    Message,
    Photo,
    Report,
    ReportEvent,
    ReportStatus,
    RootCause,
    User,
)
from portal.notify import announce


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
    columns = answers.columns()
    # an anonymous report is stored at the start of its hour: nothing later can tell more
    now = hours.known_at(at or utcnow(), anonymous=not columns["reporter_name"])
    local = to_local(now, location.site_timezone)
    report = Report(
        site_id=location.site_id,
        location_id=location.id,
        **columns,
        status=ReportStatus.NEW.value,
        receipt_hash=receipt_hash,
        submission_key=submission_key,
        created_at=now,
        updated_at=now,
        local_month=f"{local.year:04d}-{local.month:02d}",
        local_hour=local.hour,
        quality=quality_score(
            what_happened=answers.what_happened,
            photo_count=len(photos),
            potential_text=answers.potential_text,
            where_text=answers.where_text,
            location_name=location.name,
        ),
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
    note = event_notes.facts(on_behalf=True) if entered_by else None
    report.events.append(
        ReportEvent(kind="submitted", actor=entered_by, note=note, public=True, created_at=now)
    )
    db.session.add(report)
    announce.report_submitted(report)
    return report


def acknowledge(
    report: Report, actor: User, *, expected_version: int | None = None, at: datetime | None = None
) -> ReportEvent:
    """A staff member has seen the report: the reporter is told it was acknowledged."""
    now = begin_step(report, actor, expected_version, Step.ACKNOWLEDGE)
    now = at or now
    report.status = ReportStatus.ACKNOWLEDGED.value
    report.acknowledged_at = now
    report.acknowledged_by = actor
    return record(report, actor, "acknowledged", now, public=True)


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
    now = begin_step(report, actor, expected_version, Step.CLASSIFY)
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
    note = event_notes.facts(
        category=category.name,
        domain=domain,
        severity=severity,
        likelihood=likelihood,
        high_potential=bool(report.high_potential),
        override=report.high_potential_override,
    )
    event = record(report, actor, "classified", now, note=note)
    if report.high_potential and not was_high_potential:
        announce.report_flagged_high_potential(report, by=actor)
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
    now = begin_step(report, actor, expected_version, Step.ASSIGN)
    if owner is not None and not permissions.can_own(owner, report):
        raise InvalidInput("the owner must be triage staff of the report's site")
    if asset is not None and asset.location.site_id != report.site_id:
        raise InvalidInput("the asset belongs to another site")
    report.asset = asset
    changed_owner = owner is not None and owner.id != report.owner_id
    report.owner = owner
    note = event_notes.facts(
        owner=owner.name if owner else None, asset=asset.name if asset else None
    )
    event = record(report, actor, "assigned", now, note=note)
    if changed_owner:
        announce.report_assigned(report, by=actor)
    return event


def _refuse_live_actions(report: Report) -> None:
    """A report with actions under way is neither merged nor dismissed: they would be orphaned."""
    if any(action.is_live for action in report.actions):
        raise TransitionError("finish or cancel its corrective actions first")


def merge(
    report: Report, actor: User, *, into: Report, expected_version: int | None = None
) -> ReportEvent:
    """Mark a report as a duplicate of another: its reporter then follows the other one."""
    now = begin_step(report, actor, expected_version, Step.MERGE)
    _refuse_live_actions(report)
    if into.id == report.id or into.site_id != report.site_id:
        raise InvalidInput("merge into another report of the same site")
    if into.is_set_aside:
        raise InvalidInput("that report was itself merged or dismissed")
    report.status = ReportStatus.MERGED.value
    report.merged_into = into
    record(into, actor, "merged_from", now, note=event_notes.facts(report=report.id))
    return record(report, actor, "merged", now, note=event_notes.facts(into=into.id), public=True)


def dismiss(
    report: Report,
    actor: User,
    *,
    reason: str,
    note: str | None = None,
    expected_version: int | None = None,
) -> ReportEvent:
    """Close without action, with a reason the reporter is told in plain words. Kept forever."""
    now = begin_step(report, actor, expected_version, Step.DISMISS)
    _refuse_live_actions(report)
    if reason not in {r.value for r in DismissReason}:
        raise InvalidInput("unknown reason")
    report.status = ReportStatus.DISMISSED.value
    report.dismiss_reason = reason
    report.dismiss_note = (note or "").strip() or None
    return record(report, actor, "dismissed", now, note=reason, public=True)


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
    now = begin_step(report, actor, expected_version, Step.INVESTIGATE)
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
    return record(report, actor, "investigated", now, note=event_notes.facts(steps=len(steps)))


def ask_reporter(report: Report, actor: User, body: str) -> Message:
    """A question to the reporter, who reads it on /followup with the receipt code."""
    now = begin_step(report, actor, None, Step.ASK)
    message = Message(author=actor, body=body.strip(), internal=False, created_at=now)
    report.messages.append(message)
    report.awaiting_staff = False
    record(report, actor, "question", now, public=True)
    return message


def add_note(report: Report, actor: User, body: str) -> Message:
    """An internal note: on the staff timeline, never shown to the reporter."""
    now = begin_step(report, actor, None, Step.NOTE)
    message = Message(author=actor, body=body.strip(), internal=True, created_at=now)
    report.messages.append(message)
    record(report, actor, "note", now)
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
