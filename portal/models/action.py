"""Corrective actions: what will change so the hazard cannot come back, and who checked it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models.user import User

if TYPE_CHECKING:
    from portal.models.report import Report


class ActionStatus(StrEnum):
    """Open, then done, then verified by someone else; or cancelled at any point before."""

    OPEN = "open"
    DONE = "done"
    VERIFIED = "verified"
    CANCELLED = "cancelled"

    @classmethod
    def live(cls) -> frozenset[ActionStatus]:
        """Open or done: work on it is still under way (it may change)."""
        return _LIVE

    @classmethod
    def finished(cls) -> frozenset[ActionStatus]:
        """Done or verified: the work itself is done."""
        return _FINISHED


_LIVE = frozenset({ActionStatus.OPEN, ActionStatus.DONE})
_FINISHED = frozenset({ActionStatus.DONE, ActionStatus.VERIFIED})


class ControlLevel(StrEnum):
    """The hierarchy of controls, strongest first."""

    ELIMINATION = "elimination"
    SUBSTITUTION = "substitution"
    ENGINEERING = "engineering"
    ADMINISTRATIVE = "administrative"
    PPE = "ppe"


class CorrectiveAction(db.Model):
    """One change to make: owner and due date; completed, then verified by someone else."""

    __tablename__ = "corrective_actions"
    __table_args__ = (
        # the closeout board and the overdue counts: open actions by due date (with the
        # site, the report and whether it is high-potential, so counting them never reads
        # the table)
        Index(
            "ix_corrective_actions_status_due_on",
            "status",
            "due_on",
            "site_id",
            "report_id",
            "report_high_potential",
        ),
        # insights: actions falling due in a range of months at some sites
        Index(
            "ix_corrective_actions_site_id_due_on",
            "site_id",
            "due_on",
            "status",
            "report_id",
            "report_high_potential",
        ),
        Index("ix_corrective_actions_site_id_status", "site_id", "status"),
        # insights: the actions of the reports of a range of months, by level of control
        Index(
            "ix_corrective_actions_report_month",
            "site_id",
            "report_month",
            "control_level",
            "status",
        ),
        # an owner's open actions by due date (the supervisor's "my open actions")
        Index("ix_corrective_actions_owner_id", "owner_id", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    # the report's site, kept here so the board filters actions without a join
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    # the report's month (Report.local_month, which never changes), set on insert: insights
    # count a range of months' actions from their own index, without joining every report
    report_month: Mapped[str | None] = mapped_column(String(7))
    # the report's high-potential flag, kept in step with it (portal/models/report.py): the
    # insights split actions by it from their own indexes, not a list of every such report
    report_high_potential: Mapped[bool] = mapped_column(default=False, server_default=false())
    description: Mapped[str] = mapped_column(Text)
    control_level: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(12), default=ActionStatus.OPEN.value)
    work_order_ref: Mapped[str | None] = mapped_column(String(60))
    work_order_url: Mapped[str | None] = mapped_column(String(500))
    # shown to the reporter on /followup ("A guard will be fitted — due 12 Dec")
    visible_to_reporter: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completion_note: Mapped[str | None] = mapped_column(Text)
    # a re-encoded photo of the fix (no metadata), stored like report photos
    completion_photo: Mapped[str | None] = mapped_column(String(64), unique=True)
    completion_photo_width: Mapped[int | None]
    completion_photo_height: Mapped[int | None]
    # staff explicitly marked the photo of the fix for the public feed ("after" photo)
    completion_photo_public: Mapped[bool] = mapped_column(default=False)

    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verification_note: Mapped[str | None] = mapped_column(Text)

    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    report: Mapped[Report] = relationship(back_populates="actions")
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN

    @property
    def is_live(self) -> bool:
        """Open or done: it may still change."""
        return self.status in _LIVE

    @property
    def is_finished(self) -> bool:
        """Done or verified: someone says the work is done."""
        return self.status in _FINISHED

    @property
    def is_verified(self) -> bool:
        return self.status == ActionStatus.VERIFIED

    @property
    def counts(self) -> bool:
        """Whether the action takes part in the report's progress (cancelled ones do not)."""
        return self.status != ActionStatus.CANCELLED

    def is_overdue(self, today: date) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < today

    def __repr__(self) -> str:
        return f"<CorrectiveAction {self.id} {self.status} due {self.due_on}>"
