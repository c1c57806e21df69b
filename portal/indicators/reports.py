"""Indicators about reports: how many, where from, how fast acknowledged and closed.

Everything here is SQL aggregates (GROUP BY) over the counted reports in a scope — never a
loop over report rows. Definitions are in docs/insights.md; tests check them by hand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import case, func, literal, null, select, union_all

from portal.domain.quality import QUALITY_MAX
from portal.indicators.scope import Scope
from portal.indicators.sql import aggregate, counted, in_scope, summed
from portal.models import Channel, Report, ReporterRole, ReportStatus

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


@dataclass(frozen=True)
class Median:
    """The median days to close of the closed reports: high-potential apart from the rest."""

    others: float | None
    high_potential: float | None


@dataclass
class Overview:
    """The one-pass summary of a scope: totals, per month, per site, and the days to close."""

    total: Tally
    by_month: dict[str, Tally]
    by_site: dict[int, Tally]
    by_site_month: dict[tuple[int, str], int]  # reports
    # {high-potential?: {whole days to close: closed reports}}: the median's histograms
    closing: dict[bool, dict[int, int]] = field(default_factory=lambda: {True: {}, False: {}})

    @property
    def median(self) -> Median:
        return Median(
            others=median_of(self.closing[False]), high_potential=median_of(self.closing[True])
        )

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
    """Counts, acknowledgement within 24 h and days to close (sums and histograms), per month
    and site, in one pass over the covering index ix_reports_insights. Grouped in its order
    (site, month, high-potential, status, days to close), the groups stream out unsorted;
    SQL then adds them up twice — per site, month and high-potential, and per day to close of
    the closed ones (the median's histograms) — so a few hundred rows come back, not one per
    closing day of every site and month."""
    ack_limit = scope.now - timedelta(hours=ACK_HOURS)
    within = case((Report.ack_seconds <= ACK_HOURS * 3600, 1), else_=0)
    # a report still inside its first 24 h and not yet acknowledged is not judged yet
    due = case((Report.ack_seconds.is_not(None) | (Report.created_at <= ack_limit), 1), else_=0)
    columns = (
        Report.site_id,
        Report.local_month,
        Report.high_potential,
        Report.status,
        Report.close_days,
    )
    groups = (
        select(
            *columns,
            func.count().label("n"),
            func.sum(within).label("within"),
            func.sum(due).label("due"),
        )
        .where(counted(), in_scope(scope))
        .group_by(*columns)
        .cte("groups")
    )
    g = groups.c
    closed = g.status == ReportStatus.CLOSED.value
    per_month = select(
        literal(False).label("histogram"),
        g.site_id,
        g.local_month,
        g.high_potential,
        summed(g.n),
        summed(g.within),
        summed(g.due),
        summed(case((closed, g.n), else_=0)),
        summed(case((closed, g.n * g.close_days), else_=0)),
        null(),
    ).group_by(g.site_id, g.local_month, g.high_potential)
    histogram = (
        select(
            literal(True),
            null(),
            null(),
            g.high_potential,
            summed(g.n),
            null(),
            null(),
            null(),
            null(),
            g.close_days,
        )
        .where(closed, g.close_days.is_not(None))
        .group_by(g.high_potential, g.close_days)
    )
    total, by_month, by_site = Tally(), defaultdict(Tally), defaultdict(Tally)
    by_site_month: dict[tuple[int, str], int] = defaultdict(int)
    closing: dict[bool, dict[int, int]] = {True: {}, False: {}}
    for row in aggregate(union_all(per_month, histogram)):
        is_histogram, site_id, month, is_hipo, count, ack_within, ack_due, closed_n, days, day = row
        if is_histogram:
            closing[bool(is_hipo)][int(day)] = int(count)
            continue
        tally = Tally(
            reports=count, ack_within=ack_within, ack_due=ack_due, closed=closed_n, close_days=days
        )
        if is_hipo:
            tally.high_potential = count
            tally.ack_within_hipo, tally.ack_due_hipo = ack_within, ack_due
            tally.closed_hipo, tally.close_days_hipo = closed_n, days
        total.add(tally)
        by_month[month].add(tally)
        by_site[site_id].add(tally)
        by_site_month[(site_id, month)] += count
    return Overview(
        total=total,
        by_month=dict(by_month),
        by_site=dict(by_site),
        by_site_month=dict(by_site_month),
        closing=closing,
    )


def median_days_to_close(scope: Scope) -> Median:
    """The median whole days to close, from the overview's histograms (a page that has the
    overview already reads its `median`)."""
    return overview(scope).median


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


def place_counts(scope: Scope) -> dict[tuple[int, int | None], int]:
    """{(location id, category id or None): reports}, in one pass over ix_reports_places:
    grouped in its order (site, month, location, category), the groups stream out unsorted
    and are added up here."""
    grouped = (Report.site_id, Report.local_month, Report.location_id, Report.category_id)
    streamed = (
        select(Report.location_id, Report.category_id, func.count().label("n"))
        .where(counted(), in_scope(scope))
        .group_by(*grouped)
        .subquery()
    )
    # the months added up in SQL: a small sort of the groups, not a loop over them here
    query = select(streamed.c.location_id, streamed.c.category_id, summed(streamed.c.n))
    query = query.group_by(streamed.c.location_id, streamed.c.category_id)
    return {(location_id, category_id): n for location_id, category_id, n in aggregate(query)}


@dataclass(frozen=True)
class Profile:
    """Who reported and when: the counted reports of a scope by site and local hour, quality
    score, anonymous or named, the role the reporter gave and the channel."""

    hours: dict[tuple[int, int], int]  # (site id, local hour) -> reports
    quality: dict[int, int]  # score 0-4 -> reports
    anonymous: int
    named: int
    roles: dict[str | None, int]  # None: no role given
    channels: dict[str, int]


def profile(scope: Scope) -> Profile:
    """The Profile of the scope in one pass over ix_reports_splits: grouped in its order
    (site, month, local hour) with no sort; the few values of quality, role and channel
    counted along each group (FILTER: no CASE to evaluate per row)."""
    filters = {
        **{("quality", score): Report.quality == score for score in range(1, QUALITY_MAX + 1)},
        ("anonymous", True): Report.anonymous.is_(True),
        **{("role", role.value): Report.reporter_role == role.value for role in ReporterRole},
        ("role", None): Report.reporter_role.is_(None),
        **{("channel", channel.value): Report.channel == channel.value for channel in Channel},
    }
    streamed = (
        select(
            Report.site_id,
            Report.local_hour,
            func.count().label("n"),
            *[func.count().filter(c).label(f"c{i}") for i, c in enumerate(filters.values())],
        )
        .where(counted(), in_scope(scope))
        .group_by(Report.site_id, Report.local_month, Report.local_hour)
        .subquery()
    )
    # the months added up in SQL (a small sort of the groups), then the hours here
    counted_along = [streamed.c[f"c{i}"] for i in range(len(filters))]
    query = select(
        streamed.c.site_id,
        streamed.c.local_hour,
        summed(streamed.c.n),
        *[summed(column) for column in counted_along],
    ).group_by(streamed.c.site_id, streamed.c.local_hour)
    hours: dict[tuple[int, int], int] = {}
    tallies: dict[tuple[str, object], int] = defaultdict(int)
    total = 0
    for site_id, hour, count, *counts in aggregate(query):
        hours[(site_id, hour)] = count
        total += count
        for key, n in zip(filters, counts, strict=True):
            tallies[key] += n
    scores = {score: tallies[("quality", score)] for score in range(1, QUALITY_MAX + 1)}
    anonymous = tallies[("anonymous", True)]
    return Profile(
        hours=hours,
        # every report has a score: those with none of 1-4 scored 0
        quality={0: total - sum(scores.values()), **scores},
        anonymous=anonymous,
        named=total - anonymous,
        roles={value: n for (kind, value), n in tallies.items() if kind == "role"},
        channels={str(value): n for (kind, value), n in tallies.items() if kind == "channel"},
    )
