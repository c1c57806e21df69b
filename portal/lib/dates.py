"""The one way the staff side writes a date or a time: on every page, email and printed sheet.

Babel's medium date and short time in the reader's language, at the site's time zone:
"Dec 8, 2026" and "Dec 8, 2026, 3:20 PM" in English, "8 dic 2026" and "8 dic 2026, 15:20" in
Spanish. An anonymous report's moment is only ever its hour ("Dec 8, 2026, 3:00 PM - 4:00 PM",
portal/lib/hours.py). CSV exports write ISO 8601 at the site's zone instead ("2026-12-08
15:20"): spreadsheets sort and filter on it (docs/decisions.md, "One way to write a date").
The worker's follow-up page keeps its own shorter words (portal/followup/status.py).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from babel.dates import get_datetime_format
from flask_babel import format_date, format_time, get_locale

from portal.lib import hours
from portal.lib.timeutil import to_local

DATE_STYLE = "medium"
TIME_STYLE = "short"
MONTH_PATTERN = "MMMM y"
EXPORT_MOMENT = "%Y-%m-%d %H:%M"
EXPORT_HOUR = "%Y-%m-%d %H:00"
# a day as the timeline's stored notes carry it ("2026-12-08 → 2026-12-15: parts late")
_STORED_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def day(value: date | datetime | None, timezone: str = "UTC") -> str:
    """A calendar day: "Dec 8, 2026". A date (a due date, a site's today) as it is; a stored
    UTC moment as the day it was at the site."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value, timezone).date()
    return format_date(value, DATE_STYLE)


def days_in(text: str | None) -> str | None:
    """A stored note with its ISO days written the one way ("Dec 8, 2026")."""
    if not text:
        return text

    def written(match: re.Match[str]) -> str:
        try:
            return day(date(*(int(part) for part in match.groups())))
        except ValueError:  # not a real day: someone's own words
            return match.group(0)

    return _STORED_DAY.sub(written, text)


def month(value: date) -> str:
    """A month as a heading or a range end: "December 2026"."""
    return format_date(value, MONTH_PATTERN)


def _joined(local: datetime, time_text: str) -> str:
    """The locale's own way to put a day and a time together ("{day}, {time}")."""
    pattern = get_datetime_format(DATE_STYLE, locale=get_locale())
    return pattern.replace("'", "").format(time_text, format_date(local, DATE_STYLE))


def moment(value: datetime | None, timezone: str = "UTC") -> str:
    """A stored UTC time at the site: "Dec 8, 2026, 3:20 PM"."""
    if value is None:
        return ""
    local = to_local(value, timezone)
    return _joined(local, format_time(local, TIME_STYLE, rebase=False))


def hour(value: datetime, timezone: str) -> str:
    """The hour a stored UTC time fell in, at the site: "Dec 8, 2026, 3:00 PM - 4:00 PM"."""
    start = to_local(hours.hour_floor(value), timezone)
    end = to_local(hours.hour_floor(value) + hours.HOUR, timezone)
    span = (
        f"{format_time(start, TIME_STYLE, rebase=False)}"
        f" \u2013 {format_time(end, TIME_STYLE, rebase=False)}"
    )
    return _joined(start, span)


def report_moment(value: datetime, anonymous: bool, timezone: str) -> str:
    """When a report was made as anyone may know it: the minute when named, the hour when
    anonymous (hours.known_at)."""
    return hour(value, timezone) if anonymous else moment(value, timezone)


def export_moment(value: datetime | None, timezone: str, anonymous: bool = False) -> str:
    """A stored UTC time for a CSV cell, at the site, to the minute (to the hour when anonymous)."""
    if value is None:
        return ""
    local = to_local(hours.known_at(value, anonymous), timezone)
    return local.strftime(EXPORT_HOUR if anonymous else EXPORT_MOMENT)


def export_day(value: date | None) -> str:
    """A calendar day for a CSV cell: "2026-12-08"."""
    return value.isoformat() if value else ""
