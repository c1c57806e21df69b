"""Plain-words labels of the closeout board: its columns and the hierarchy of controls."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.lib import sla
from portal.models import ActionStatus, ControlLevel

OVERDUE = sla.OVERDUE_ACTION
THIS_WEEK = sla.DUE_THIS_WEEK
LATER = sla.DUE_LATER
DONE = ActionStatus.DONE.value
VERIFIED = ActionStatus.VERIFIED.value
COLUMNS = (OVERDUE, THIS_WEEK, LATER, DONE, VERIFIED)

COLUMN_LABELS = {
    OVERDUE: (_l("Overdue"), _l("open, past their due date")),
    THIS_WEEK: (_l("Due this week"), _l("open, due within 7 days")),
    LATER: (_l("Later"), _l("open, due after this week")),
    DONE: (_l("Done — awaiting verification"), _l("someone else checks the fix")),
    VERIFIED: (_l("Verified"), _l("in the last 30 days")),
}

CONTROL_LABELS = {
    ControlLevel.ELIMINATION.value: _l("Elimination"),
    ControlLevel.SUBSTITUTION.value: _l("Substitution"),
    ControlLevel.ENGINEERING.value: _l("Engineering control"),
    ControlLevel.ADMINISTRATIVE.value: _l("Administrative control"),
    ControlLevel.PPE.value: _l("PPE"),
}
# strongest first: 1 elimination ... 5 PPE, shown so weak controls stand out
CONTROL_RANK = {level.value: index for index, level in enumerate(ControlLevel, start=1)}

STATUS_LABELS = {
    ActionStatus.OPEN.value: _l("open"),
    ActionStatus.DONE.value: _l("done"),
    ActionStatus.VERIFIED.value: _l("verified"),
    ActionStatus.CANCELLED.value: _l("cancelled"),
}
