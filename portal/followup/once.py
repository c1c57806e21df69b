"""A reporter's write stored once, however often the form is sent.

A double tap or a reload sends the same answer again: `wanted()` says whether it still should
be stored. On PostgreSQL two such posts can race; the report's version column makes the second
commit fail, and the retry then reads the report again and finds the first.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm.exc import StaleDataError

from portal.extensions import db
from portal.models import Report


def store_once(report: Report, wanted: Callable[[], bool], write: Callable[[], object]) -> bool:
    """Write and commit while `wanted()`; True when stored."""
    for attempt in range(2):
        if not wanted():
            db.session.rollback()
            return False
        write()
        try:
            db.session.commit()
            return True
        except StaleDataError:
            db.session.rollback()  # staff changed the report meanwhile: read it again
            if attempt:
                raise
            db.session.refresh(report)
    return False
