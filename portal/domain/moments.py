"""Which reports staff may see by now, in SQL: the query side of portal/lib/hours.py.

Every list, count and figure of reports (boards, their poll, the staff home, insights, exports,
the public display) filters with `released`; the board's poll asks `released_between`.
A named report is released when it is made; an anonymous one when its hour is over.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, not_, or_

from portal.lib.hours import hour_floor
from portal.models import Report


def released(now: datetime) -> ColumnElement[bool]:
    """Reports staff may see at `now`: anonymous ones of past hours, named ones made by then.
    Written with the common case first — a report of an hour already over is released
    whoever made it — so a pass over months of reports decides nearly every row with one
    comparison (a tenth of an insights pass)."""
    return or_(
        Report.created_at < hour_floor(now),
        and_(Report.anonymous.is_(False), Report.created_at <= now),
    )


def released_between(since: datetime, until: datetime) -> ColumnElement[bool]:
    """Reports released after `since` and by `until`: what a poll at `until` brings."""
    return and_(released(until), not_(released(since)))
