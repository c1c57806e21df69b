"""The one rule of an anonymous report's time: for anyone but the database it exists only as
its hour.

A named report is known to the second. An anonymous one is stored at the start of its hour
(`known_at`), ages from there, and reaches staff only when that hour is over (`released_at`):
every board, count, notification, export and public figure asks these functions, so no
channel can place it closer than the hour (docs/decisions.md, "Anonymous in time").
"""

from __future__ import annotations

from datetime import datetime, timedelta

HOUR = timedelta(hours=1)


def hour_floor(moment: datetime) -> datetime:
    """The start of the (UTC) hour a moment falls in."""
    return moment.replace(minute=0, second=0, microsecond=0)


def known_at(moment: datetime, anonymous: bool) -> datetime:
    """A report's moment as anyone may know it: to the second when named, the hour otherwise."""
    return hour_floor(moment) if anonymous else moment


def released_at(moment: datetime, anonymous: bool) -> datetime:
    """When staff may first see a report: at once when named; an anonymous one when its hour
    is over, together with every other anonymous report of that hour."""
    return hour_floor(moment) + HOUR if anonymous else moment


def is_released(moment: datetime, anonymous: bool, now: datetime) -> bool:
    """Whether staff may see the report by now (see `released_at`)."""
    return released_at(moment, anonymous) <= now


def age(moment: datetime, anonymous: bool, now: datetime) -> timedelta:
    """How long ago a report was made, counted from the moment anyone may know: an anonymous
    report's age (its labels, its acknowledgement clock) turns only on hour boundaries."""
    return max(now - known_at(moment, anonymous), timedelta(0))
