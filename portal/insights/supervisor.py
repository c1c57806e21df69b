"""The supervisor's view: what needs me at my sites this week.

My open actions, the open actions due within seven days or already late at my sites, the
reports of the last seven days, and the repeat themes at my sites — every list bounded, each
a single query whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import render_template, request
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import joinedload

from portal.domain import moments
from portal.extensions import db
from portal.indicators import scope as scopes
from portal.indicators import themes
from portal.indicators.sql import counted
from portal.insights import bp
from portal.lib import sla
from portal.models import ActionStatus, CorrectiveAction, Report, Site, User

RECENT_DAYS = 7
WEEK_DAYS = 7
LIST_LIMIT = 30
ACTION_LOADS = (
    joinedload(CorrectiveAction.report).joinedload(Report.location),
    joinedload(CorrectiveAction.owner),
)


@dataclass
class Week:
    sites: list[Site]
    today: dict[int, date]  # each site's calendar day
    mine: list[CorrectiveAction]
    due: list[CorrectiveAction]
    recent: list[Report]
    themes: list[themes.Theme]
    themes_total: int

    def late_days(self, action: CorrectiveAction) -> int:
        return max((self.today[action.site_id] - action.due_on).days, 0)


def _due_by(sites: list[Site], today: dict[int, date], days: int) -> ColumnElement[bool]:
    """Open actions due within `days` of each site's today (late ones included)."""
    return or_(
        *[
            (CorrectiveAction.site_id == site.id)
            & (CorrectiveAction.due_on < today[site.id] + timedelta(days=days))
            for site in sites
        ]
        or [CorrectiveAction.id < 0]
    )


def week(user: User, sites: list[Site], now: datetime) -> Week:
    """Everything the supervisor's view lists, for these sites."""
    ids = [site.id for site in sites] or [-1]
    today = {site.id: sla.site_today(now, site.timezone) for site in sites}
    is_open = CorrectiveAction.status == ActionStatus.OPEN.value
    mine = db.session.scalars(
        select(CorrectiveAction)
        .where(is_open, CorrectiveAction.owner_id == user.id, CorrectiveAction.site_id.in_(ids))
        .options(*ACTION_LOADS)
        .order_by(CorrectiveAction.due_on, CorrectiveAction.id)
        .limit(LIST_LIMIT)
    ).all()
    due = db.session.scalars(
        select(CorrectiveAction)
        .where(is_open, _due_by(sites, today, WEEK_DAYS))
        .options(*ACTION_LOADS)
        .order_by(CorrectiveAction.due_on, CorrectiveAction.id)
        .limit(LIST_LIMIT)
    ).all()
    recent = db.session.scalars(
        select(Report)
        .where(
            counted(),
            Report.site_id.in_(ids),
            Report.created_at > now - timedelta(days=RECENT_DAYS),
            moments.released(now),
        )
        .options(joinedload(Report.location), joinedload(Report.category), joinedload(Report.site))
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(LIST_LIMIT)
    ).all()
    found = themes.repeat_themes(ids, now)
    return Week(
        sites=sites,
        today=today,
        mine=list(mine),
        due=list(due),
        recent=list(recent),
        themes=found[:LIST_LIMIT],
        themes_total=len(found),
    )


@bp.get("/supervisor", endpoint="supervisor")
@login_required
def supervisor() -> str:
    """My sites this week: my actions, what falls due, new reports, repeat themes."""
    sites = scopes.visible_sites(current_user)
    scope = scopes.scope_for(current_user, request.args, sites=sites)
    shown = [site for site in sites if site.id in scope.site_ids]
    return render_template(
        "insights/supervisor.html",
        page=week(current_user, shown, scope.now),
        scope=scope,
        sites=sites,
    )
