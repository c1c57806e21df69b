"""Sites (facilities) and their posted QR locations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.lib.codes import new_location_code
from portal.lib.timeutil import utcnow

if TYPE_CHECKING:
    from portal.models.user import User


class Site(db.Model):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # bumped whenever what the site's public feed shows changes (publish, unpublish, edits):
    # the feed and the breakroom screens answer 304 while it stays the same
    feed_version: Mapped[int] = mapped_column(default=0)
    # the site's shifts as [{"name": ..., "start": hour}], in order; None: the three 8-hour
    # default shifts (portal/indicators/shifts.py)
    shifts: Mapped[list[dict[str, str | int]] | None] = mapped_column(JSON(none_as_null=True))

    locations: Mapped[list[Location]] = relationship(
        back_populates="site", order_by="Location.name"
    )
    members: Mapped[list[User]] = relationship(secondary="user_sites", back_populates="sites")

    def __repr__(self) -> str:
        return f"<Site {self.slug}>"


def bump_feed_version(site_id: int) -> None:
    """What the site's public pages show changed: screens and feeds fetch them afresh."""
    db.session.execute(
        update(Site).where(Site.id == site_id).values(feed_version=Site.feed_version + 1)
    )


class Location(db.Model):
    """A posted QR point at a site, reached by its unguessable short code at /r/<code>."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(16), unique=True, default=new_location_code)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(back_populates="locations")

    @property
    def site_timezone(self) -> str:
        """Its site's IANA zone (what a new report needs; the public Place carries it too)."""
        return self.site.timezone

    def __repr__(self) -> str:
        return f"<Location {self.code} {self.name!r}>"
