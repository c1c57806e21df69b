"""The lists of the monthly review: high-potential reports to support, overdue actions with
the reason recorded for them, and the controls to strengthen. A few queries each, whatever
the number of rows (portal/insights/review.py puts them on the page)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from portal.domain import moments
from portal.extensions import db
from portal.indicators import actions, themes
from portal.indicators.scope import Scope
from portal.indicators.sql import counted
from portal.insights.pages import theme_until
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import ActionStatus, CorrectiveAction, Report, ReportEvent, ReportStatus

OVERDUE_SHOWN = 30
HIGH_POTENTIAL_SHOWN = 30
# the timeline steps that say why an action is late (corrective.py writes the note)
REASON_KINDS = {
    "action_due_changed": _l("Due date moved"),
    "action_reopened": _l("Reopened after a failed check"),
    "action_reassigned": _l("Reassigned"),
}


@dataclass(frozen=True)
class HighPotential:
    """A high-potential report to support, with its actions still to do."""

    report: Report
    this_month: bool
    pending: list[CorrectiveAction]  # open, or done and waiting for verification
    overdue: int
    days: int  # open for so many days, or (closed) how many days it took


@dataclass(frozen=True)
class Overdue:
    """An open action past its due date, and the latest reason recorded for it."""

    action: CorrectiveAction
    days_late: int
    reason_kind: str | None
    reason: str | None


@dataclass(frozen=True)
class Candidate:
    """A repeat theme whose actions so far are only administrative or PPE, or none at all."""

    theme: themes.Theme
    actions: int


def high_potential_to_support(
    scope: Scope, limit: int = HIGH_POTENTIAL_SHOWN
) -> list[HighPotential]:
    """The month's high-potential reports, then older ones not closed yet, with their actions."""
    sites = scope.site_ids or (-1,)
    month = scope.first_month
    query = (
        select(Report)
        .where(
            counted(),
            Report.site_id.in_(sites),
            Report.high_potential.is_(True),
            moments.released(scope.now),
            or_(
                Report.local_month == month,
                and_(Report.local_month < month, Report.status != ReportStatus.CLOSED.value),
            ),
        )
        .options(
            joinedload(Report.site),
            joinedload(Report.location),
            joinedload(Report.owner),
            selectinload(Report.actions).joinedload(CorrectiveAction.owner),
        )
        .order_by(Report.local_month.desc(), Report.created_at, Report.id)
        .limit(limit)
    )
    rows = []
    for report in db.session.scalars(query):
        pending = [a for a in report.actions if a.is_live]
        late = sum(a.is_overdue(scope.today) for a in pending)
        end = report.closed_at if report.is_closed else scope.now
        rows.append(
            HighPotential(
                report=report,
                this_month=report.local_month == month,
                pending=pending,
                overdue=late,
                days=max((end - report.created_at).days, 0) if end else 0,
            )
        )
    return rows


def overdue_with_reasons(scope: Scope, limit: int = OVERDUE_SHOWN) -> list[Overdue]:
    """Open actions past due today at the scope's sites, the longest overdue first, each with
    the latest reason on its report's timeline (a moved due date, a reopening, a reassignment)."""
    found = db.session.scalars(
        select(CorrectiveAction)
        .where(
            CorrectiveAction.site_id.in_(scope.site_ids or (-1,)),
            CorrectiveAction.status == ActionStatus.OPEN.value,
            CorrectiveAction.due_on < scope.today,
        )
        .options(
            joinedload(CorrectiveAction.report).joinedload(Report.location),
            joinedload(CorrectiveAction.report).joinedload(Report.site),
            joinedload(CorrectiveAction.owner),
        )
        .order_by(CorrectiveAction.due_on, CorrectiveAction.id)
        .limit(limit)
    ).all()
    latest: dict[int, tuple[str, str | None]] = {}
    if found:
        events = db.session.execute(
            select(ReportEvent.action_id, ReportEvent.kind, ReportEvent.note)
            .where(
                ReportEvent.action_id.in_([a.id for a in found]),
                ReportEvent.kind.in_(list(REASON_KINDS)),
            )
            .order_by(ReportEvent.id)
        )
        latest = {action_id: (kind, note) for action_id, kind, note in events}
    rows = []
    for action in found:
        kind, note = latest.get(action.id, (None, None))
        rows.append(
            Overdue(
                action=action,
                days_late=(scope.today - action.due_on).days,
                reason_kind=str(REASON_KINDS[kind]) if kind else None,
                reason=note,
            )
        )
    return rows


def control_candidates(scope: Scope, repeat: list[themes.Theme]) -> list[Candidate]:
    """Repeat themes with no action of engineering strength or better on any of their reports:
    the controls to strengthen. One grouped query, whatever the number of themes."""
    if not repeat:
        return []
    since, until = themes.window(theme_until(scope))
    # only the reports of these themes: a pair (place, category) or an asset each
    pairs = [(t.location_id, t.category_id) for t in repeat if t.kind != "asset"]
    assets = [t.asset_id for t in repeat if t.kind == "asset"]
    of_themes = or_(
        tuple_(Report.location_id, Report.category_id).in_(pairs or [(-1, -1)]),
        Report.asset_id.in_(assets or [-1]),
    )
    query = (
        select(
            Report.location_id,
            Report.category_id,
            Report.asset_id,
            CorrectiveAction.control_level,
            func.count(),
        )
        .join(CorrectiveAction, CorrectiveAction.report_id == Report.id)
        .where(
            counted(),
            Report.site_id.in_(scope.site_ids or (-1,)),
            Report.created_at > since,
            Report.created_at <= until,
            of_themes,
            CorrectiveAction.status != ActionStatus.CANCELLED.value,
        )
        .group_by(
            Report.location_id, Report.category_id, Report.asset_id, CorrectiveAction.control_level
        )
    )
    by_place: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_asset: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for location_id, category_id, asset_id, level, count in db.session.execute(query):
        if category_id is not None:
            by_place[(location_id, category_id)][level] += count
        if asset_id is not None:
            by_asset[asset_id][level] += count
    candidates = []
    for theme in repeat:
        if theme.kind == "asset":
            levels = by_asset.get(theme.asset_id or 0, {})
        else:
            levels = by_place.get((theme.location_id or 0, theme.category_id or 0), {})
        if not any(levels.get(level) for level in actions.STRONG_LEVELS):
            candidates.append(Candidate(theme=theme, actions=sum(levels.values())))
    return candidates
