"""Access checks for the triage board: each view calls one of these on its first line.

A report of a site the user cannot see answers 404, so its existence does not leak; a report
they see without a triage role (viewers) answers 403 for every action.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from portal.domain import permissions
from portal.extensions import db
from portal.models import Report

CARD_LOADS = (
    joinedload(Report.site),
    joinedload(Report.location),
    joinedload(Report.category),
    joinedload(Report.owner),
    joinedload(Report.asset),
    selectinload(Report.photos),
    selectinload(Report.actions),
)


def report_to_view(report_id: int) -> Report:
    """A report the user may see, with what its card shows."""
    report = db.session.get(Report, report_id, options=CARD_LOADS)
    if report is None or not permissions.can_view_report(current_user, report):
        abort(404)
    return report


def report_to_triage(report_id: int) -> Report:
    """A report the user may act on."""
    report = report_to_view(report_id)
    if not permissions.can_triage(current_user, report):
        abort(403)
    return report


def may_triage() -> bool:
    """Whether the user acts on cards at all (every card on the board is at a site they see)."""
    return current_user.is_active and current_user.role in permissions.TRIAGE_ROLES
