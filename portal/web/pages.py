"""Template helpers shared by every surface."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Flask, render_template, request
from flask_babel import format_date, format_datetime, format_time

from portal.lib.timeutil import to_local


def is_fragment_request() -> bool:
    """htmx asked for a piece of a page (boosted requests and history restores get it whole)."""
    headers = request.headers
    return (
        bool(headers.get("HX-Request"))
        and not headers.get("HX-Boosted")
        and not headers.get("HX-History-Restore-Request")
    )


def render(page: str, fragment: str, **context: object) -> str:
    """The fragment for htmx requests, the whole page otherwise (the page includes the fragment)."""
    return render_template(fragment if is_fragment_request() else page, **context)


def local_time(moment: datetime | None, timezone: str = "UTC", style: str = "medium") -> str:
    """A stored UTC time shown in the site's zone, in the page's language."""
    if moment is None:
        return ""
    return format_datetime(to_local(moment, timezone), style, rebase=False)


def day(value: date | datetime | None, timezone: str = "UTC") -> str:
    """A calendar day as staff read it, in the page's language ("medium": 2 Dec 2026): a
    stored UTC moment as the day it was in the site's zone; a date (a due date: already a
    site's day) as it is. The one date format of the staff pages (boards, report, insights)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value, timezone).date()
    return format_date(value, "medium")


def hour_range(moment: datetime, timezone: str) -> str:
    """A stored UTC time as the hour it fell in, in the site's zone (14:00 to 15:00)."""
    local = to_local(moment, timezone).replace(minute=0, second=0, microsecond=0)
    day = format_date(local, "medium", rebase=False)
    start = format_time(local, "HH:mm", rebase=False)
    end = format_time(local + timedelta(hours=1), "HH:mm", rebase=False)
    return f"{day}, {start}\u2013{end}"  # an en dash between the hours


def report_time(report: object) -> str:
    """When a report was made, in its site's zone; for an anonymous one only to the hour,
    so a shift roster cannot single out who was there at that minute (Report.known_at)."""
    moment = report.known_at  # type: ignore[attr-defined]
    timezone = report.site.timezone  # type: ignore[attr-defined]
    if not report.is_anonymous:  # type: ignore[attr-defined]
        return local_time(moment, timezone, "short")
    return hour_range(moment, timezone)


def iso_time(moment: datetime, coarse: bool = False) -> str:
    """A stored UTC time for a `<time datetime>` attribute, to the second (to the hour when
    `coarse`: an anonymous report's moment leaves no finer trace in the markup either)."""
    if coarse:
        return moment.strftime("%Y-%m-%dT%H:00Z")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def healthz() -> tuple[str, int, dict[str, str]]:
    """A plain "hello world": for load balancers, and the baseline of the benchmarks."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz)
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["day"] = day
    app.jinja_env.globals["day"] = day
    app.jinja_env.filters["report_time"] = report_time
    app.jinja_env.filters["iso_time"] = iso_time
    app.jinja_env.globals["is_fragment_request"] = is_fragment_request
