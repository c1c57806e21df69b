"""The choices of the board's filter form and of the card action forms."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, or_, select
from sqlalchemy.orm import joinedload

from portal.domain import moments, permissions
from portal.domain.owners import possible_owners
from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import (
    Asset,
    Category,
    Location,
    Report,
    ReportStatus,
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


def assets_for(report: Report) -> list[Asset]:
    """Active assets at the locations of the report's site (and the one it has, if any):
    those of the report's own location first, then by location and name."""
    elsewhere = case((Asset.location_id == report.location_id, 0), else_=1)
    query = (
        select(Asset)
        .join(Location)
        .where(Location.site_id == report.site_id)
        .where(or_(Asset.active.is_(True), Asset.id == report.asset_id))
        .order_by(elsewhere, Location.name, Asset.name)
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
            moments.released(utcnow()),
        )
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(MERGE_CANDIDATES)
    )
    return list(db.session.scalars(query).all())
