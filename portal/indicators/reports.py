"""Indicators about reports: how many, where from, how fast acknowledged and closed.

Everything here is SQL aggregates (GROUP BY) over the counted reports in a scope — never a
loop over report rows. Definitions are in docs/insights.md; tests check them by hand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, func, select

from portal.extensions import db
from portal.indicators.scope import Scope
from portal.indicators.sql import counted, in_scope
from portal.models import Report, ReportStatus

ACK_HOURS = 24


@dataclass
class Tally:
    """Counts over one group of reports (a month, a site, or all of them)."""

    reports: int = 0
    high_potential: int = 0
    # acknowledged within 24 h / reports whose 24 h are over (or that were acknowledged)
    ack_within: int = 0
    ack_due: int = 0
    ack_within_hipo: int = 0
    ack_due_hipo: int = 0
    closed: int = 0
    close_days: int = 0
    closed_hipo: int = 0
    close_days_hipo: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def other_reports(self) -> int:
        return self.reports - self.high_potential


def share(part: int, whole: int) -> float | None:
    """part ÷ whole, or None when there is nothing to divide (shown as "—", never 0 %)."""
    return part / whole if whole else None


@dataclass
class Overview:
    """The one-pass summary of a scope: totals, per month, per site."""

    total: Tally
    by_month: dict[str, Tally]
    by_site: dict[int, Tally]
    by_site_month: dict[tuple[int, str], int]  # reports

    @property
    def ack_share(self) -> float | None:
        return share(
            self.total.ack_within - self.total.ack_within_hipo,
            self.total.ack_due - self.total.ack_due_hipo,
        )

    @property
    def ack_share_hipo(self) -> float | None:
        return share(self.total.ack_within_hipo, self.total.ack_due_hipo)

    @property
    def average_close_days(self) -> float | None:
        t = self.total
        return share(t.close_days - t.close_days_hipo, t.closed - t.closed_hipo)

    @property
    def average_close_days_hipo(self) -> float | None:
        return share(self.total.close_days_hipo, self.total.closed_hipo)


def overview(scope: Scope) -> Overview:
    """Counts, acknowledgement within 24 h and days to close, per month and site, in one
    pass over the covering index ix_reports_insights."""
    ack_limit = scope.now - timedelta(hours=ACK_HOURS)
    acked = Report.ack_seconds.is_not(None)
    within = case((Report.ack_seconds <= ACK_HOURS * 3600, 1), else_=0)
    # a report still inside its first 24 h and not yet acknowledged is not judged yet
    due = case((acked | (Report.created_at <= ack_limit), 1), else_=0)
    is_closed = Report.status == ReportStatus.CLOSED.value
    closed = case((is_closed, 1), else_=0)
    close_days = case((is_closed, Report.close_days), else_=0)
    hipo = Report.high_potential
    query = (
        select(
            Report.local_month,
            Report.site_id,
            hipo,
            func.count(),
            func.sum(within),
            func.sum(due),
            func.sum(closed),
            func.sum(close_days),
        )
        .where(counted(), in_scope(scope))
        # in the order of ix_reports_insights: the rows stream out grouped, no sort
        .group_by(Report.site_id, Report.local_month, hipo)
    )
    total, by_month, by_site = Tally(), defaultdict(Tally), defaultdict(Tally)
    by_site_month: dict[tuple[int, str], int] = defaultdict(int)
    for month, site_id, is_hipo, count, ack_within, ack_due, n_closed, days in db.session.execute(
        query
    ):
        tally = Tally(
            reports=count,
            ack_within=ack_within or 0,
            ack_due=ack_due or 0,
            closed=n_closed or 0,
            close_days=days or 0,
        )
        if is_hipo:
            tally.high_potential = count
            tally.ack_within_hipo, tally.ack_due_hipo = tally.ack_within, tally.ack_due
            tally.closed_hipo, tally.close_days_hipo = tally.closed, tally.close_days
        total.add(tally)
        by_month[month].add(tally)
        by_site[site_id].add(tally)
        by_site_month[(site_id, month)] += count
    return Overview(
        total=total,
        by_month=dict(by_month),
        by_site=dict(by_site),
        by_site_month=dict(by_site_month),
    )


@dataclass(frozen=True)
class Median:
    """The median days to close of the closed reports: high-potential apart from the rest."""

    others: float | None
    high_potential: float | None


def median_days_to_close(scope: Scope) -> Median:
    """From a histogram of whole days to close (GROUP BY days), not from every row."""
    # other statuses land in a -1 bucket: a WHERE on the status would steer SQLite to
    # the (site, status) index and read the table instead of ix_reports_insights
    days = case((Report.status == ReportStatus.CLOSED.value, Report.close_days), else_=-1)
    query = (
        select(Report.high_potential, days, func.count())
        .where(counted(), in_scope(scope))
        .group_by(Report.high_potential, days)
    )
    histograms: dict[bool, dict[int, int]] = {True: {}, False: {}}
    for is_hipo, value, count in db.session.execute(query):
        if value is not None and value >= 0:
            histograms[bool(is_hipo)][int(value)] = count
    return Median(others=median_of(histograms[False]), high_potential=median_of(histograms[True]))


def median_of(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many times}; the mean of the two middle
    values when the count is even."""
    n = sum(histogram.values())
    if n == 0:
        return None
    wanted = [(n - 1) // 2, n // 2]
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
    return (found[0] + found[1]) / 2


def count_by(scope: Scope, *columns: object) -> list[tuple]:
    """(column values..., count) of the counted reports in the scope, grouped by the columns."""
    query = select(*columns, func.count()).where(counted(), in_scope(scope)).group_by(*columns)
    return [tuple(row) for row in db.session.execute(query)]


def hour_counts(scope: Scope) -> dict[tuple[int, int], int]:
    """{(site id, local hour): reports} — the shift and time-of-day splits fold this."""
    return {(site, hour): n for site, hour, n in count_by(scope, Report.site_id, Report.local_hour)}


def quality_counts(scope: Scope) -> dict[int, int]:
    """{score 0-4: reports}."""
    return {int(score): n for score, n in count_by(scope, Report.quality)}


def source_counts(scope: Scope) -> list[tuple[bool, str | None, str, int]]:
    """(anonymous, reporter role, channel, reports) for every combination present."""
    rows = count_by(scope, Report.anonymous, Report.reporter_role, Report.channel)
    return [(bool(a), role, channel, n) for a, role, channel, n in rows]
