"""What the indicators need beyond reports and actions: hours worked per site and month."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.lib.timeutil import utcnow


class ExposureHours(db.Model):
    """Hours worked at a site in one calendar month ("YYYY-MM"), entered by an admin.

    A month with no row has no hours entered: rates leave it out rather than count it as zero.
    """

    __tablename__ = "exposure_hours"
    __table_args__ = (UniqueConstraint("site_id", "month", name="uq_exposure_hours_site_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    month: Mapped[str] = mapped_column(String(7))
    hours: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<ExposureHours site={self.site_id} {self.month} {self.hours}>"
