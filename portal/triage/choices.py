"""The choices of the board's filter form and of the card action forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from portal.domain import permissions
from portal.extensions import db
from portal.models import (
    Asset,
    Category,
    Location,
    Report,
    ReportStatus,
    Role,
    Site,
    User,
    status_values,
)

MERGE_CANDIDATES = 8


@dataclass(frozen=True)
class FilterOptions:
    """The choices of the filter form."""

    sites: list[Site]
    locations: list[Location]
    categories: list[Category]
    owners: list[User]


def filter_options(user: User) -> FilterOptions:
    """Sites, locations, categories and owners the user may filter by."""
    return FilterOptions(
        visible_sites(user), visible_locations(user), categories(), possible_owners(user)
    )


def visible_sites(user: User) -> list[Site]:
    query = select(Site).order_by(Site.name)
    query = query.where(permissions.at_visible_sites(user, Site.id))
    return list(db.session.scalars(query).all())


def visible_locations(user: User) -> list[Location]:
    query = select(Location).join(Site).order_by(Site.name, Location.name)
    query = query.where(permissions.at_visible_sites(user, Location.site_id))
    return list(db.session.scalars(query.options(joinedload(Location.site))).all())


def categories() -> list[Category]:
    """Every category, retired ones too: old reports can still be filtered by them."""
    return Category.in_order()


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
    """Who may own this report: active triage staff of its site."""
    members = User.sites.any(Site.id == report.site_id)
    query = _staff().where(or_(User.role == Role.ADMIN.value, members))
    return [user for user in db.session.scalars(query).all() if permissions.can_own(user, report)]


def assets_for(report: Report) -> list[Asset]:
    """Active assets at the locations of the report's site (and the one it has, if any)."""
    query = (
        select(Asset)
        .join(Location)
        .where(Location.site_id == report.site_id)
        .where(or_(Asset.active.is_(True), Asset.id == report.asset_id))
        .order_by(Location.name, Asset.name)
        .options(joinedload(Asset.location))
    )
    return list(db.session.scalars(query).all())


def merge_candidates(report: Report) -> list[Report]:
    """Recent open reports of the same location: the likely originals of a duplicate."""
    query = (
        select(Report)
        .where(
            Report.location_id == report.location_id,
            Report.id != report.id,
            Report.status.in_(status_values(ReportStatus.open())),
        )
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(MERGE_CANDIDATES)
    )
    return list(db.session.scalars(query).all())
