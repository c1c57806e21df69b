"""Access checks for the report pages: each view calls one of these on its first line.

A report or location at a site the user cannot see answers 404, so its existence does not
leak; staff who see it without a triage role (viewers) read it, and any action answers 403.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.domain import permissions
from portal.extensions import db
from portal.models import CorrectiveAction, Location, Message, Report, ReportEvent, Site


def _load(report_id: int) -> Report | None:
    """The report with everything its page shows, in a fixed number of queries."""
    query = (
        select(Report)
        .where(Report.id == report_id)
        .options(
            joinedload(Report.site),
            joinedload(Report.location),
            joinedload(Report.category),
            joinedload(Report.owner),
            joinedload(Report.asset),
            joinedload(Report.last_actor),
            joinedload(Report.acknowledged_by),
            joinedload(Report.merged_into),
            selectinload(Report.photos),
            selectinload(Report.events).joinedload(ReportEvent.actor),
            selectinload(Report.messages).joinedload(Message.author),
            selectinload(Report.actions).options(
                joinedload(CorrectiveAction.owner),
                joinedload(CorrectiveAction.completed_by),
                joinedload(CorrectiveAction.verified_by),
                joinedload(CorrectiveAction.cancelled_by),
            ),
        )
    )
    return db.session.scalars(query).unique().one_or_none()


def report_to_view(report_id: int) -> Report:
    """A report the user may read."""
    report = _load(report_id)
    if report is None or not permissions.can_view_report(current_user, report):
        abort(404)
    return report


def report_to_act_on(report_id: int) -> Report:
    """A report the user may act on (triage staff of its site)."""
    report = report_to_view(report_id)
    if not permissions.can_triage(current_user, report):
        abort(403)
    return report


def reload(report_id: int) -> Report:
    """The report as it is now in the database, after a failed write."""
    db.session.rollback()  # expires every loaded object: the next query reads them afresh
    return report_to_view(report_id)


def require_entry_staff() -> None:
    """Stop staff who may enter reports at no site (viewers) with 403."""
    if not (current_user.is_active and current_user.role in permissions.TRIAGE_ROLES):
        abort(403)


def location_to_enter(location_id: int) -> Location:
    """An active location where the user may enter a report on someone's behalf."""
    location = db.session.get(Location, location_id)
    if location is None or not location.active:
        abort(404)
    if not permissions.can_view_site(current_user, location.site_id):
        abort(404)
    require_entry_staff()
    return location


def entry_locations() -> list[Location]:
    """The active locations of every site where the user may enter reports, by site."""
    require_entry_staff()
    query = (
        select(Location)
        .join(Location.site)
        .where(Location.active.is_(True))
        .order_by(Site.name, Location.name, Location.id)
        .options(joinedload(Location.site))
    )
    query = query.where(permissions.at_visible_sites(current_user, Location.site_id))
    return list(db.session.scalars(query))
