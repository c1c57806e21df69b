"""Plain staff-facing labels for the stored codes a report carries."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.models import (
    ActionStatus,
    Channel,
    ControlLevel,
    DismissReason,
    Domain,
    ReportStatus,
    RootCause,
)
from portal.web.questions import outcome_choices, role_choices

STATUS = {
    ReportStatus.NEW: _l("New"),
    ReportStatus.ACKNOWLEDGED: _l("Acknowledged"),
    ReportStatus.IN_PROGRESS: _l("In progress"),
    ReportStatus.FIXED: _l("Fixed"),
    ReportStatus.CLOSED: _l("Closed"),
    ReportStatus.MERGED: _l("Merged"),
    ReportStatus.DISMISSED: _l("Dismissed"),
}
DOMAIN = {
    Domain.SAFETY: _l("Safety"),
    Domain.QUALITY: _l("Quality"),
    Domain.ENVIRONMENTAL: _l("Environmental"),
    Domain.SECURITY: _l("Security"),
}
DISMISS_REASON = {
    DismissReason.NOT_A_NEAR_MISS: _l("Not a near miss"),
    DismissReason.INCIDENT: _l("Actually an incident"),
    DismissReason.HAZARD: _l("Hazard observation"),
    DismissReason.SPAM: _l("Spam"),
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
# The hierarchy of controls, strongest first (the order of ControlLevel).
CONTROL_LEVEL = {
    ControlLevel.ELIMINATION: _l("Elimination"),
    ControlLevel.SUBSTITUTION: _l("Substitution"),
    ControlLevel.ENGINEERING: _l("Engineering control"),
    ControlLevel.ADMINISTRATIVE: _l("Administrative control"),
    ControlLevel.PPE: _l("PPE"),
}
ACTION_STATUS = {
    ActionStatus.OPEN: _l("Open"),
    ActionStatus.DONE: _l("Done — waiting to be verified"),
    ActionStatus.VERIFIED: _l("Verified"),
    ActionStatus.CANCELLED: _l("Cancelled"),
}
OUTCOME = {choice.value: choice.label for choice in outcome_choices()}
REPORTER_ROLE = {choice.value: choice.label for choice in role_choices()}


def label(table: dict, value: str | None) -> object:
    """The label of a stored value; an unknown value shows as itself, a missing one as empty."""
    if value is None:
        return ""
    return table.get(value, value)
