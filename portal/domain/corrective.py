"""The corrective action life cycle: open -> done -> verified (by someone else), or cancelled.

Each function checks the actor, the report's and the action's state and (when the caller
passes the version it showed) that nobody changed the action meanwhile; it changes the
action, writes the step on the report's timeline, lets the report follow (portal/domain/loop/)
and queues the notifications — all in the caller's transaction, committed by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from portal.domain import loop, permissions, steps
from portal.domain.loop import Conflict, InvalidInput, PermissionDenied, TransitionError
from portal.domain.steps import ActionStep, Step
from portal.lib.timeutil import utcnow
from portal.models import ActionStatus, ControlLevel, CorrectiveAction, Report, User
from portal.notify import announce

__all__ = ["Conflict", "InvalidInput", "PermissionDenied", "TransitionError"]

MAX_WORK_ORDER_URL = 500


@dataclass(frozen=True)
class NewAction:
    """An action as staff typed it, already validated by the form."""

    description: str
    control_level: str
    owner: User
    due_on: date
    work_order_ref: str | None = None
    work_order_url: str | None = None
    visible_to_reporter: bool = False


@dataclass(frozen=True)
class PhotoRef:
    stored_name: str
    width: int
    height: int


def _check_owner(owner: User, report: Report) -> None:
    if not (owner.is_active and permissions.can_own(owner, report)):
        raise InvalidInput("the owner must be staff of the report's site")


def _check_work_order(url: str | None) -> None:
    if url and not (url.startswith(("https://", "http://")) and len(url) <= MAX_WORK_ORDER_URL):
        raise InvalidInput("the work-order link must be a web address (https://…)")


def _required(words: str, missing: str) -> str:
    """Words a step cannot do without (a note, a reason), trimmed."""
    text = words.strip()
    if not text:
        raise InvalidInput(missing)
    return text


def _start(action: CorrectiveAction, expected_version: int | None, step: ActionStep) -> datetime:
    if not steps.actions_may_change(action.report):
        raise TransitionError(f"not allowed while the report is {action.report.status}")
    if expected_version is not None and action.version != expected_version:
        raise Conflict(action.report)
    if not steps.action_allows(action, step):
        raise TransitionError(f"not allowed while the action is {action.status}")
    return utcnow()


def add(report: Report, actor: User, new: NewAction) -> CorrectiveAction:
    """A new open action; the report goes to In progress (acknowledged on the way if new)."""
    if not permissions.can_work_on(actor, report):
        raise PermissionDenied
    if not steps.report_allows(report, Step.ADD_ACTION):
        raise TransitionError(f"not allowed while the report is {report.status}")
    if new.control_level not in {level.value for level in ControlLevel}:
        raise InvalidInput("unknown level of the hierarchy of controls")
    if not new.description.strip():
        raise InvalidInput("describe the action")
    _check_owner(new.owner, report)
    _check_work_order(new.work_order_url)
    now = utcnow()
    loop.begin_action_work(report, actor, now)
    action = CorrectiveAction(
        site_id=report.site_id,
        description=new.description.strip(),
        control_level=new.control_level,
        owner=new.owner,
        due_on=new.due_on,
        status=ActionStatus.OPEN.value,
        work_order_ref=(new.work_order_ref or "").strip() or None,
        work_order_url=(new.work_order_url or "").strip() or None,
        visible_to_reporter=new.visible_to_reporter,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    report.actions.append(action)
    # the due date lives on the action (a later change records before → after)
    note = f"{action.description} — {new.owner.name}"
    loop.record_action_event(
        report, actor, "action_added", action, now, note=note, public=new.visible_to_reporter
    )
    loop.follow_actions(report, actor, now)
    announce.action_assigned(action, by=actor)
    return action


def complete(
    action: CorrectiveAction,
    actor: User,
    *,
    note: str,
    photo: PhotoRef | None = None,
    expected_version: int | None = None,
) -> None:
    """The owner (or site staff) says it is done, with a note and optionally a photo."""
    if not permissions.can_complete(actor, action):
        raise PermissionDenied
    now = _start(action, expected_version, ActionStep.COMPLETE)
    text = _required(note, "say what was done")
    action.status = ActionStatus.DONE.value
    action.completed_at = now
    action.completed_by = actor
    action.completion_note = text
    if photo is not None:
        action.completion_photo = photo.stored_name
        action.completion_photo_width = photo.width
        action.completion_photo_height = photo.height
    report = action.report
    loop.record_action_event(
        report, actor, "action_done", action, now, note=text, public=action.visible_to_reporter
    )
    loop.follow_actions(report, actor, now)


def verify(
    action: CorrectiveAction, actor: User, *, note: str, expected_version: int | None = None
) -> None:
    """Someone other than the person who completed it checked that the control really changed."""
    if not permissions.can_work_on(actor, action.report):
        raise PermissionDenied
    now = _start(action, expected_version, ActionStep.VERIFY)
    if actor.id == action.completed_by_id:
        raise InvalidInput("someone other than the person who completed it must verify it")
    text = _required(note, "say how you checked the fix")
    action.status = ActionStatus.VERIFIED.value
    action.verified_at = now
    action.verified_by = actor
    action.verification_note = text
    report = action.report
    loop.record_action_event(
        report, actor, "action_verified", action, now, note=text, public=action.visible_to_reporter
    )
    loop.follow_actions(report, actor, now)


def reopen(
    action: CorrectiveAction, actor: User, *, reason: str, expected_version: int | None = None
) -> None:
    """The check failed: a done action goes back to open, with the reason."""
    if not permissions.can_work_on(actor, action.report):
        raise PermissionDenied
    now = _start(action, expected_version, ActionStep.REOPEN)
    text = _required(reason, "say why the fix does not hold")
    action.status = ActionStatus.OPEN.value
    action.completed_at = None
    action.completed_by = None
    report = action.report
    loop.record_action_event(report, actor, "action_reopened", action, now, note=text)
    loop.follow_actions(report, actor, now)


def cancel(
    action: CorrectiveAction, actor: User, *, reason: str, expected_version: int | None = None
) -> None:
    """Drop an action that is no longer needed, with the reason; it stays on record."""
    if not permissions.can_work_on(actor, action.report):
        raise PermissionDenied
    now = _start(action, expected_version, ActionStep.CANCEL)
    text = _required(reason, "say why the action is cancelled")
    action.status = ActionStatus.CANCELLED.value
    action.cancelled_at = now
    action.cancelled_by = actor
    action.cancel_reason = text
    report = action.report
    loop.record_action_event(report, actor, "action_cancelled", action, now, note=text)
    loop.follow_actions(report, actor, now)


def reassign(
    action: CorrectiveAction, actor: User, *, owner: User, expected_version: int | None = None
) -> None:
    """Give the action to another owner of the site's staff; the new owner is told."""
    if not permissions.can_work_on(actor, action.report):
        raise PermissionDenied
    now = _start(action, expected_version, ActionStep.REASSIGN)
    _check_owner(owner, action.report)
    if owner.id == action.owner_id:
        raise InvalidInput("that is already the owner")
    before = action.owner.name
    action.owner = owner
    action.updated_at = now
    note = f"{before} → {owner.name}"
    loop.record_action_event(action.report, actor, "action_reassigned", action, now, note=note)
    announce.action_assigned(action, by=actor)


def change_due_date(
    action: CorrectiveAction,
    actor: User,
    *,
    due_on: date,
    reason: str,
    expected_version: int | None = None,
) -> None:
    """A new due date needs a reason; the old one stays on the timeline."""
    if not permissions.can_work_on(actor, action.report):
        raise PermissionDenied
    now = _start(action, expected_version, ActionStep.DUE)
    text = _required(reason, "a new due date needs a reason")
    if due_on == action.due_on:
        raise InvalidInput("that is already the due date")
    before = action.due_on
    action.due_on = due_on
    action.updated_at = now
    note = f"{before.isoformat()} → {due_on.isoformat()}: {text}"
    loop.record_action_event(action.report, actor, "action_due_changed", action, now, note=note)
