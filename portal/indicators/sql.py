"""SQL pieces the indicators share: which reports count, and which are in a scope."""

from __future__ import annotations

from sqlalchemy import BigInteger, ColumnElement, CursorResult, Select, and_, cast, func

from portal.domain import moments
from portal.extensions import db
from portal.indicators.scope import Scope
from portal.models import Report, ReportStatus, status_values

# merged reports are duplicates of one counted elsewhere; dismissed ones were not near misses
NOT_COUNTED = status_values(ReportStatus.set_aside())


def counted() -> ColumnElement[bool]:
    """The reports the indicators count: neither merged into another nor dismissed."""
    return Report.status.not_in(NOT_COUNTED)


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """Reports at the scope's sites whose local month falls in its range, released to staff
    by the scope's `now` (an anonymous report counts from the end of its hour)."""
    return and_(
        Report.site_id.in_(scope.site_ids or (-1,)),
        Report.local_month.between(scope.first_month, scope.last_month),
        moments.released(scope.now),
    )


def aggregate(query: Select) -> CursorResult:
    """The rows of an aggregate query, run on the session's connection (SQLAlchemy Core): a
    pass that streams out thousands of small groups skips the ORM's per-row work, which was
    about half its time at 20,000 groups."""
    return db.session.connection().execute(query)


def summed(counts: ColumnElement[int]) -> ColumnElement[int]:
    """The sum of counts as a whole number: PostgreSQL sums a bigint count into a numeric,
    which Python would get as a Decimal."""
    return cast(func.sum(counts), BigInteger)
