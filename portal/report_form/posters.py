"""What the public pages need to know about a poster's location, remembered briefly.

Every scan of a poster asks the same question: which active location is behind this code?
The answer is kept in the process for a few seconds (PORTAL_PLACE_CACHE_SECONDS, in the PLACES
cache of portal/web/cache.py), so the form costs no database round trip. Admin changes clear
this process's memory at once (cache.places_changed()); other processes and hosts see a
renamed or disabled location within those seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app
from sqlalchemy import select

from portal.extensions import db
from portal.lib import codes
from portal.models import Location, Site
from portal.web import cache


@dataclass(frozen=True)
class Place:
    """An active location as the public pages show it."""

    id: int
    code: str
    name: str
    site_id: int
    site_name: str
    site_timezone: str


def _load(code: str) -> Place | None:
    row = db.session.execute(
        select(Location.id, Location.code, Location.name, Site.id, Site.name, Site.timezone)
        .join(Location.site)
        .where(Location.code == code, Location.active.is_(True))
    ).first()
    return Place(*row) if row else None


def active_place(code: str) -> Place:
    """The active location behind a poster code, or the friendly 'poster not active' page."""
    code = codes.normalize(code)
    seconds = current_app.config["PLACE_CACHE_SECONDS"]
    place = cache.remember(cache.PLACES, code, lambda: _load(code), max_age=seconds)
    if place is None:
        abort(404, description="unknown_location")
    return place
