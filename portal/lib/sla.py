"""Clocks: how long a report has waited to be acknowledged, and when its actions fall due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

CALM = "calm"
WARNING = "warning"
OVERDUE = "overdue"
# Under this age a new report is simply fresh; from here up to the limit it needs attention.
WARNING_AFTER = timedelta(hours=8)
DEFAULT_ACK_HOURS = 24


@dataclass(frozen=True)
class AckClock:
    """Where a report stands against the acknowledgement limit."""

    state: str  # calm, warning or overdue
    age: timedelta  # waited so far, or how long it took when already acknowledged
    limit: timedelta
    acknowledged: bool

    @property
    def hours(self) -> int:
        """The age in whole hours, for plain-text labels."""
        return int(self.age.total_seconds() // 3600)


def ack_clock(
    created_at: datetime,
    *,
    now: datetime,
    acknowledged_at: datetime | None = None,
    limit_hours: int = DEFAULT_ACK_HOURS,
) -> AckClock:
    """Calm under 8 h, warning from 8 h to the limit, then overdue; stops at acknowledgement."""
    end = acknowledged_at if acknowledged_at is not None else now
    age = max(end - created_at, timedelta(0))
    limit = timedelta(hours=limit_hours)
    if age > limit:
        state = OVERDUE
    elif age >= WARNING_AFTER:
        state = WARNING
    else:
        state = CALM
    return AckClock(state=state, age=age, limit=limit, acknowledged=acknowledged_at is not None)


def overdue_before(now: datetime, limit_hours: int = DEFAULT_ACK_HOURS) -> datetime:
    """Reports created before this moment and still unacknowledged are overdue."""
    return now - timedelta(hours=limit_hours)


# --- corrective action due dates -----------------------------------------------------------

OVERDUE_ACTION = "overdue"
DUE_THIS_WEEK = "this_week"
DUE_LATER = "later"
DEFAULT_DUE_DAYS_HIGH_POTENTIAL = 7
DEFAULT_DUE_DAYS = 30
# "due this week": within the next seven days, the seventh included (a high-potential
# action's default due date lands on it); due dates before today + DUE_SOON_UNTIL
DUE_SOON_DAYS = 7
DUE_SOON_UNTIL = timedelta(days=DUE_SOON_DAYS + 1)


def default_due_on(
    today: date,
    *,
    high_potential: bool,
    days_high_potential: int = DEFAULT_DUE_DAYS_HIGH_POTENTIAL,
    days_other: int = DEFAULT_DUE_DAYS,
) -> date:
    """A new action's due date by risk: a week for high-potential reports, a month otherwise."""
    return today + timedelta(days=days_high_potential if high_potential else days_other)


def due_bucket(due_on: date, today: date) -> str:
    """Overdue (past its day), due this week (within the next seven days), or later."""
    if due_on < today:
        return OVERDUE_ACTION
    if due_on < today + DUE_SOON_UNTIL:
        return DUE_THIS_WEEK
    return DUE_LATER


def site_today(now: datetime, timezone: str) -> date:
    """The calendar day at a site: due dates are days where the work happens."""
    return now.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date()
