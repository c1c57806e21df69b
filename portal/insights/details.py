"""All indicators: the safety manager's page — every split and rate behind the leadership view."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.domain.quality import QUALITY_MAX
from portal.indicators import actions, charts, participation, reports, splits
from portal.indicators import scope as scopes
from portal.indicators.scope import Scope
from portal.insights import bp, pages


@dataclass
class Details:
    scope: Scope
    summary: reports.Overview
    median: reports.Median
    participation: participation.Participation
    closeout: actions.Closeout
    overdue: list[actions.AgeRow]
    strength: actions.Strength
    categories: list[splits.Row]
    locations: list[splits.Row]
    shifts: list[splits.Row]
    hours: list[splits.Row]
    sources: splits.Sources
    quality: splits.Quality

    def trend_chart(self) -> charts.TrendChart:
        months = self.scope.months
        return pages.trend_chart(
            [(m, self.summary.by_month.get(m, reports.Tally())) for m in months]
        )

    def bars(self, rows: list[splits.Row]) -> charts.BarChart:
        """A split as bars; a hidden group shows no bar, only its words (privacy.split)."""
        return pages.split_bars([row.label for row in rows], [row.count for row in rows], 0.5)

    def quality_chart(self) -> charts.BarChart:
        labels = [_("Score %(n)d", n=score) for score in range(len(self.quality.counts))]
        return pages.split_bars(labels, list(self.quality.counts), 0.38)

    def strength_chart(self) -> charts.BarChart:
        return charts.bar_chart([(label, n) for _key, label, n in self.strength.rows()])


def details(scope: Scope) -> Details:
    """Every indicator of the scope: each pass over the reports serves several (the overview
    the counts and the median, the places the category and location splits, the profile the
    hour, shift, quality and source splits)."""
    summary = reports.overview(scope)
    places = reports.place_counts(scope)
    who = reports.profile(scope)
    return Details(
        scope=scope,
        summary=summary,
        median=summary.median,
        participation=participation.participation(scope, summary),
        closeout=actions.closeout(scope),
        overdue=actions.overdue_by_age(scope),
        strength=actions.fix_strength(scope),
        categories=splits.by_category(scope, places),
        locations=splits.by_location(scope, places=places),
        shifts=splits.by_shift(scope, who.hours),
        hours=splits.by_time_of_day(scope, who.hours),
        sources=splits.by_source(scope, who),
        quality=splits.quality(scope, who),
    )


@bp.get("/indicators", endpoint="details")
@login_required
def details_page() -> str:
    """Every indicator for the chosen sites and months, each chart with its table."""
    sites = scopes.visible_sites(current_user)
    scope = scopes.scope_for(current_user, request.args, sites=sites)
    return render_template(
        "insights/details.html",
        page=details(scope),
        scope=scope,
        sites=sites,
        month_label=pages.month_label,
        quality_max=QUALITY_MAX,
    )
