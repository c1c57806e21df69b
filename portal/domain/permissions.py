"""Who may do what to which object: plain functions the views and tests call."""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from portal.models import CorrectiveAction, Report, Role, Site, User

TRIAGE_ROLES = {Role.ADMIN, Role.SAFETY_MANAGER, Role.SUPERVISOR}


def can_view_site(user: User, site: Site | int) -> bool:
    """Admins see every site; safety managers, supervisors and viewers the sites they belong to."""
    site_id = site if isinstance(site, int) else site.id
    return user.is_active and user.can_see_site(site_id)


def at_visible_sites(user: User, site_id: ColumnElement[int]) -> ColumnElement[bool]:
    """The SQL condition "this row's site is one the user sees", for list queries."""
    if user.sees_all_sites():
        return true()
    return site_id.in_(user.site_ids or {-1})


def can_view_report(user: User, report: Report) -> bool:
    return can_view_site(user, report.site_id)


def can_triage(user: User, report: Report) -> bool:
    """Acknowledge, classify, assign: staff with a triage role at the report's site."""
    return user.role in TRIAGE_ROLES and can_view_site(user, report.site_id)


def can_own(user: User, report: Report) -> bool:
    """Who may own a report's follow-up: active triage staff of its site."""
    return user.role in TRIAGE_ROLES and can_view_site(user, report.site_id)


def can_work_on(user: User, report: Report) -> bool:
    """Add, verify, reassign, re-date, cancel a report's actions: triage staff of its site."""
    return can_triage(user, report)


def can_complete(user: User, action: CorrectiveAction) -> bool:
    """Mark an action done: its owner, or triage staff of its site."""
    return user.is_active and (user.id == action.owner_id or can_work_on(user, action.report))


def can_verify(user: User, action: CorrectiveAction) -> bool:
    """Verify an action: triage staff of the site who did not complete it themselves."""
    return can_work_on(user, action.report) and user.id != action.completed_by_id


def can_administer(user: User) -> bool:
    """Sites, locations, users: admins only."""
    return user.is_active and user.role == Role.ADMIN


def can_print_posters(user: User, site: Site) -> bool:
    """Posters of a site: its admins, safety managers and supervisors."""
    return user.role in TRIAGE_ROLES and can_view_site(user, site)
