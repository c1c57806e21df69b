"""The staff-facing words for every stored code: one table per code, used by every staff page,
board, chart and export.

Words for the reporter and the crew are kept apart on purpose (portal/followup/status.py,
portal/feed/words.py, portal/insights/talk_words.py): they say the same things plainly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.domain.loop.closing import Blocker
from portal.domain.steps import Step
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import (
    ActionStatus,
    Channel,
    ControlLevel,
    DismissReason,
    Domain,
    PotentialOutcome,
    ReporterRole,
    ReportStatus,
    RootCause,
)

REPORT_STATUS = {
    ReportStatus.NEW: _l("New"),
    ReportStatus.ACKNOWLEDGED: _l("Acknowledged"),
    ReportStatus.IN_PROGRESS: _l("In progress"),
    ReportStatus.FIXED: _l("Fixed"),
    ReportStatus.CLOSED: _l("Closed"),
    ReportStatus.MERGED: _l("Merged"),
    ReportStatus.DISMISSED: _l("Dismissed"),
}
ACTION_STATUS = {
    ActionStatus.OPEN: _l("Open"),
    ActionStatus.DONE: _l("Done — awaiting verification"),
    ActionStatus.VERIFIED: _l("Verified"),
    ActionStatus.CANCELLED: _l("Cancelled"),
}
# an action's status inside a sentence: This action is “done” now
ACTION_STATUS_WORD = {
    ActionStatus.OPEN: _l("open"),
    ActionStatus.DONE: _l("done"),
    ActionStatus.VERIFIED: _l("verified"),
    ActionStatus.CANCELLED: _l("cancelled"),
}
# the hierarchy of controls, strongest first (the order of ControlLevel)
CONTROL_LEVEL = {
    ControlLevel.ELIMINATION: _l("Elimination"),
    ControlLevel.SUBSTITUTION: _l("Substitution"),
    ControlLevel.ENGINEERING: _l("Engineering control"),
    ControlLevel.ADMINISTRATIVE: _l("Administrative control"),
    ControlLevel.PPE: _l("PPE"),
}
# strongest first: 1 elimination ... 5 PPE, shown so weak controls stand out
CONTROL_RANK = {level.value: rank for rank, level in enumerate(ControlLevel, start=1)}
DOMAIN = {
    Domain.SAFETY: _l("Safety"),
    Domain.QUALITY: _l("Quality"),
    Domain.ENVIRONMENTAL: _l("Environmental"),
    Domain.SECURITY: _l("Security"),
}
OUTCOME = {
    PotentialOutcome.MINOR_INJURY: _l("Minor injury"),
    PotentialOutcome.SERIOUS_INJURY: _l("Serious injury or worse"),
    PotentialOutcome.DAMAGE_ONLY: _l("Damage or spill only"),
    PotentialOutcome.OTHER: _l("Something else"),
}
# the dismissal reason as a report shows it
DISMISS_REASON = {
    DismissReason.NOT_A_NEAR_MISS: _l("Not a near miss"),
    DismissReason.INCIDENT: _l("Actually an incident"),
    DismissReason.HAZARD: _l("Hazard observation"),
    DismissReason.SPAM: _l("Spam"),
}
# the same reasons as the dismiss form offers them: each says when it applies
DISMISS_REASON_CHOICE = {
    DismissReason.NOT_A_NEAR_MISS: _l("Not a near miss — nothing could have gone wrong"),
    DismissReason.INCIDENT: _l(
        "Actually an incident — someone was hurt or something was damaged; "
        "record it in the incident log"
    ),
    DismissReason.HAZARD: _l("A hazard observation — a condition to fix, not an event"),
    DismissReason.SPAM: _l("Spam or a test"),
}
ROOT_CAUSE = {
    RootCause.EQUIPMENT: _l("Equipment"),
    RootCause.PROCEDURE: _l("Procedure"),
    RootCause.TRAINING: _l("Training"),
    RootCause.ENVIRONMENT: _l("Environment"),
    RootCause.STAFFING: _l("Staffing and scheduling"),
    RootCause.DESIGN: _l("Design"),
}
CHANNEL = {
    Channel.QR: _l("QR poster"),
    Channel.KIOSK: _l("Shared tablet"),
    Channel.STAFF: _l("Entered by staff"),
}
REPORTER_ROLE = {
    ReporterRole.WORKER: _l("Worker"),
    ReporterRole.SUPERVISOR: _l("Supervisor"),
    ReporterRole.CONTRACTOR: _l("Contractor"),
    ReporterRole.VISITOR: _l("Visitor or other"),
}
NO_ROLE = _l("Role not given")
# what still stands between a report and Closed, in the words staff act on
BLOCKER = {
    Blocker.NO_ACTION: _l("No corrective action yet: add one below."),
    Blocker.NOT_VERIFIED: _l(
        "Not every action is verified: each must be done, then checked by someone else."
    ),
    Blocker.NO_SUMMARY: _l(
        "No “what we fixed” summary yet: write one for the crew, or mark it not for public display."
    ),
    Blocker.DISPUTED: _l("The reporter says it is not really fixed: look again and reply to them."),
    Blocker.UNREAD: _l(
        "The reporter answered and nobody has read it yet: read it above, then mark it read."
    ),
}


def label(table: Mapping[Any, Any], value: str | None) -> Any:
    """The label of a stored value; an unknown value shows as itself, a missing one as empty."""
    if value is None:
        return ""
    return table.get(value, value)


def status_word(status: str) -> str:
    """A report's status in lower case, for sentences ("This report is dismissed")."""
    return str(label(REPORT_STATUS, status)).lower()


# -- staff accounts (the People page, its change trail and export)
STAFF_ROLE = {
    "admin": _l("Admin"),
    "safety_manager": _l("Safety manager"),
    "supervisor": _l("Supervisor"),
    "viewer": _l("Viewer"),
}
STAFF_CHANGE = {
    "created": _l("Created (command line)"),
    "invited": _l("Invited"),
    "invitation_renewed": _l("New invitation link"),
    "joined": _l("Joined (chose a password)"),
    "name": _l("Name changed"),
    "role": _l("Role changed"),
    "sites": _l("Sites changed"),
    "deactivated": _l("Deactivated"),
    "reactivated": _l("Reactivated"),
    "reset_requested": _l("Password reset asked for"),
    "password_reset": _l("Password reset"),
    "language": _l("Language changed"),
    "digest": _l("Morning digest turned on or off"),
    "password_changed": _l("Password changed (profile)"),
    "2fa_on": _l("Two-step sign-in turned on"),
    "2fa_off": _l("Two-step sign-in turned off"),
    "2fa_reset": _l("Two-step sign-in turned off for them"),
    "recovery_codes_renewed": _l("New recovery codes"),
    "recovery_code_used": _l("Signed in with a recovery code (codes left)"),
    "company_linked": _l("Company account linked (first company sign-in)"),
    "company_created": _l("Created by company sign-in"),
}
# the steps of triage as buttons and links name them (the triage card, the report page)
STEP = {
    Step.ACKNOWLEDGE: _l("Acknowledge"),
    Step.CLASSIFY: _l("Classify"),
    Step.ASSIGN: _l("Assign"),
    Step.ASK: _l("Ask the reporter"),
    Step.MERGE: _l("Merge into another"),
    Step.DISMISS: _l("Dismiss"),
}
