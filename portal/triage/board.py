"""The board's queries: filters read from the URL, the columns with their counts, new cards.

Every function here runs a fixed number of queries whatever the number of cards: the cards
of all columns come from one ranked query, their many-to-one fields from joins, photos from
one IN query, and the counts from one grouped query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, case, func, or_, select

from portal.domain import labels, moments, permissions
from portal.extensions import db
from portal.lib import params, sla
from portal.lib.lazytext import lazy_gettext as _l
from portal.lib.timeutil import utcnow
from portal.models import Location, Report, ReportStatus, User, status_values
from portal.triage import themes_flag
from portal.triage.access import CARD_LOADS
from portal.web.boards import ColumnHeading, More

STATES = ReportStatus.board()  # the columns, in the loop's order
ON_BOARD = status_values(STATES)
BOARD_LIMIT = 12  # cards per column at first; more are loaded in place, as many at a time
QUERY_MAX = 200
UNASSIGNED = "none"
_EPOCH = datetime(1970, 1, 1)
_TICK = timedelta(microseconds=1)

HINTS = {
    ReportStatus.NEW: _l("awaiting acknowledgement"),
    ReportStatus.ACKNOWLEDGED: _l("needs actions"),
    ReportStatus.IN_PROGRESS: _l("actions under way"),
    ReportStatus.FIXED: _l("awaiting verification"),
}
COLUMN_LABELS = {state: (labels.REPORT_STATUS[state], HINTS[state]) for state in STATES}


@dataclass
class Filters:
    """What the board is narrowed to; `notes` says which values were ignored and why."""

    site: int | None = None
    location: int | None = None
    category: int | None = None
    owner: int | str | None = None  # a user id, or UNASSIGNED
    hipo: bool = False
    q: str = ""
    late_before: datetime | None = None  # only new reports waiting past the limit
    notes: list[Any] = field(default_factory=list)

    def args(self) -> dict[str, str]:
        """The filters as URL parameters, only those set: the bookmarkable board address."""
        values = {
            "site": self.site,
            "location": self.location,
            "category": self.category,
            "owner": self.owner,
            "hipo": 1 if self.hipo else None,
            "q": self.q or None,
            "overdue": 1 if self.late_before else None,
        }
        return {key: str(value) for key, value in values.items() if value is not None}

    @property
    def active(self) -> bool:
        return bool(self.args())


@dataclass(frozen=True)
class Column(ColumnHeading):
    """One life-cycle state on the board: its count and its newest `limit` cards."""

    LABELS = COLUMN_LABELS
    KEY_FIELD = "state"
    MORE_ENDPOINT = "triage.column"

    state: str
    count: int
    overdue: int
    cards: list[Report]
    limit: int


def parse_filters(args: Mapping[str, str], user: User) -> Filters:
    """Read the filters from URL parameters; invalid values, or not the user's, are ignored."""
    notes: list[Any] = []
    filters = Filters(notes=notes)
    filters.site = params.number(args, "site", notes, _l("site"))
    if filters.site is not None and not permissions.can_view_site(user, filters.site):
        notes.append(_l("Ignored the site filter: not a site you can see."))
        filters.site = None
    filters.location = params.number(args, "location", notes, _l("location"))
    if filters.location is not None:
        site_id = db.session.scalar(select(Location.site_id).where(Location.id == filters.location))
        if site_id is None or not permissions.can_view_site(user, site_id):
            notes.append(_l("Ignored the location filter: not a location you can see."))
            filters.location = None
    filters.category = params.number(args, "category", notes, _l("category"))
    if (args.get("owner") or "").strip() == UNASSIGNED:
        filters.owner = UNASSIGNED
    else:
        filters.owner = params.number(args, "owner", notes, _l("owner"))
    hipo_note = _l("Ignored the high-potential filter: use 1 to show only those.")
    filters.hipo = params.flag(args, "hipo", notes, hipo_note)
    filters.q = " ".join((args.get("q") or "").split())[:QUERY_MAX]
    overdue_note = _l("Ignored the overdue filter: use 1 to show only reports waiting too long.")
    if params.flag(args, "overdue", notes, overdue_note):
        filters.late_before = sla.overdue_before(utcnow(), ack_hours())
    return filters


def ack_hours() -> int:
    """The acknowledgement limit in hours (PORTAL_ACK_HOURS)."""
    return int(current_app.config.get("ACK_HOURS", sla.DEFAULT_ACK_HOURS))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def scoped(
    query: Select[Any], user: User, filters: Filters, now: datetime | None = None
) -> Select[Any]:
    """Narrow a query on reports to the user's sites and the filters, and to the reports
    released by `now` (an anonymous one once its hour is over: domain/moments.py)."""
    query = query.where(permissions.at_visible_sites(user, Report.site_id))
    query = query.where(moments.released(now or utcnow()))
    if filters.site is not None:
        query = query.where(Report.site_id == filters.site)
    if filters.location is not None:
        query = query.where(Report.location_id == filters.location)
    if filters.category is not None:
        query = query.where(Report.category_id == filters.category)
    if filters.owner == UNASSIGNED:
        query = query.where(Report.owner_id.is_(None))
    elif filters.owner is not None:
        query = query.where(Report.owner_id == filters.owner)
    if filters.hipo:
        query = query.where(Report.high_potential.is_(True))
    if filters.late_before is not None:
        query = query.where(
            Report.status == ReportStatus.NEW, Report.created_at < filters.late_before
        )
    if filters.q:
        pattern = _like(filters.q)
        query = query.where(
            or_(
                Report.what_happened.ilike(pattern, escape="\\"),
                Report.where_text.ilike(pattern, escape="\\"),
                Report.potential_text.ilike(pattern, escape="\\"),
            )
        )
    return query


def counts(
    user: User, filters: Filters, *, now: datetime, ack_hours: int
) -> dict[str, tuple[int, int]]:
    """Per board state: how many reports, and how many wait past the acknowledgement limit."""
    late = case((Report.created_at < sla.overdue_before(now, ack_hours), 1), else_=0)
    query = select(Report.status, func.count(Report.id), func.sum(late)).where(
        Report.status.in_(ON_BOARD)
    )
    rows = db.session.execute(scoped(query, user, filters, now).group_by(Report.status)).all()
    found = {status: (count, int(overdue or 0)) for status, count, overdue in rows}
    return {state: found.get(state, (0, 0)) for state in STATES}


def heads(totals: dict[str, tuple[int, int]]) -> list[Column]:
    """The columns without cards: what the headings need to update their counts."""
    return [Column(state, *totals[state], [], BOARD_LIMIT) for state in STATES]


def _card_order() -> list[ColumnElement[Any]]:
    """A column's order: the New column by the acknowledgement clock, longest waiting first
    (overdue, then warning, then calm); the others newest first."""
    waiting = case((Report.status == ReportStatus.NEW, Report.created_at), else_=None)
    return [waiting.asc(), Report.created_at.desc(), Report.id.desc()]


def _ranked_cards(
    user: User,
    filters: Filters,
    *,
    first: int,
    last: int,
    state: str | None = None,
    now: datetime | None = None,
) -> list[Report]:
    """The cards ranked first..last (from 1) in their column, of one column or of all."""
    rank = func.row_number().over(partition_by=Report.status, order_by=_card_order())
    inner = select(Report.id, rank.label("rank")).where(
        Report.status.in_([state] if state else ON_BOARD)
    )
    ranked = scoped(inner, user, filters, now).subquery()
    query = (
        select(Report)
        .join(ranked, ranked.c.id == Report.id)
        .where(ranked.c.rank.between(first, last))
        .order_by(*_card_order())
        .options(*CARD_LOADS)
    )
    cards = list(db.session.scalars(query).unique().all())
    themes_flag.remember(cards)
    return cards


def columns(
    user: User, filters: Filters, *, now: datetime, ack_hours: int, limit: int | None = None
) -> list[Column]:
    """The four columns, each with its count and its first BOARD_LIMIT cards."""
    limit = limit or BOARD_LIMIT
    cards = _ranked_cards(user, filters, first=1, last=limit, now=now)
    totals = counts(user, filters, now=now, ack_hours=ack_hours)
    return [
        Column(state, *totals[state], [c for c in cards if c.status == state], limit)
        for state in STATES
    ]


def more_cards(user: User, filters: Filters, state: str, shown: int) -> tuple[list[Report], More]:
    """The next BOARD_LIMIT cards of a column after the `shown` first, and what is left."""
    cards = _ranked_cards(user, filters, first=shown + 1, last=shown + BOARD_LIMIT, state=state)
    total = db.session.scalar(
        scoped(select(func.count(Report.id)).where(Report.status == state), user, filters)
    )
    shown += len(cards)
    remaining = max((total or 0) - shown, 0)
    return cards, More(Column.MORE_ENDPOINT, state, shown, remaining, BOARD_LIMIT)


def poll_swaps(cards: list[Report], heads: list[Column]) -> list[tuple[str, str, list[Report]]]:
    """Where the poll puts new cards, per column (state, htmx swap, cards): on top of a
    newest-first column, at the end of the New column (the longest waiting come first) — unless
    that column holds cards beyond those shown: then the count says so, and "Show more" brings
    them in their place."""
    swaps = []
    for head in heads:
        fresh = [card for card in cards if card.status == head.state]
        if not fresh:
            continue
        if head.state != ReportStatus.NEW:
            swaps.append((head.state, "afterbegin", fresh))
        elif not head.more:
            swaps.append((head.state, "beforeend", list(reversed(fresh))))
    return swaps


def poll_mark(now: datetime) -> datetime:
    """Where a board is "as of": the page shows what was released by then and the next poll
    brings what was released after it. (A report stamped just before the mark but committed
    just after it — milliseconds — waits for the next page load; the counts include it.)"""
    return now


def mark_arg(mark: datetime) -> int:
    """The mark in the poll's URL, in microseconds (a report number would count the reports)."""
    return (mark - _EPOCH) // _TICK


def parse_mark(raw: str | None) -> datetime | None:
    """The poll's `since` back to a moment; None when it is not one."""
    try:
        return _EPOCH + int(raw or "") * _TICK
    except (ValueError, OverflowError):
        return None


def new_since(user: User, filters: Filters, since: datetime, until: datetime) -> list[Report]:
    """Board cards of the reports released after `since` and by `until`, newest first (an
    anonymous report arrives when its hour ends, with the others of that hour)."""
    query = (
        select(Report)
        .where(moments.released_between(since, until), Report.status.in_(ON_BOARD))
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(BOARD_LIMIT)
        .options(*CARD_LOADS)
    )
    found = list(db.session.scalars(scoped(query, user, filters, until)).unique().all())
    themes_flag.remember(found)
    return found


def still_shown(report: Report, user: User, filters: Filters) -> bool:
    """Whether the report still belongs on this (filtered) board after a change."""
    if not report.is_open:
        return False
    query = scoped(select(Report.id).where(Report.id == report.id), user, filters)
    return db.session.scalar(query) is not None
