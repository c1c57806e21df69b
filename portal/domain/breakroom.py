"""What a site's breakroom screen says: the fixes and how fast they came, first.

Every figure has a period named on the screen, counted in the site's own calendar: "this
month" from the site's midnight of the 1st, "the last 90 days" as the 90 calendar days ending
today. The fixes the screen cycles through come from the same periods: this month's published
fixes when there are any, else those of the last 90 days — never older ones beside a figure
that counts this month only. Open work is counted only as work under way ("being fixed now"):
a count of reports "still open" on a wall tells the crew that reporting leads nowhere.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from portal.domain import moments, publishing
from portal.extensions import db
from portal.lib import hours, sla
from portal.lib.timeutil import local_midnight, utcnow
from portal.models import Report, ReportStatus, status_values

RECENT_DAYS = 90
MONTH, RECENT = "month", "recent"  # the period of the fixes a screen shows
UNDER_WAY = (ReportStatus.IN_PROGRESS, ReportStatus.FIXED)  # an action is being carried out


@dataclass(frozen=True)
class Periods:
    """A site's "this month" and "last 90 days", as naive-UTC starts, from its today."""

    today: date
    month_start: datetime
    recent_start: datetime


@dataclass(frozen=True)
class Figures:
    """The screen's figures; each one is shown only when it has something to say."""

    today: date  # the site's day they were counted on: the periods follow from it
    fixed_this_month: int
    median_days_to_fix: int | None  # whole days, fixes closed in the last 90 days
    being_fixed: int  # reports whose fix is under way (in progress, or done and being checked)
    reported_this_month: int


def periods(timezone: str, now: datetime) -> Periods:
    """This month and the last 90 days at a site (midnights in its zone, stored as UTC)."""
    today = sla.site_today(now, timezone)
    return Periods(
        today=today,
        month_start=local_midnight(today.replace(day=1), timezone),
        recent_start=local_midnight(today - timedelta(days=RECENT_DAYS - 1), timezone),
    )


def median_days(days: list[int]) -> int | None:
    """The median of whole days, rounded half up (4.5 days reads as 5), None when empty."""
    if not days:
        return None
    return math.floor(statistics.median(days) + 0.5)


def figures(site_id: int, timezone: str, *, now: datetime | None = None) -> Figures:
    """A site's figures for its screen, in four small queries on indexed columns."""
    now = now or utcnow()
    period = periods(timezone, now)
    closed = (Report.site_id == site_id, Report.status == ReportStatus.CLOSED.value)
    fixed_this_month = select(func.count(Report.id)).where(
        *closed, Report.closed_at >= period.month_start
    )
    recent = select(Report.created_at, Report.anonymous, Report.closed_at).where(
        *closed, Report.closed_at >= period.recent_start
    )
    being_fixed = select(func.count(Report.id)).where(
        Report.site_id == site_id,
        Report.status.in_(status_values(UNDER_WAY)),
        moments.released(now),
    )
    reported = select(func.count(Report.id)).where(
        Report.site_id == site_id, Report.created_at >= period.month_start, moments.released(now)
    )
    days = [
        publishing.days_to_fix(hours.known_at(created_at, anonymous), closed_at)
        for created_at, anonymous, closed_at in db.session.execute(recent)
    ]
    return Figures(
        today=period.today,
        fixed_this_month=db.session.scalar(fixed_this_month) or 0,
        median_days_to_fix=median_days(days),
        being_fixed=db.session.scalar(being_fixed) or 0,
        reported_this_month=db.session.scalar(reported) or 0,
    )


def fixes(
    site_id: int, timezone: str, *, limit: int, now: datetime | None = None
) -> tuple[str | None, list[publishing.PublicFix]]:
    """The published fixes a screen cycles through, newest first, and their period: this
    month's, else the last 90 days' (None and nothing when there are none in either)."""
    period = periods(timezone, now or utcnow())
    for name, since in ((MONTH, period.month_start), (RECENT, period.recent_start)):
        items = publishing.published_fixes(site_id, limit=limit, closed_since=since)
        if items:
            return name, items
    return None, []
