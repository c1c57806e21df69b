"""What each insights page shows: the indicators a page needs, gathered in one place so the
views stay thin and the benchmark measures exactly what the page computes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.indicators import actions, charts, participation, privacy, reports, themes
from portal.indicators import scope as scopes
from portal.indicators.scope import Scope
from portal.indicators.sql import counted, in_scope
from portal.models import Report, Site

HIGH_POTENTIAL_SHOWN = 10
# the largest repeat themes a page lists; the page says how many there are in all
THEMES_SHOWN = 15


def percent(value: float | None) -> str:
    """A share as a whole percentage ("—" when there is nothing to divide)."""
    return "—" if value is None else f"{round(value * 100)} %"


def month_label(month: str, style: str = "MMM yy") -> str:
    return format_date(scopes.first_day(month), style)


def timezone_of(scope: Scope, sites: list[Site]) -> str:
    """The zone a page's own dates are given in: its sites' when they share one, else UTC."""
    zones = {site.timezone for site in sites if site.id in scope.site_ids}
    return zones.pop() if len(zones) == 1 else "UTC"


def theme_until(scope: Scope) -> datetime:
    """Themes are looked for in the 90 days before the end of the range (or now, if sooner)."""
    end = datetime.combine(
        scopes.last_day(scope.last_month) + timedelta(days=1), datetime.min.time()
    )
    return min(end, scope.now)


@dataclass
class Leadership:
    scope: Scope
    summary: reports.Overview
    median: reports.Median
    participation: participation.Participation
    closeout: actions.Closeout
    high_potential: list[Report]
    overdue: list
    overdue_count: int
    themes: list[themes.Theme]
    themes_total: int

    @property
    def trend(self) -> list[tuple[str, reports.Tally]]:
        return [(m, self.summary.by_month.get(m, reports.Tally())) for m in self.scope.months]

    def trend_chart(self) -> charts.TrendChart:
        return trend_chart(self.trend)

    def participation_chart(self) -> charts.BarChart:
        return participation_chart(self.participation)


def trend_chart(trend: list[tuple[str, reports.Tally]]) -> charts.TrendChart:
    """Reports per month as columns, the high-potential ones as a line."""
    return charts.trend_chart(
        [month_label(month, "MMM yyyy") for month, _ in trend],
        [
            charts.Series(str(_("Reports")), [t.reports for _, t in trend]),
            charts.Series(
                str(_("High-potential")), [t.high_potential for _, t in trend], "line", "hipo"
            ),
        ],
    )


def participation_chart(
    result: participation.Participation,
    sites: list[participation.SiteRate] | None = None,
    **options: Any,
) -> charts.BarChart:
    """Each site's reports per 200,000 hours (of `sites`, all by default), with the pooled
    rate of every site as the reference line."""
    return charts.bar_chart(
        [(site.name, site.rate) for site in (result.sites if sites is None else sites)],
        missing_text=str(_("no hours entered")),
        marker=result.rate,
        marker_label=str(_("All sites")),
        **options,
    )


def split_bars(
    labels: list[str], counts: list[int], label_share: float, **options: Any
) -> charts.BarChart:
    """A split of reports as bars; a hidden group shows no bar, only its words (privacy.split)."""
    cells = privacy.split(counts)
    return charts.bar_chart(
        [(label, value) for label, (value, _words) in zip(labels, cells, strict=True)],
        label_share=label_share,
        missing_texts=[words for _value, words in cells],
        **options,
    )


def high_potential_events(scope: Scope, limit: int = HIGH_POTENTIAL_SHOWN) -> list[Report]:
    """The latest high-potential near misses in the scope."""
    return list(
        db.session.scalars(
            select(Report)
            .where(counted(), in_scope(scope), Report.high_potential.is_(True))
            .options(
                joinedload(Report.location), joinedload(Report.site), joinedload(Report.category)
            )
            .order_by(Report.created_at.desc(), Report.id.desc())
            .limit(limit)
        )
    )


def leadership(scope: Scope) -> Leadership:
    """High-potential events, overdue serious actions, repeat critical themes, participation
    by site and the trend."""
    summary = reports.overview(scope)
    overdue, overdue_count = actions.overdue_serious(scope)
    return Leadership(
        scope=scope,
        summary=summary,
        median=summary.median,
        participation=participation.participation(scope, summary),
        closeout=actions.closeout(scope),
        high_potential=high_potential_events(scope),
        overdue=overdue,
        overdue_count=overdue_count,
        **critical_themes(scope),
    )


def critical_themes(scope: Scope, shown: int = THEMES_SHOWN) -> dict[str, object]:
    """The largest repeat critical themes and how many there are."""
    found = [t for t in themes.repeat_themes(scope.site_ids, theme_until(scope)) if t.critical]
    return {"themes": found[:shown], "themes_total": len(found)}
