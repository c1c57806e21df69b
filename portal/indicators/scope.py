"""What the indicators are computed over: the sites a user may see (or one of them) and a
range of whole calendar months, read from URL parameters (?site=<id>&from=YYYY-MM&to=YYYY-MM).

Months, not days: hours worked are entered per month, so rates only mean something over whole
months, and a management review is monthly. A report's month is its month in its site's time
zone (Report.local_month). Wrong parameters are ignored with a note, never a 400.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from portal.domain import permissions
from portal.extensions import db
from portal.lib import params
from portal.lib.lazytext import lazy_gettext as _l
from portal.lib.timeutil import utcnow
from portal.models import Report, Site, User

DEFAULT_MONTHS = 12
MAX_MONTHS = 120
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_of(day: date | datetime) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def add_months(month: str, count: int) -> str:
    year, number = int(month[:4]), int(month[5:7])
    index = year * 12 + (number - 1) + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from first to last, both included ("YYYY-MM")."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def last_day(month: str) -> date:
    return first_day(add_months(month, 1)) - timedelta(days=1)


def parse_month(raw: str | None) -> str | None:
    """ "YYYY-MM" when it is one (years 2000-2999), else None."""
    match = _MONTH.match((raw or "").strip())
    if not match or not 2000 <= int(match.group(1)) <= 2999:
        return None
    return match.group(0)


@dataclass(frozen=True)
class Scope:
    """Sites (ids the user may see) and an inclusive month range; `now` is naive UTC."""

    site_ids: tuple[int, ...]
    first_month: str
    last_month: str
    now: datetime
    site: int | None = None  # the one site chosen in the filter, if any
    notes: tuple[Any, ...] = field(default=(), compare=False)

    @property
    def months(self) -> list[str]:
        return months_between(self.first_month, self.last_month)

    @property
    def first_day(self) -> date:
        return first_day(self.first_month)

    @property
    def last_day(self) -> date:
        return last_day(self.last_month)

    @property
    def today(self) -> date:
        return self.now.date()

    def args(self) -> dict[str, str | int]:
        """URL parameters that rebuild this scope (for links, exports and the filter form)."""
        values: dict[str, str | int] = {"from": self.first_month, "to": self.last_month}
        if self.site is not None:
            values["site"] = self.site
        return values


def first_month_with_reports(site_ids: tuple[int, ...]) -> str | None:
    """The earliest month any report of these sites belongs to (None: they have none yet).
    One seek per site on the (site_id, local_month) index, not a scan of their reports."""
    earliest = (
        select(func.min(Report.local_month)).where(Report.site_id == Site.id).scalar_subquery()
    )
    return db.session.scalar(select(func.min(earliest)).where(Site.id.in_(site_ids or (-1,))))


def default_first_month(last: str, site_ids: tuple[int, ...]) -> str:
    """Where a range ending in `last` starts when none is asked for: 12 months back, or the
    first month with reports if that is later (no run of empty months before the data)."""
    first = add_months(last, -(DEFAULT_MONTHS - 1))
    with_data = first_month_with_reports(site_ids)
    if with_data is not None and first < with_data <= last:
        return with_data
    return first


def visible_sites(user: User) -> list[Site]:
    """The sites the user may see, by name."""
    query = select(Site).where(permissions.at_visible_sites(user, Site.id)).order_by(Site.name)
    return list(db.session.scalars(query))


def scope_for(
    user: User,
    args: Mapping[str, str],
    *,
    now: datetime | None = None,
    sites: list[Site] | None = None,
) -> Scope:
    """The scope a request asks for, limited to what the user may see."""
    now = now or utcnow()
    notes: list[Any] = []
    sites = visible_sites(user) if sites is None else sites
    allowed = tuple(site.id for site in sites)
    chosen = params.number(args, "site", notes, _l("site"))
    if chosen is not None and chosen not in allowed:
        notes.append(_l("Ignored the site filter: you do not see that site."))
        chosen = None
    site_ids = (chosen,) if chosen is not None else allowed
    last = _month_arg(args, "to", notes) or month_of(now)
    first = _month_arg(args, "from", notes) or default_first_month(last, site_ids)
    if first > last:
        first, last = last, first
        notes.append(_l("The dates were the wrong way round; they were swapped."))
    if len(months_between(first, last)) > MAX_MONTHS:
        first = add_months(last, -(MAX_MONTHS - 1))
        notes.append(_l("At most %(count)d months are shown at once.", count=MAX_MONTHS))
    return Scope(
        site_ids=site_ids,
        first_month=first,
        last_month=last,
        now=now,
        site=chosen,
        notes=tuple(notes),
    )


def _month_arg(args: Mapping[str, str], name: str, notes: list[Any]) -> str | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    month = parse_month(raw)
    if month is None:
        notes.append(_l("Ignored “%(value)s”: give a month as YYYY-MM.", value=raw[:20]))
    return month
