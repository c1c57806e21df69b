"""What the crew sees: publishing a closed report's fix, and the public items and figures.

A report reaches a public page only when staff published it, and then only with the words
staff wrote for the public (what was reported, what was fixed), its place, how many days the
fix took and the strongest control used. Never the reporter's name, role, receipt, raw text
or raw photos: the public item is built here from staff-written fields only.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.domain import loop, moments, permissions, steps
from portal.domain.steps import Step
from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import (
    ControlLevel,
    CorrectiveAction,
    Report,
    ReportStatus,
    Site,
    User,
    status_values,
)
from portal.models.site import bump_feed_version

MAX_PUBLIC_WHAT = 500
STRENGTH = [level.value for level in ControlLevel]  # strongest first


@dataclass(frozen=True)
class PublicFix:
    """One "you reported, we fixed" item, built from staff-written fields only."""

    report_id: int
    what: str
    fixed: str
    location: str
    site: str
    site_slug: str
    timezone: str
    reported_on: datetime
    closed_at: datetime
    published_at: datetime
    days_to_fix: int
    control_level: str | None  # the strongest level among its verified actions
    photo_action_id: int | None  # an "after" photo staff marked public
    photo_size: tuple[int, int] | None = None  # its width and height, when stored


@dataclass(frozen=True)
class Figures:
    """This month's numbers for the feed header and the breakroom screen."""

    received: int
    fixed: int
    median_days_to_fix: float | None
    still_open: int


def can_publish(user: User, report: Report) -> bool:
    return permissions.can_triage(user, report)


def bump(site_id: int) -> None:
    """The site's public pages changed: screens and feeds fetch them afresh."""
    bump_feed_version(site_id)


def publish(report: Report, actor: User, *, public_what: str) -> None:
    """Put a closed report's fix on the public feed and screens, with neutral public words."""
    if not can_publish(actor, report):
        raise loop.PermissionDenied
    if not steps.report_allows(report, Step.PUBLISH):
        raise loop.TransitionError("only a closed report (fixed and checked) is published")
    if report.summary_not_public or not report.public_summary:
        raise loop.InvalidInput("the report has no public “what we fixed” summary")
    text = " ".join(public_what.split())
    if not text:
        raise loop.InvalidInput("say in neutral words what was reported")
    if len(text) > MAX_PUBLIC_WHAT:
        raise loop.InvalidInput(f"keep what was reported under {MAX_PUBLIC_WHAT} characters")
    now = utcnow()
    report.public_what = text
    report.published_at = report.published_at or now
    loop.record(report, actor, "published", now, note=text)
    bump(report.site_id)


def unpublish(report: Report, actor: User) -> None:
    """Take the item off every public page (screens drop it at their next refresh)."""
    if not can_publish(actor, report):
        raise loop.PermissionDenied
    if report.published_at is None:
        raise loop.TransitionError("the report is not published")
    report.published_at = None
    loop.record(report, actor, "unpublished", utcnow())
    bump(report.site_id)


def set_photo_public(action: CorrectiveAction, actor: User, *, public: bool) -> None:
    """Mark the photo of a fix for the public feed, or take it back."""
    if not can_publish(actor, action.report):
        raise loop.PermissionDenied
    if action.completion_photo is None:
        raise loop.InvalidInput("the action has no photo")
    action.completion_photo_public = public
    kind = "photo_public" if public else "photo_private"
    loop.record(action.report, actor, kind, utcnow(), action=action)
    bump(action.report.site_id)


def _published(site_id: int | None):  # type: ignore[no-untyped-def]
    query = select(Report).where(
        Report.published_at.is_not(None), Report.status == ReportStatus.CLOSED.value
    )
    if site_id is not None:
        query = query.where(Report.site_id == site_id)
    return query


def count_published(site_id: int | None = None) -> int:
    query = _published(site_id).with_only_columns(func.count(Report.id))
    return db.session.scalar(query) or 0


def published_fixes(
    site_id: int | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    closed_since: datetime | None = None,
) -> list[PublicFix]:
    """The newest published fixes first (closed since a moment, when given), in a fixed
    number of queries."""
    query = _published(site_id)
    if closed_since is not None:
        query = query.where(Report.closed_at >= closed_since)
    query = (
        query.order_by(Report.closed_at.desc(), Report.id.desc())
        .limit(limit)
        .offset(offset)
        .options(
            joinedload(Report.site),
            joinedload(Report.location),
            selectinload(Report.actions),
        )
    )
    return [_item(report) for report in db.session.scalars(query).unique()]


def days_to_fix(known_at: datetime, closed_at: datetime) -> int:
    """Whole days from the report (as anyone may know its time) to the closed fix."""
    return max((closed_at - known_at).days, 0)


def _item(report: Report) -> PublicFix:
    verified = [a for a in report.actions if a.is_verified]
    levels = sorted((a.control_level for a in verified), key=STRENGTH.index)
    photo = next((a for a in verified if a.completion_photo and a.completion_photo_public), None)
    closed_at = report.closed_at or report.updated_at
    return PublicFix(
        report_id=report.id,
        what=report.public_what or "",
        fixed=report.public_summary or "",
        location=report.location.name,
        site=report.site.name,
        site_slug=report.site.slug,
        timezone=report.site.timezone,
        reported_on=report.known_at,
        closed_at=closed_at,
        published_at=report.published_at or closed_at,
        days_to_fix=days_to_fix(report.known_at, closed_at),
        control_level=levels[0] if levels else None,
        photo_action_id=photo.id if photo else None,
        photo_size=_size(photo),
    )


def _size(action: CorrectiveAction | None) -> tuple[int, int] | None:
    """An "after" photo's stored width and height (for the page's layout before it loads)."""
    if action is None or not (action.completion_photo_width and action.completion_photo_height):
        return None
    return action.completion_photo_width, action.completion_photo_height


def public_photo(action_id: int) -> CorrectiveAction | None:
    """An "after" photo that may be shown publicly: marked public, its report published."""
    action = db.session.get(CorrectiveAction, action_id)
    if action is None or not (action.completion_photo and action.completion_photo_public):
        return None
    report = action.report
    if report.published_at is None or not report.is_closed:
        return None
    return action


def month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def figures(site_id: int | None = None, *, now: datetime | None = None) -> Figures:
    """This calendar month (UTC): reports received, fixes closed, median days, still open.
    An anonymous report counts from the end of its hour (moments.released): a public figure
    must not step up the minute someone stood at the poster."""
    now = now or utcnow()
    start = month_start(now)
    received = select(func.count(Report.id)).where(
        Report.created_at >= start, moments.released(now)
    )
    open_states = status_values(ReportStatus.open())
    still_open = select(func.count(Report.id)).where(
        Report.status.in_(open_states), moments.released(now)
    )
    closed = select(Report.created_at, Report.closed_at).where(
        Report.status == ReportStatus.CLOSED.value, Report.closed_at >= start
    )
    if site_id is not None:
        received = received.where(Report.site_id == site_id)
        still_open = still_open.where(Report.site_id == site_id)
        closed = closed.where(Report.site_id == site_id)
    durations = [
        (closed_at - created_at).total_seconds() / 86400
        for created_at, closed_at in db.session.execute(closed)
    ]
    return Figures(
        received=db.session.scalar(received) or 0,
        fixed=len(durations),
        median_days_to_fix=round(statistics.median(durations), 1) if durations else None,
        still_open=db.session.scalar(still_open) or 0,
    )


def site_by_slug(slug: str) -> Site | None:
    return db.session.scalar(select(Site).where(Site.slug == slug))
