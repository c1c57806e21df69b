"""A near-miss report, its photos and its append-only timeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    event,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.lib import hours
from portal.lib.timeutil import utcnow
from portal.models.action import CorrectiveAction
from portal.models.numbers import unused_number
from portal.models.site import Location, Site
from portal.models.triage import Asset, Category, Message
from portal.models.user import User


class ReportStatus(StrEnum):
    """Where a report stands in the loop; the sets of states every rule is written with."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    FIXED = "fixed"
    CLOSED = "closed"
    MERGED = "merged"
    DISMISSED = "dismissed"

    @classmethod
    def board(cls) -> tuple[ReportStatus, ...]:
        """The open states in the loop's order: the triage board's columns."""
        return _BOARD

    @classmethod
    def open(cls) -> frozenset[ReportStatus]:
        """New, acknowledged, in progress, fixed: the loop is not closed yet."""
        return _OPEN

    @classmethod
    def set_aside(cls) -> frozenset[ReportStatus]:
        """Merged into another report or dismissed: no longer a report of its own."""
        return _SET_ASIDE

    @classmethod
    def open_or_closed(cls) -> frozenset[ReportStatus]:
        """Every state but merged and dismissed: the report still stands on its own."""
        return _OPEN_OR_CLOSED

    @classmethod
    def fixed_or_closed(cls) -> frozenset[ReportStatus]:
        """Every action is done: the reporter may say whether it is really fixed."""
        return _FIXED_OR_CLOSED

    @property
    def is_open(self) -> bool:
        return self in _OPEN


_BOARD = (ReportStatus.NEW, ReportStatus.ACKNOWLEDGED, ReportStatus.IN_PROGRESS, ReportStatus.FIXED)
_OPEN = frozenset(_BOARD)
_SET_ASIDE = frozenset({ReportStatus.MERGED, ReportStatus.DISMISSED})
_OPEN_OR_CLOSED = frozenset(ReportStatus) - _SET_ASIDE
_FIXED_OR_CLOSED = frozenset({ReportStatus.FIXED, ReportStatus.CLOSED})


class PotentialOutcome(StrEnum):
    MINOR_INJURY = "minor_injury"
    SERIOUS_INJURY = "serious_injury"
    DAMAGE_ONLY = "damage_only"
    OTHER = "other"


class ReporterRole(StrEnum):
    WORKER = "worker"
    SUPERVISOR = "supervisor"
    CONTRACTOR = "contractor"
    VISITOR = "visitor"


class Domain(StrEnum):
    SAFETY = "safety"
    QUALITY = "quality"
    ENVIRONMENTAL = "environmental"
    SECURITY = "security"


class DismissReason(StrEnum):
    NOT_A_NEAR_MISS = "not_a_near_miss"
    INCIDENT = "incident"
    HAZARD = "hazard"
    SPAM = "spam"


class ReporterVerdict(StrEnum):
    """The reporter's answer to "Is it fixed?" once the report is Fixed."""

    YES = "yes"
    NOT_REALLY = "not_really"


class RootCause(StrEnum):
    EQUIPMENT = "equipment"
    PROCEDURE = "procedure"
    TRAINING = "training"
    ENVIRONMENT = "environment"
    STAFFING = "staffing"
    DESIGN = "design"


HIGH_POTENTIAL_SEVERITY = 4


def status_values(states: Iterable[StrEnum]) -> list[str]:
    """The stored codes of some states, sorted (one SQL statement per set), for `IN (...)`."""
    return sorted(state.value for state in states)


class Channel(StrEnum):
    QR = "qr"
    KIOSK = "kiosk"
    STAFF = "staff"


class Report(db.Model):
    """One near miss. It holds no client address, user agent or cookie — by design."""

    __tablename__ = "reports"
    __table_args__ = (
        # a site's reports by state, and (with the month) the merged and dismissed ones of a
        # range of months, which insights leave out of the actions they count
        Index("ix_reports_site_id_status_month", "site_id", "status", "local_month"),
        # the board's columns and their counts across all sites, newest first
        Index("ix_reports_status_created_at", "status", "created_at"),
        # a site's reports by id: the board's poll for new ones
        Index("ix_reports_site_id_id", "site_id", "id"),
        # Insights read the counted reports of some sites over a range of months, always
        # through a covering index that leads with (site_id, local_month): a list of sites is
        # a set of index ranges. Each index then lists what one pass groups by, so the groups
        # stream out in index order with no sort (docs/insights.md, "How it stays fast"), and
        # ends with what the filters need (status; anonymous and created_at: the release rule
        # of domain/moments.py).
        # counts, acknowledgement and days to close (their histogram: the median) in one pass
        Index(
            "ix_reports_insights",
            "site_id",
            "local_month",
            "high_potential",
            "status",
            "close_days",
            "created_at",
            "ack_seconds",
            "anonymous",
        ),
        # insights: repeat themes (same place and category, or asset) in the last 90 days
        Index(
            "ix_reports_themes",
            "site_id",
            "created_at",
            "location_id",
            "category_id",
            "asset_id",
            "status",
            "high_potential",
            "severity",
        ),
        # the splits by hour (for shifts), with quality and source counted along
        Index(
            "ix_reports_splits",
            "site_id",
            "local_month",
            "local_hour",
            "status",
            "quality",
            "channel",
            "reporter_role",
            "anonymous",
            "created_at",
        ),
        # the splits by place and by category
        Index(
            "ix_reports_places",
            "site_id",
            "local_month",
            "location_id",
            "category_id",
            "status",
            "anonymous",
            "created_at",
        ),
        # insights: the latest high-potential reports, and those the monthly review lists (of
        # the month, or older and still open), sites, months and states read from the index
        Index(
            "ix_reports_high_potential",
            "high_potential",
            "created_at",
            "status",
            "site_id",
            "local_month",
            "anonymous",
        ),
    )

    # drawn at random: a number must not tell when the report came (portal/models/numbers.py)
    id: Mapped[int] = mapped_column(primary_key=True, default=unused_number("reports"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    where_text: Mapped[str] = mapped_column(String(200))
    what_happened: Mapped[str] = mapped_column(Text)
    potential_outcome: Mapped[str] = mapped_column(String(20))
    potential_text: Mapped[str | None] = mapped_column(String(500))
    reporter_name: Mapped[str | None] = mapped_column(String(120))
    reporter_role: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.NEW.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # keyed hash of the receipt code; the code itself is never stored
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # hash of the one-time form token, so a resubmitted form returns the first receipt
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    # fixed at submission for the indicators: the month ("YYYY-MM") and hour (0-23) in the
    # site's time zone, and the quality score (portal/domain/quality.py, 0-4)
    local_month: Mapped[str] = mapped_column(String(7))
    local_hour: Mapped[int] = mapped_column(SmallInteger)
    quality: Mapped[int] = mapped_column(SmallInteger)

    # triage (staff)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    domain: Mapped[str | None] = mapped_column(String(20))
    severity: Mapped[int | None]
    likelihood: Mapped[int | None]
    high_potential: Mapped[bool] = mapped_column(default=False)
    # set when staff overrode the automatic high-potential flag, with their written reason
    high_potential_override: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    dismiss_reason: Mapped[str | None] = mapped_column(String(30))
    dismiss_note: Mapped[str | None] = mapped_column(Text)
    # investigation (no blame): up to five "Why? — Because" steps
    whys: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    root_cause: Mapped[str | None] = mapped_column(String(30))
    contributing_factors: Mapped[str | None] = mapped_column(Text)
    # the reporter answered a question and no staff member has looked since
    awaiting_staff: Mapped[bool] = mapped_column(default=False)
    last_actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # closing the loop
    fixed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # kept from the timestamps on every flush (see _durations below), for the indicators:
    # seconds from submission to acknowledgement, whole days from submission to closing
    ack_seconds: Mapped[int | None]
    close_days: Mapped[int | None]
    # no reporter name: kept from reporter_name on every flush, for the "who reports" split
    anonymous: Mapped[bool] = mapped_column(default=True)
    # "what we fixed", for the crew's feed; or explicitly not for public display
    public_summary: Mapped[str | None] = mapped_column(Text)
    summary_not_public: Mapped[bool] = mapped_column(default=False)
    # the reporter's answer to "Is it fixed?" (yes / not_really); "not really" raises the
    # flag, which keeps the report from closing until staff respond
    reporter_verdict: Mapped[str | None] = mapped_column(String(12))
    fix_disputed: Mapped[bool] = mapped_column(default=False)
    # the public feed: what was reported, in neutral words staff wrote or approved (never the
    # worker's raw text), and when it was published (None: not on any public page)
    public_what: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(index=True)

    site: Mapped[Site] = relationship()
    location: Mapped[Location] = relationship()
    photos: Mapped[list[Photo]] = relationship(
        back_populates="report", order_by="Photo.position", cascade="all, delete-orphan"
    )
    events: Mapped[list[ReportEvent]] = relationship(
        back_populates="report", order_by="ReportEvent.id", cascade="all, delete-orphan"
    )
    messages: Mapped[list[Message]] = relationship(
        back_populates="report", order_by="Message.id", cascade="all, delete-orphan"
    )
    actions: Mapped[list[CorrectiveAction]] = relationship(
        back_populates="report", order_by="CorrectiveAction.id"
    )
    category: Mapped[Category | None] = relationship()
    asset: Mapped[Asset | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    last_actor: Mapped[User | None] = relationship(foreign_keys=[last_actor_id])
    merged_into: Mapped[Report | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_anonymous(self) -> bool:
        return not self.reporter_name

    @property
    def known_at(self) -> datetime:
        """When it was made, as staff may know it: an anonymous report only to the hour
        (portal/lib/hours.py: every page, clock, message and export asks this)."""
        return hours.known_at(self.created_at, self.is_anonymous)

    @property
    def released_at(self) -> datetime:
        """When it reaches the boards and the notifications: an anonymous one when its hour ends."""
        return hours.released_at(self.created_at, self.is_anonymous)

    def age(self, now: datetime) -> timedelta:
        """Its age from `known_at`: an anonymous report's turns only on the hour."""
        return hours.age(self.created_at, self.is_anonymous, now)

    @property
    def is_new(self) -> bool:
        """Nobody on staff has acknowledged it yet."""
        return self.status == ReportStatus.NEW

    @property
    def is_open(self) -> bool:
        """The loop is not closed yet: the report is on the triage board."""
        return self.status in _OPEN

    @property
    def is_closed(self) -> bool:
        """Fixed, every action verified and the summary decided."""
        return self.status == ReportStatus.CLOSED

    @property
    def is_set_aside(self) -> bool:
        """Merged into another report or dismissed."""
        return self.status in _SET_ASIDE

    @property
    def risk(self) -> int | None:
        """Risk = severity potential x likelihood (1-25), once both are rated."""
        if self.severity is None or self.likelihood is None:
            return None
        return self.severity * self.likelihood

    @property
    def action_progress(self) -> tuple[int, int]:
        """(done or verified, all but cancelled) of its corrective actions."""
        counting = [a for a in self.actions if a.counts]
        return sum(a.is_finished for a in counting), len(counting)

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.status}>"


def durations(
    created_at: datetime | None, acknowledged_at: datetime | None, closed_at: datetime | None
) -> tuple[int | None, int | None]:
    """(seconds to acknowledge, whole days to close) — None while it has not happened."""
    if created_at is None:
        return None, None
    ack = round((acknowledged_at - created_at).total_seconds()) if acknowledged_at else None
    close = int((closed_at - created_at).total_seconds() // 86400) if closed_at else None
    return ack, close


@event.listens_for(Report, "before_insert")
@event.listens_for(Report, "before_update")
def _durations(_mapper: object, _connection: object, report: Report) -> None:
    report.ack_seconds, report.close_days = durations(
        report.created_at, report.acknowledged_at, report.closed_at
    )
    report.anonymous = not report.reporter_name


@event.listens_for(CorrectiveAction, "before_insert")
def _of_its_report(_mapper: object, connection: Connection, action: CorrectiveAction) -> None:
    """An action keeps its report's month (which never changes) and high-potential flag
    (kept in step by _high_potential_to_actions) for the insights' counts."""
    report = action.__dict__.get("report")  # no lazy load inside a flush
    if report is not None and report.local_month:
        month, high_potential = report.local_month, report.high_potential
    else:
        month, high_potential = connection.execute(
            select(Report.local_month, Report.high_potential).where(Report.id == action.report_id)
        ).one()
    action.report_month = action.report_month or month
    action.report_high_potential = bool(high_potential)


@event.listens_for(Report, "after_update")
def _high_potential_to_actions(_mapper: object, connection: Connection, report: Report) -> None:
    """A report classified high-potential (or no longer) carries its actions along."""
    if inspect(report).attrs.high_potential.history.has_changes():
        connection.execute(
            update(CorrectiveAction)
            .where(CorrectiveAction.report_id == report.id)
            .values(report_high_potential=bool(report.high_potential))
        )


class Photo(db.Model):
    """A re-encoded photo (no metadata) stored under the upload folder with a random name."""

    __tablename__ = "photos"

    # random like the report's: a photo's URL must not count the reports either
    id: Mapped[int] = mapped_column(primary_key=True, default=unused_number("photos"))
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship(back_populates="photos")


class ReportEvent(db.Model):
    """One line of a report's append-only timeline: who, when, what."""

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    # the corrective action the event is about, if any
    action_id: Mapped[int | None] = mapped_column(ForeignKey("corrective_actions.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    # shown on the reporter's /followup timeline
    public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    action: Mapped[CorrectiveAction | None] = relationship()
