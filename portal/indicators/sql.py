"""SQL pieces the indicators share: which reports count, and time differences per dialect."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, and_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from portal.indicators.scope import Scope
from portal.models import Report, ReportStatus

# merged reports are duplicates of one counted elsewhere; dismissed ones were not near misses
NOT_COUNTED = (ReportStatus.MERGED.value, ReportStatus.DISMISSED.value)
DAY_SECONDS = 86400


def counted() -> ColumnElement[bool]:
    """The reports the indicators count: neither merged into another nor dismissed."""
    return Report.status.not_in(NOT_COUNTED)


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """Reports at the scope's sites whose local month falls in its range."""
    return and_(
        Report.site_id.in_(scope.site_ids or (-1,)),
        Report.local_month.between(scope.first_month, scope.last_month),
    )


class seconds_between(FunctionElement[int]):
    """Whole seconds from `earlier` to `later` (two timestamp columns), rounded."""

    type = Integer()
    inherit_cache = True
    name = "seconds_between"


class days_between(FunctionElement[int]):
    """Whole days from `earlier` to `later`, rounded down (0: within 24 hours)."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(ROUND((julianday({later}) - julianday({earlier})) * 86400) AS INTEGER)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({later} - {earlier}))) AS INTEGER)"


@compiles(days_between)
def _days(element: days_between, compiler: Any, **kw: Any) -> str:
    # integer division of whole seconds on both databases: rounds down for positive spans
    return f"({compiler.process(seconds_between(*element.clauses), **kw)} / {DAY_SECONDS})"
