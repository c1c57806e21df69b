"""Sites and locations: add and change them, and the addresses their posters point to."""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import select

from portal.extensions import db
from portal.models import Location, Site


def add_site(name: str, slug: str, timezone: str) -> Site:
    """A new site; the caller commits."""
    site = Site(name=name, slug=slug, timezone=timezone)
    db.session.add(site)
    return site


def update_site(site: Site, name: str, slug: str, timezone: str) -> Site:
    """Rename a site or change its short name or time zone; the caller commits."""
    site.name, site.slug, site.timezone = name, slug, timezone
    return site


def add_location(site_id: int, name: str, description: str | None, active: bool) -> Location:
    """A new location; its unguessable code comes from the model default at flush."""
    location = Location(site_id=site_id, name=name, description=description or None, active=active)
    db.session.add(location)
    return location


def update_location(
    location: Location, site_id: int, name: str, description: str | None, active: bool
) -> Location:
    """Change a location; its code never changes, so printed posters keep working."""
    location.site_id = site_id
    location.name = name
    location.description = description or None
    location.active = active
    return location


def active_locations(site: Site) -> list[Location]:
    """The locations of a site whose posters are in use, by name."""
    query = (
        select(Location)
        .where(Location.site_id == site.id, Location.active.is_(True))
        .order_by(Location.name, Location.id)
    )
    return list(db.session.scalars(query))


def report_url(location: Location) -> str:
    """The full address a poster's QR code encodes: BASE_URL/r/<code>."""
    return current_app.config["BASE_URL"] + url_for("report_form.qr_form", code=location.code)


def kiosk_url(location: Location) -> str:
    """The full address of the location's form on a shared tablet: BASE_URL/kiosk/<code>."""
    return current_app.config["BASE_URL"] + url_for("report_form.kiosk_form", code=location.code)
