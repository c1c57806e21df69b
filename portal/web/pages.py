"""Template helpers shared by every surface."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, render_template, request

from portal.lib import dates


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


def report_time(report: object) -> str:
    """When a report was made, in its site's zone; for an anonymous one only to the hour,
    so a shift roster cannot single out who was there at that minute (Report.known_at)."""
    return dates.report_moment(
        report.known_at,  # type: ignore[attr-defined]
        report.is_anonymous,  # type: ignore[attr-defined]
        report.site.timezone,  # type: ignore[attr-defined]
    )


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
    app.jinja_env.filters["local_time"] = dates.moment
    app.jinja_env.filters["day"] = dates.day
    app.jinja_env.globals["day"] = dates.day
    app.jinja_env.filters["month"] = dates.month
    app.jinja_env.filters["report_time"] = report_time
    app.jinja_env.filters["iso_time"] = iso_time
    app.jinja_env.globals["is_fragment_request"] = is_fragment_request
