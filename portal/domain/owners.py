"""Who may own follow-up work: the active triage staff of a site, as the forms offer them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from portal.domain import permissions
from portal.extensions import db
from portal.models import Report, Role, Site, User


def _staff() -> Select[Any]:
    roles = [role.value for role in permissions.TRIAGE_ROLES]
    return select(User).where(User.active.is_(True), User.role.in_(roles)).order_by(User.name)


def possible_owners(user: User) -> list[User]:
    """Triage staff of the sites the user sees: the owner filter's choices."""
    query = _staff()
    if not user.sees_all_sites():
        members = User.sites.any(Site.id.in_(user.site_ids or {-1}))
        query = query.where(or_(User.role == Role.ADMIN.value, members))
    return list(db.session.scalars(query).all())


def owners_for(report: Report) -> list[User]:
    """Who may own this report or one of its actions: active triage staff of its site, by name.

    Two queries however many staff there are (their sites come in one go).
    """
    members = User.sites.any(Site.id == report.site_id)
    query = (
        _staff()
        .where(or_(User.role == Role.ADMIN.value, members))
        .order_by(User.id)
        .options(selectinload(User.sites))
    )
    return [user for user in db.session.scalars(query).all() if permissions.can_own(user, report)]
