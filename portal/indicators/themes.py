"""Repeat themes: the same risk coming back.

A theme is three or more counted reports in 90 days at the same location in the same
category, or about the same asset. Categories and assets are set at triage, so a report joins
a theme once it is classified. Merged and dismissed reports do not count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, tuple_

from portal.extensions import db
from portal.indicators.sql import aggregate, counted
from portal.models import Asset, Category, Location, Report, Site

THEME_DAYS = 90
THEME_MINIMUM = 3


@dataclass(frozen=True)
class Theme:
    kind: str  # "place" (location + category) or "asset"
    site_id: int
    site: str
    location_id: int | None
    location: str
    category_id: int | None
    category: str
    asset_id: int | None
    asset: str
    count: int
    high_potential: int
    worst_severity: int | None
    last_at: datetime
    timezone: str = "UTC"  # the site's: its latest report is dated in it

    @property
    def critical(self) -> bool:
        """A theme with a high-potential report or a severity potential of 4 or 5."""
        return self.high_potential > 0 or (self.worst_severity or 0) >= 4

    @property
    def title(self) -> str:
        if self.kind == "asset":
            return f"{self.asset} ({self.location})"
        return f"{self.category} — {self.location}"

    def args(self) -> dict[str, int]:
        """URL parameters naming the theme."""
        if self.kind == "asset":
            return {"asset": self.asset_id or 0}
        return {"location": self.location_id or 0, "category": self.category_id or 0}


def window(until: datetime, days: int = THEME_DAYS) -> tuple[datetime, datetime]:
    return until - timedelta(days=days), until


def repeat_themes(
    site_ids: Iterable[int],
    until: datetime,
    *,
    days: int = THEME_DAYS,
    minimum: int = THEME_MINIMUM,
) -> list[Theme]:
    """Every theme at these sites in the `days` before `until`, the largest first."""
    since, until = window(until, days)
    sites = tuple(site_ids) or (-1,)
    recent = (
        counted(),
        Report.site_id.in_(sites),
        Report.created_at > since,
        Report.created_at <= until,
    )
    # one pass, one sort: the groups of (place, category, asset) add up to both kinds of
    # theme here (a few thousand rows), instead of a sorted GROUP BY for each kind
    query = select(
        Report.location_id,
        Report.category_id,
        Report.asset_id,
        func.count(),
        func.sum(func.cast(Report.high_potential, db.Integer)),
        func.max(Report.severity),
        func.max(Report.created_at),
    ).where(*recent, or_(Report.category_id.is_not(None), Report.asset_id.is_not(None)))
    by_place: dict[tuple[int, int], list] = {}
    by_asset: dict[int, list] = {}
    for location_id, category_id, asset_id, *figures in aggregate(
        query.group_by(Report.location_id, Report.category_id, Report.asset_id)
    ):
        if category_id is not None:
            _add(by_place, (location_id, category_id), figures)
        if asset_id is not None:
            _add(by_asset, asset_id, figures)
    places = [(*key, *f) for key, f in by_place.items() if f[0] >= minimum]
    assets = [(key, *f) for key, f in by_asset.items() if f[0] >= minimum]
    themes = _named(places, assets)
    # the largest first, then the latest (naive datetimes compare as they are; .timestamp()
    # would read each as the server's local time, for nothing)
    themes.sort(key=lambda t: (t.count, t.last_at), reverse=True)
    return themes


def _add(groups: dict, key: object, figures: list) -> None:
    """Fold one group's (count, high-potential, worst severity, latest) into a theme's."""
    count, hipo, worst, last = figures
    found = groups.get(key)
    if found is None:
        groups[key] = [count, hipo or 0, worst, last]
        return
    found[0] += count
    found[1] += hipo or 0
    if worst is not None and (found[2] is None or worst > found[2]):
        found[2] = worst
    found[3] = max(found[3], last)


def _named(places: list, assets: list) -> list[Theme]:
    """Put names on the few groups found (three small lookups, whatever the data size)."""
    asset_rows = {
        a.id: a
        for a in db.session.scalars(
            select(Asset).where(Asset.id.in_([row[0] for row in assets] or [-1]))
        )
    }
    location_ids = {row[0] for row in places} | {a.location_id for a in asset_rows.values()}
    locations = {
        loc.id: (loc, site)
        for loc, site in db.session.execute(
            select(Location, Site).join(Site).where(Location.id.in_(location_ids or {-1}))
        )
    }
    categories = dict(db.session.execute(select(Category.id, Category.name)).all())
    themes = []
    for location_id, category_id, count, hipo, worst, last in places:
        location, site = locations[location_id]
        themes.append(
            Theme(
                "place",
                site.id,
                site.name,
                location_id,
                location.name,
                category_id,
                categories.get(category_id, ""),
                None,
                "",
                count,
                hipo or 0,
                worst,
                last,
                site.timezone,
            )
        )
    for asset_id, count, hipo, worst, last in assets:
        asset = asset_rows[asset_id]
        location, site = locations[asset.location_id]
        themes.append(
            Theme(
                "asset",
                site.id,
                site.name,
                location.id,
                location.name,
                None,
                "",
                asset_id,
                asset.name,
                count,
                hipo or 0,
                worst,
                last,
                site.timezone,
            )
        )
    return themes


def theme_condition(location_id: int | None, category_id: int | None, asset_id: int | None):
    """The SQL condition for the reports of one theme."""
    if asset_id is not None:
        return Report.asset_id == asset_id
    return (Report.location_id == location_id) & (Report.category_id == category_id)


def in_a_theme(
    reports: Iterable[Report],
    until: datetime,
    *,
    days: int = THEME_DAYS,
    minimum: int = THEME_MINIMUM,
) -> set[int]:
    """The ids of these reports that belong to a repeat theme now: two grouped queries
    whatever the number of reports (for the triage board's flag)."""
    reports = list(reports)
    pairs = {(r.location_id, r.category_id) for r in reports if r.category_id is not None}
    assets = {r.asset_id for r in reports if r.asset_id is not None}
    if not pairs and not assets:
        return {}
    since, until = window(until, days)
    recent = (counted(), Report.created_at > since, Report.created_at <= until)
    busy_pairs: set[tuple[int, int]] = set()
    if pairs:
        busy_pairs = {
            (loc, cat)
            for loc, cat in db.session.execute(
                select(Report.location_id, Report.category_id)
                .where(*recent, tuple_(Report.location_id, Report.category_id).in_(pairs))
                .group_by(Report.location_id, Report.category_id)
                .having(func.count() >= minimum)
            )
        }
    busy_assets: set[int] = set()
    if assets:
        busy_assets = set(
            db.session.scalars(
                select(Report.asset_id)
                .where(*recent, Report.asset_id.in_(assets))
                .group_by(Report.asset_id)
                .having(func.count() >= minimum)
            )
        )
    found: dict[int, dict[str, int]] = {}
    for r in reports:
        if (r.location_id, r.category_id) in busy_pairs:
            found[r.id] = {"location": r.location_id, "category": r.category_id}
        elif r.asset_id in busy_assets:
            found[r.id] = {"asset": r.asset_id}
    return found
