"""Times are stored as naive UTC and shown in the site's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


def utcnow() -> datetime:
    """The current time as naive UTC, the form every column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def is_valid_timezone(name: str) -> bool:
    """True when `name` is an IANA time zone this machine knows."""
    if name not in available_timezones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def to_local(moment: datetime, timezone: str) -> datetime:
    """A stored naive-UTC time in the given IANA zone."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))


def local_midnight(day: date, timezone: str) -> datetime:
    """The start of a calendar day in the given IANA zone, as naive UTC (the stored form)."""
    start = datetime.combine(day, time(), tzinfo=ZoneInfo(timezone))
    return start.astimezone(UTC).replace(tzinfo=None)
