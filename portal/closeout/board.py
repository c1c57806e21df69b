"""The closeout board's queries: filters from the URL, the five columns, their counts.

Due dates are days at the site, so "overdue" and "due this week" are decided against each
site's own today. Sites sharing a today (at most a few: time zones span about a day) share
one SQL condition, so the whole board is three queries whatever the number of cards: the
visible sites with their time zones, the counts, and the ranked cards with their joins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select
from sqlalchemy.orm import joinedload

from portal.domain import labels, permissions
from portal.extensions import db
from portal.lib import params, sla
from portal.lib.lazytext import lazy_gettext as _l
from portal.lib.timeutil import utcnow
from portal.models import ActionStatus, CorrectiveAction, Report, Site, User
from portal.web.boards import ColumnHeading, More

BOARD_LIMIT = 25  # cards per column at first; more are loaded in place, as many at a time
VERIFIED_DAYS = 30

OPEN = ActionStatus.OPEN.value
# the columns: open actions by how soon they are due, then done ones, then verified ones
OVERDUE = sla.OVERDUE_ACTION
THIS_WEEK = sla.DUE_THIS_WEEK
LATER = sla.DUE_LATER
DONE = ActionStatus.DONE.value
VERIFIED = ActionStatus.VERIFIED.value
COLUMNS = (OVERDUE, THIS_WEEK, LATER, DONE, VERIFIED)
COLUMN_LABELS = {
    OVERDUE: (_l("Overdue"), _l("open, past their due date")),
    THIS_WEEK: (_l("Due this week"), _l("open, due within %(num)d days", num=sla.DUE_SOON_DAYS)),
    LATER: (_l("Later"), _l("open, due after this week")),
    DONE: (labels.ACTION_STATUS[ActionStatus.DONE], _l("someone else checks the fix")),
    VERIFIED: (labels.ACTION_STATUS[ActionStatus.VERIFIED], _l("in the last 30 days")),
}
CARD_LOADS = (
    joinedload(CorrectiveAction.report).joinedload(Report.site),
    joinedload(CorrectiveAction.report).joinedload(Report.location),
    joinedload(CorrectiveAction.owner),
    joinedload(CorrectiveAction.completed_by),
    joinedload(CorrectiveAction.verified_by),
)


def now() -> datetime:
    """The board's clock (naive UTC); tests move it."""
    return utcnow()


def today_at(timezone: str) -> date:
    """The calendar day now at a site."""
    return sla.site_today(now(), timezone)


@dataclass
class Filters:
    """What the board is narrowed to; `notes` says which values were ignored and why."""

    site: int | None = None
    owner: int | None = None
    mine: bool = False
    hipo: bool = False
    notes: list[Any] = field(default_factory=list)

    def args(self) -> dict[str, str]:
        """The filters as URL parameters, only those set: the bookmarkable board address."""
        values = {
            "site": self.site,
            "owner": self.owner,
            "mine": 1 if self.mine else None,
            "hipo": 1 if self.hipo else None,
        }
        return {key: str(value) for key, value in values.items() if value is not None}

    def owner_id(self, user: User) -> int | None:
        """The owner the cards must have: the user with `mine`, else the owner filter."""
        return user.id if self.mine else self.owner


@dataclass(frozen=True)
class Column(ColumnHeading):
    """One column: its key, how many actions it holds, and the first `limit` cards."""

    LABELS = COLUMN_LABELS
    KEY_FIELD = "key"
    MORE_ENDPOINT = "closeout.column"

    key: str
    count: int
    cards: list[CorrectiveAction]
    limit: int


def parse_filters(args: Mapping[str, str], user: User) -> Filters:
    """Read the filters from URL parameters; invalid values, or not the user's, are ignored."""
    notes: list[Any] = []
    filters = Filters(notes=notes)
    filters.site = params.number(args, "site", notes, _l("site"))
    if filters.site is not None and not permissions.can_view_site(user, filters.site):
        notes.append(_l("Ignored the site filter: not a site you can see."))
        filters.site = None
    filters.owner = params.number(args, "owner", notes, _l("owner"))
    filters.mine = params.flag(args, "mine", notes, _l("Ignored “mine”: use 1 to show only yours."))
    if filters.mine and filters.owner is not None and filters.owner != user.id:
        notes.append(_l("Ignored the owner filter: “only mine” is on."))
        filters.owner = None
    filters.hipo = params.flag(
        args, "hipo", notes, _l("Ignored the high-potential filter: use 1 to show only those.")
    )
    return filters


def visible_sites(user: User, filters: Filters | None = None) -> list[Site]:
    """The sites the user sees (only the filtered one when the site filter is on), by name."""
    query = select(Site).where(permissions.at_visible_sites(user, Site.id)).order_by(Site.name)
    if filters is not None and filters.site is not None:
        query = query.where(Site.id == filters.site)
    return list(db.session.scalars(query).all())


def _days(sites: list[Site]) -> dict[date, list[int]]:
    """The sites grouped by their calendar day now."""
    groups: dict[date, list[int]] = defaultdict(list)
    for site in sites:
        groups[today_at(site.timezone)].append(site.id)
    return groups


def _before(days: dict[date, list[int]], shift: timedelta) -> ColumnElement[bool]:
    """Due before the site's today + shift."""
    parts = [
        and_(CorrectiveAction.site_id.in_(ids), CorrectiveAction.due_on < day + shift)
        for day, ids in days.items()
    ]
    return or_(*parts) if parts else false()


def _bucket(days: dict[date, list[int]]) -> ColumnElement[str]:
    """The column of an action, in SQL (the same rule as bucket_of below)."""
    return case(
        (CorrectiveAction.status == DONE, DONE),
        (CorrectiveAction.status == VERIFIED, VERIFIED),
        (_before(days, timedelta(0)), OVERDUE),
        (_before(days, sla.DUE_SOON_UNTIL), THIS_WEEK),
        else_=LATER,
    )


def _scoped(user: User, filters: Filters, days: dict[date, list[int]]) -> Select[Any]:
    """Actions on the board: open, done, recently verified, at the user's sites, filtered."""
    recent = now() - timedelta(days=VERIFIED_DAYS)
    query = select(
        CorrectiveAction.id,
        _bucket(days).label("bucket"),
        CorrectiveAction.status,
        CorrectiveAction.due_on,
        CorrectiveAction.completed_at,
        CorrectiveAction.verified_at,
    ).where(
        or_(
            CorrectiveAction.status.in_([OPEN, DONE]),
            and_(CorrectiveAction.status == VERIFIED, CorrectiveAction.verified_at >= recent),
        ),
        permissions.at_visible_sites(user, CorrectiveAction.site_id),
    )
    if filters.site is not None:
        query = query.where(CorrectiveAction.site_id == filters.site)
    owner = filters.owner_id(user)
    if owner is not None:
        query = query.where(CorrectiveAction.owner_id == owner)
    if filters.hipo:
        query = query.join(Report, Report.id == CorrectiveAction.report_id).where(
            Report.high_potential.is_(True)
        )
    return query


def counts(user: User, filters: Filters, sites: list[Site]) -> dict[str, int]:
    """How many actions each column holds."""
    # grouped in an outer query: PostgreSQL cannot match a GROUP BY on a CASE with bound dates
    base = _scoped(user, filters, _days(sites)).subquery()
    rows = db.session.execute(select(base.c.bucket, func.count()).group_by(base.c.bucket)).all()
    found = {bucket: count for bucket, count in rows}
    return {key: found.get(key, 0) for key in COLUMNS}


def heads(totals: dict[str, int]) -> list[Column]:
    """The columns without cards: what the headings need to update their counts."""
    return [Column(key, totals[key], [], BOARD_LIMIT) for key in COLUMNS]


def _ranked(
    user: User, filters: Filters, sites: list[Site], first: int, last: int, key: str | None = None
) -> dict[str, list[CorrectiveAction]]:
    """Cards `first` to `last` of each column (of one column, `key`), in the column's order:
    overdue and due soonest first; done oldest-completed first (waiting longest to be
    checked); verified newest first."""
    base = _scoped(user, filters, _days(sites)).subquery()
    open_first = case((base.c.status == OPEN, base.c.due_on))
    done_first = case((base.c.status == DONE, base.c.completed_at))
    verified_first = case((base.c.status == VERIFIED, base.c.verified_at))
    rank = func.row_number().over(
        partition_by=base.c.bucket,
        order_by=(open_first, done_first, verified_first.desc(), base.c.id),
    )
    ranked = select(base.c.id, base.c.bucket, rank.label("rank"))
    if key is not None:
        ranked = ranked.where(base.c.bucket == key)
    ranks = ranked.subquery()
    query = (
        select(CorrectiveAction, ranks.c.bucket)
        .join(ranks, ranks.c.id == CorrectiveAction.id)
        .where(ranks.c.rank.between(first, last))
        .order_by(ranks.c.rank)
        .options(*CARD_LOADS)
    )
    cards: dict[str, list[CorrectiveAction]] = defaultdict(list)
    for action, bucket in db.session.execute(query).unique().all():
        cards[bucket].append(action)
    return cards


def columns(
    user: User, filters: Filters, sites: list[Site], limit: int | None = None
) -> list[Column]:
    """The five columns, each with its count and its first BOARD_LIMIT cards in its order."""
    cards = _ranked(user, filters, sites, 1, limit or BOARD_LIMIT)
    totals = counts(user, filters, sites)
    return [Column(key, totals[key], cards[key], limit or BOARD_LIMIT) for key in COLUMNS]


def more_cards(
    user: User, filters: Filters, sites: list[Site], key: str, shown: int
) -> tuple[list[CorrectiveAction], More]:
    """The next BOARD_LIMIT cards of a column after the `shown` first, and what is left."""
    cards = _ranked(user, filters, sites, shown + 1, shown + BOARD_LIMIT, key)[key]
    shown += len(cards)
    remaining = max(counts(user, filters, sites)[key] - shown, 0)
    return cards, More(Column.MORE_ENDPOINT, key, shown, remaining, BOARD_LIMIT)


def bucket_of(action: CorrectiveAction) -> str | None:
    """The column an action belongs in now (None: not on the board)."""
    if action.status in (DONE, VERIFIED):
        return action.status
    if action.status != OPEN:
        return None
    return sla.due_bucket(action.due_on, today_at(action.report.site.timezone))


def still_shown(action: CorrectiveAction, user: User, filters: Filters) -> str | None:
    """The column the action now belongs in on this filtered board (None: it leaves it)."""
    owner = filters.owner_id(user)
    if filters.site is not None and action.site_id != filters.site:
        return None
    if owner is not None and action.owner_id != owner:
        return None
    if filters.hipo and not action.report.high_potential:
        return None
    return bucket_of(action)
