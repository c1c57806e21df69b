"""Which step a report or a corrective action allows now, and who may take it.

The one table of the loop's rules: the life cycle (portal/domain/loop, corrective.py,
publishing.py) asks it before it acts, and every page asks it before it offers a step, so a
button is shown exactly when the step would be accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from types import MappingProxyType

from portal.domain import permissions
from portal.models import ActionStatus, CorrectiveAction, Report, ReportStatus, User


class Step(StrEnum):
    """What staff do to a report."""

    ACKNOWLEDGE = "acknowledge"
    CLASSIFY = "classify"
    ASSIGN = "assign"
    MERGE = "merge"
    DISMISS = "dismiss"
    INVESTIGATE = "investigate"
    ASK = "ask"  # a question to the reporter
    NOTE = "note"  # an internal note
    ADD_ACTION = "add_action"
    SUMMARISE = "summarise"  # the public "what we fixed"
    ANSWER_DOUBT = "answer_doubt"  # the reply to a reporter's "not really fixed"
    PUBLISH = "publish"


class ReporterStep(StrEnum):
    """What the reporter does on /followup with the receipt code."""

    ANSWER = "answer"  # answer the safety team's question
    VERDICT = "verdict"  # say whether it is really fixed


class ActionStep(StrEnum):
    """What staff (or its owner) do to a corrective action; the closeout board's page names."""

    COMPLETE = "complete"
    VERIFY = "verify"
    REOPEN = "reopen"  # the check failed: back to open
    REASSIGN = "reassign"
    DUE = "due"
    CANCEL = "cancel"


_OPEN = ReportStatus.open()
_OPEN_OR_CLOSED = ReportStatus.open_or_closed()
# work on a fix has started: the public summary may be written
_FIX_UNDER_WAY = frozenset({ReportStatus.IN_PROGRESS, ReportStatus.FIXED, ReportStatus.CLOSED})
OPEN, DONE = ActionStatus.OPEN, ActionStatus.DONE

# the report states in which each step applies
REPORT_STATES: Mapping[Step, frozenset[ReportStatus]] = MappingProxyType(
    {
        Step.ACKNOWLEDGE: frozenset({ReportStatus.NEW}),
        Step.CLASSIFY: _OPEN,
        Step.ASSIGN: _OPEN,
        Step.MERGE: _OPEN,
        Step.DISMISS: _OPEN,
        Step.INVESTIGATE: _OPEN_OR_CLOSED,
        Step.ASK: _OPEN_OR_CLOSED,
        Step.NOTE: frozenset(ReportStatus),
        Step.ADD_ACTION: _OPEN,
        Step.SUMMARISE: _FIX_UNDER_WAY,
        Step.ANSWER_DOUBT: _OPEN,
        Step.PUBLISH: frozenset({ReportStatus.CLOSED}),
    }
)
REPORTER_STATES: Mapping[ReporterStep, frozenset[ReportStatus]] = MappingProxyType(
    {
        ReporterStep.ANSWER: _OPEN_OR_CLOSED,
        ReporterStep.VERDICT: ReportStatus.fixed_or_closed(),
    }
)
# a report's actions change only while its loop is open
ACTIONS_CHANGE_WHILE = _OPEN
# the action states in which each step applies, and who may take it
ACTION_STATES: Mapping[ActionStep, frozenset[ActionStatus]] = MappingProxyType(
    {
        ActionStep.COMPLETE: frozenset({OPEN}),
        ActionStep.VERIFY: frozenset({DONE}),
        ActionStep.REOPEN: frozenset({DONE}),
        ActionStep.REASSIGN: ActionStatus.live(),
        ActionStep.DUE: frozenset({OPEN}),
        ActionStep.CANCEL: ActionStatus.live(),
    }
)


def _works_on(user: User, action: CorrectiveAction) -> bool:
    return permissions.can_work_on(user, action.report)


ACTION_WHO: Mapping[ActionStep, Callable[[User, CorrectiveAction], bool]] = MappingProxyType(
    {
        ActionStep.COMPLETE: permissions.can_complete,
        ActionStep.VERIFY: permissions.can_verify,
        ActionStep.REOPEN: _works_on,
        ActionStep.REASSIGN: _works_on,
        ActionStep.DUE: _works_on,
        ActionStep.CANCEL: _works_on,
    }
)


def refusal(report: Report, step: Step) -> str | None:
    """Why the report does not allow the step now, in the loop's words (None: it does)."""
    if report.status not in REPORT_STATES[step]:
        return f"not allowed while the report is {report.status}"
    if step == Step.ANSWER_DOUBT and not report.fix_disputed:
        return "the reporter has not doubted the fix"
    return None


def report_allows(report: Report, step: Step) -> bool:
    """Whether the report, as it is now, allows the step (whoever takes it)."""
    return refusal(report, step) is None


def allowed_steps(report: Report, user: User) -> set[Step]:
    """The steps the user may take on the report now."""
    if not permissions.can_triage(user, report):
        return set()
    return {step for step in Step if report_allows(report, step)}


def reporter_allows(report: Report, step: ReporterStep) -> bool:
    """Whether the report, as it is now, lets its reporter take the step."""
    return report.status in REPORTER_STATES[step]


def actions_may_change(report: Report) -> bool:
    """Whether the report's corrective actions may change now (its loop is open)."""
    return report.status in ACTIONS_CHANGE_WHILE


def action_allows(action: CorrectiveAction, step: ActionStep) -> bool:
    """Whether the action and its report, as they are now, allow the step (whoever takes it)."""
    return actions_may_change(action.report) and action.status in ACTION_STATES[step]


def allowed_action_steps(action: CorrectiveAction, user: User) -> set[ActionStep]:
    """The steps the user may take on the corrective action now."""
    return {
        step
        for step in ActionStep
        if action_allows(action, step) and ACTION_WHO[step](user, action)
    }
