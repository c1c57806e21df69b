"""Participation: reports per 200,000 hours worked, per site, and the low-reporting warning.

A site-month without an ExposureHours row has no hours entered. A site's rate counts only
the reports of the months that have hours, over those hours; a site with no hours in the
range has no rate ("no hours entered"), never a rate of zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import db
from portal.indicators.reports import Overview
from portal.indicators.scope import Scope
from portal.models import ExposureHours, Site

RATE_BASE = 200_000
# a site reports "far below the others" under this share of the other sites' pooled rate
LOW_REPORTING_SHARE = 0.5


@dataclass(frozen=True)
class SiteRate:
    site_id: int
    name: str
    slug: str
    reports: int  # all counted reports in the range
    reports_with_hours: int  # those in months that have hours entered
    hours: int | None  # None: no hours entered for any month of the range
    months_with_hours: int
    low_reporting: bool = False
    others_rate: float | None = None  # the pooled rate of the other sites, when low

    @property
    def rate(self) -> float | None:
        if not self.hours:
            return None
        return self.reports_with_hours * RATE_BASE / self.hours


@dataclass(frozen=True)
class Participation:
    sites: list[SiteRate]

    @property
    def hours(self) -> int:
        return sum(s.hours or 0 for s in self.sites)

    @property
    def rate(self) -> float | None:
        """The pooled rate of every site with hours."""
        hours = self.hours
        if not hours:
            return None
        return sum(s.reports_with_hours for s in self.sites if s.hours) * RATE_BASE / hours

    @property
    def low(self) -> list[SiteRate]:
        return [s for s in self.sites if s.low_reporting]

    @property
    def without_hours(self) -> list[SiteRate]:
        return [s for s in self.sites if s.hours is None]


def participation(scope: Scope, summary: Overview) -> Participation:
    """Each site of the scope with its reports, hours and rate; low reporters flagged."""
    sites = db.session.execute(
        select(Site.id, Site.name, Site.slug)
        .where(Site.id.in_(scope.site_ids or (-1,)))
        .order_by(Site.name)
    ).all()
    hours: dict[int, dict[str, int]] = {}
    for site_id, month, value in db.session.execute(
        select(ExposureHours.site_id, ExposureHours.month, ExposureHours.hours).where(
            ExposureHours.site_id.in_(scope.site_ids or (-1,)),
            ExposureHours.month.between(scope.first_month, scope.last_month),
        )
    ):
        hours.setdefault(site_id, {})[month] = value
    per_site_month = _reports_per_site_month(summary)
    rates = []
    for site_id, name, slug in sites:
        months = hours.get(site_id, {})
        reports = summary.by_site[site_id].reports if site_id in summary.by_site else 0
        rates.append(
            SiteRate(
                site_id=site_id,
                name=name,
                slug=slug,
                reports=reports,
                reports_with_hours=sum(per_site_month.get((site_id, m), 0) for m in months),
                hours=sum(months.values()) if months else None,
                months_with_hours=len(months),
            )
        )
    return Participation(sites=_flag_low(rates))


def _reports_per_site_month(summary: Overview) -> dict[tuple[int, str], int]:
    return dict(summary.by_site_month)


def _flag_low(rates: list[SiteRate]) -> list[SiteRate]:
    """Flag each site whose rate is under half the pooled rate of the other sites with hours."""
    with_hours = [s for s in rates if s.hours]
    if len(with_hours) < 2:
        return rates
    flagged = []
    for site in rates:
        others = [s for s in with_hours if s.site_id != site.site_id]
        other_hours = sum(s.hours or 0 for s in others)
        others_rate = sum(s.reports_with_hours for s in others) * RATE_BASE / other_hours
        low = (
            site.rate is not None
            and others_rate > 0
            and site.rate < LOW_REPORTING_SHARE * others_rate
        )
        flagged.append(
            SiteRate(**{**site.__dict__, "low_reporting": low, "others_rate": others_rate})
            if low
            else site
        )
    return flagged
