"""The monthly review for the management meeting: one month, printable, each section the
answer to one of the meeting's questions (docs: /work/shared/DOMAIN.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from flask import render_template, request
from flask_login import current_user, login_required

from portal.indicators import actions, participation, reports, splits, themes
from portal.indicators import scope as scopes
from portal.indicators.scope import Scope
from portal.insights import bp, pages, review_summary
from portal.insights.review_items import (
    Candidate,
    HighPotential,
    Overdue,
    control_candidates,
    high_potential_to_support,
    overdue_with_reasons,
)
from portal.lib.lazytext import lazy_gettext as _l
from portal.lib.timeutil import utcnow
from portal.models import Site, User


@dataclass
class Review:
    """Everything the review shows, section by section."""

    scope: Scope
    summary: reports.Overview
    before: reports.Tally  # the month before, for the change
    median: reports.Median
    participation: participation.Participation
    closeout: actions.Closeout
    themes: list[themes.Theme]
    themes_total: int
    high_potential: list[HighPotential]
    ages: list[actions.AgeRow]
    overdue: list[Overdue]
    sources: splits.Sources
    shifts: list[splits.Row]
    strength: actions.Strength
    candidates: list[Candidate]

    @property
    def month(self) -> str:
        return self.scope.first_month

    @property
    def month_open(self) -> bool:
        """The month is not over: its reports so far stand against a whole month's hours."""
        return self.scope.first_month >= scopes.month_of(self.scope.now)

    @property
    def before_month(self) -> str:
        return scopes.add_months(self.scope.first_month, -1)

    @property
    def change(self) -> int:
        return self.summary.total.reports - self.before.reports

    @property
    def overdue_count(self) -> int:
        return sum(row.others + row.high_potential for row in self.ages)


def default_month(now: datetime) -> str:
    """The month a review is usually about: the previous calendar month."""
    return scopes.add_months(scopes.month_of(now), -1)


def review_scope(
    user: User,
    args: Mapping[str, str],
    *,
    now: datetime | None = None,
    sites: list[Site] | None = None,
) -> Scope:
    """One month (?month=YYYY-MM, the previous one by default) at the sites the user sees."""
    now = now or utcnow()
    raw = (args.get("month") or "").strip()
    month = scopes.parse_month(raw) or default_month(now)
    site = args.get("site") or ""
    scope = scopes.scope_for(user, {"from": month, "to": month, "site": site}, now=now, sites=sites)
    if raw and scopes.parse_month(raw) is None:
        note = _l("Ignored “%(value)s”: give a month as YYYY-MM.", value=raw[:20])
        scope = replace(scope, notes=(note, *scope.notes))
    return scope


def monthly_review(scope: Scope) -> Review:
    """Every figure and list of the review of the scope's (one) month."""
    summary = reports.overview(scope)
    before_month = scopes.add_months(scope.first_month, -1)
    before = reports.overview(replace(scope, first_month=before_month, last_month=before_month))
    found = themes.repeat_themes(scope.site_ids, pages.theme_until(scope))
    who = reports.profile(scope)
    repeat = found[: pages.THEMES_SHOWN]
    return Review(
        scope=scope,
        summary=summary,
        before=before.total,
        median=summary.median,
        participation=participation.participation(scope, summary),
        closeout=actions.closeout(scope),
        themes=repeat,
        themes_total=len(found),
        high_potential=high_potential_to_support(scope),
        ages=actions.overdue_by_age(scope),
        overdue=overdue_with_reasons(scope),
        sources=splits.by_source(scope, who),
        shifts=splits.by_shift(scope, who.hours),
        strength=actions.fix_strength(scope),
        candidates=control_candidates(scope, repeat),
    )


@bp.get("/review", endpoint="review")
@login_required
def review() -> str:
    """The monthly review of one month at the user's sites, to print for the management meeting."""
    sites = scopes.visible_sites(current_user)
    scope = review_scope(current_user, request.args, sites=sites)
    page = monthly_review(scope)
    return render_template(
        "insights/review.html",
        page=page,
        questions=review_summary.questions(page),
        scope=scope,
        sites=sites,
        month_label=pages.month_label,
        generated=scope.now,
        timezone=pages.timezone_of(scope, sites),
    )
