"""What staff add while triaging: categories (admin-edited list), assets, and messages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.lib.timeutil import utcnow

if TYPE_CHECKING:
    from portal.models.report import Report
    from portal.models.site import Location
    from portal.models.user import User

DEFAULT_CATEGORIES = [
    "Mechanical",
    "Procedural",
    "Environmental",
    "Human factors",
    "Equipment",
    "Vehicles and traffic",
    "Dropped objects",
    "Electrical",
    "Chemical",
    "Ergonomics",
]


class Category(db.Model):
    """A report category; admins edit the list, retired ones stay for old reports."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    @classmethod
    def in_order(cls) -> list[Category]:
        """Every category, active and retired, in the order the classify form shows them."""
        return list(db.session.scalars(select(cls).order_by(cls.position, cls.id)))

    @classmethod
    def choosable(cls, current: Category | None = None) -> list[Category]:
        """What the classify form offers: the active categories, plus the report's own one if
        it was retired since, so re-saving a report does not lose it."""
        return [c for c in cls.in_order() if c.active or (current and c.id == current.id)]

    def __repr__(self) -> str:
        return f"<Category {self.name!r}>"


class Asset(db.Model):
    """A machine or vehicle at a location (optional on a report)."""

    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    location: Mapped[Location] = relationship()

    def __repr__(self) -> str:
        return f"<Asset {self.name!r}>"


class Message(db.Model):
    """One message of the thread between staff and the (possibly anonymous) reporter.

    `author_id` is None for the reporter. Internal notes are never shown to the reporter.
    """

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()

    @property
    def from_reporter(self) -> bool:
        return self.author_id is None
