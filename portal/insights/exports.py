"""CSV exports of the reports and the corrective actions in the insights scope (the sites the
user sees, or the one chosen, over a range of months), for spreadsheets and audits.

The files carry no reporter's name, named report or not, and no receipt hash: export files
travel by mail and sit in shared folders, far from the portal's access rules. An anonymous
report's time is given only to the hour, so a shift roster cannot single out the reporter.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response, request, stream_with_context
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import Row, Select, select
from sqlalchemy.orm import aliased

from portal.domain import labels
from portal.extensions import db
from portal.indicators import scope as scopes
from portal.indicators.csvsafe import safe_cell
from portal.indicators.sql import in_scope
from portal.insights import bp
from portal.lib import dates, hours, sla
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import (
    ActionStatus,
    Asset,
    Category,
    CorrectiveAction,
    Location,
    Report,
    Site,
    User,
)

# Rows per statement. Each batch is its own short read, and the transaction ends between
# batches: a slow download holds neither a pool connection nor a database snapshot.
BATCH = 500

CsvColumn = tuple[Any, Callable[[Row[Any], "Clock"], object]]


class Clock:
    """Site-local times of the rows, with the sites' todays computed once per time zone."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._today: dict[str, date] = {}

    def minute(self, moment: datetime | None, zone: str) -> str:
        """ "YYYY-MM-DD HH:MM" at the site, or "" for no time."""
        return dates.export_moment(moment, zone)

    def hour(self, moment: datetime, zone: str) -> str:
        """ "YYYY-MM-DD HH:00" at the site: the hour only."""
        return dates.export_moment(moment, zone, anonymous=True)

    def today(self, zone: str) -> date:
        """The calendar day now at the site (due dates are site days)."""
        if zone not in self._today:
            self._today[zone] = sla.site_today(self.now, zone)
        return self._today[zone]


def _yes_no(flag: object) -> object:
    return gettext("yes") if flag else gettext("no")


def _submitted(row: Row[Any], clock: Clock) -> str:
    if row.anonymous:  # to the hour only: portal/lib/hours.py
        return clock.hour(hours.known_at(row.created_at, anonymous=True), row.zone)
    return clock.minute(row.created_at, row.zone)


def _risk(row: Row[Any], _clock: Clock) -> int | None:
    if row.severity is None or row.likelihood is None:
        return None
    return row.severity * row.likelihood


def _days_overdue(row: Row[Any], clock: Clock) -> int | None:
    today = clock.today(row.zone)
    if row.status != ActionStatus.OPEN or row.due_on >= today:
        return None
    return (today - row.due_on).days


REPORT_COLUMNS: tuple[CsvColumn, ...] = (
    (_l("Reference"), lambda r, c: r.id),
    (_l("Site"), lambda r, c: r.site),
    (_l("Location"), lambda r, c: r.location),
    (_l("Where"), lambda r, c: r.where_text),
    (_l("Submitted"), _submitted),
    (_l("Month"), lambda r, c: r.local_month),
    (_l("Status"), lambda r, c: labels.label(labels.REPORT_STATUS, r.status)),
    (_l("Category"), lambda r, c: r.category),
    (_l("Domain"), lambda r, c: labels.label(labels.DOMAIN, r.domain)),
    (_l("Severity"), lambda r, c: r.severity),
    (_l("Likelihood"), lambda r, c: r.likelihood),
    (_l("Risk"), _risk),
    (_l("High-potential"), lambda r, c: _yes_no(r.high_potential)),
    (_l("Source"), lambda r, c: gettext("anonymous") if r.anonymous else gettext("named")),
    (_l("Reporter role"), lambda r, c: labels.label(labels.REPORTER_ROLE, r.reporter_role)),
    (_l("Channel"), lambda r, c: labels.label(labels.CHANNEL, r.channel)),
    (_l("Quality"), lambda r, c: r.quality),
    (_l("Acknowledged"), lambda r, c: c.minute(r.acknowledged_at, r.zone)),
    (_l("Fixed"), lambda r, c: c.minute(r.fixed_at, r.zone)),
    (_l("Closed"), lambda r, c: c.minute(r.closed_at, r.zone)),
    (_l("Owner"), lambda r, c: r.owner),
    (_l("Asset"), lambda r, c: r.asset),
    (_l("What happened"), lambda r, c: r.what_happened),
    (_l("What could have happened"), lambda r, c: labels.label(labels.OUTCOME, r.outcome)),
    (_l("In their words"), lambda r, c: r.potential_text),
    (_l("Dismissed reason"), lambda r, c: labels.label(labels.DISMISS_REASON, r.dismiss_reason)),
    (_l("Merged into"), lambda r, c: r.merged_into_id),
)

ACTION_COLUMNS: tuple[CsvColumn, ...] = (
    (_l("Action"), lambda r, c: r.id),
    (_l("Reference"), lambda r, c: r.report_id),
    (_l("Site"), lambda r, c: r.site),
    (_l("Location"), lambda r, c: r.location),
    (_l("Report high-potential"), lambda r, c: _yes_no(r.high_potential)),
    (_l("Description"), lambda r, c: r.description),
    (_l("Level of control"), lambda r, c: labels.label(labels.CONTROL_LEVEL, r.control_level)),
    (_l("Owner"), lambda r, c: r.owner),
    (_l("Due"), lambda r, c: dates.export_day(r.due_on)),
    (_l("Status"), lambda r, c: labels.label(labels.ACTION_STATUS, r.status)),
    (_l("Days overdue"), _days_overdue),
    (_l("Created"), lambda r, c: c.minute(r.created_at, r.zone)),
    (_l("Completed"), lambda r, c: c.minute(r.completed_at, r.zone)),
    (_l("Completed by"), lambda r, c: r.completed_by),
    (_l("Verified"), lambda r, c: c.minute(r.verified_at, r.zone)),
    (_l("Verified by"), lambda r, c: r.verified_by),
    (_l("Cancelled"), lambda r, c: c.minute(r.cancelled_at, r.zone)),
    (_l("Cancel reason"), lambda r, c: r.cancel_reason),
    (_l("Work order"), lambda r, c: r.work_order_ref or r.work_order_url),
)


def report_rows(scope: scopes.Scope) -> Select[Any]:
    """Every report in the scope, any status, with the names it shows, in one statement."""
    owner = aliased(User)
    query = (
        select(
            Report.id,
            Site.name.label("site"),
            Site.timezone.label("zone"),
            Location.name.label("location"),
            Report.where_text,
            Report.created_at,
            Report.local_month,
            Report.status,
            Category.name.label("category"),
            Report.domain,
            Report.severity,
            Report.likelihood,
            Report.high_potential,
            # the stored flag, never the name: it does not reach this process
            Report.anonymous,
            Report.reporter_role,
            Report.channel,
            Report.quality,
            Report.acknowledged_at,
            Report.fixed_at,
            Report.closed_at,
            owner.name.label("owner"),
            Asset.name.label("asset"),
            Report.what_happened,
            Report.potential_outcome.label("outcome"),
            Report.potential_text,
            Report.dismiss_reason,
            Report.merged_into_id,
        )
        .join(Site, Site.id == Report.site_id)
        .join(Location, Location.id == Report.location_id)
        .outerjoin(Category, Category.id == Report.category_id)
        .outerjoin(owner, owner.id == Report.owner_id)
        .outerjoin(Asset, Asset.id == Report.asset_id)
    )
    return query.where(in_scope(scope))


def action_rows(scope: scopes.Scope) -> Select[Any]:
    """The corrective actions of the reports in the scope, with their people, in one statement."""
    owner, completer, verifier = aliased(User), aliased(User), aliased(User)
    query = (
        select(
            CorrectiveAction.id,
            CorrectiveAction.report_id,
            Site.name.label("site"),
            Site.timezone.label("zone"),
            Location.name.label("location"),
            Report.high_potential,
            CorrectiveAction.description,
            CorrectiveAction.control_level,
            owner.name.label("owner"),
            CorrectiveAction.due_on,
            CorrectiveAction.status,
            CorrectiveAction.created_at,
            CorrectiveAction.completed_at,
            completer.name.label("completed_by"),
            CorrectiveAction.verified_at,
            verifier.name.label("verified_by"),
            CorrectiveAction.cancelled_at,
            CorrectiveAction.cancel_reason,
            CorrectiveAction.work_order_ref,
            CorrectiveAction.work_order_url,
        )
        .join(Report, Report.id == CorrectiveAction.report_id)
        .join(Site, Site.id == Report.site_id)
        .join(Location, Location.id == Report.location_id)
        .join(owner, owner.id == CorrectiveAction.owner_id)
        .outerjoin(completer, completer.id == CorrectiveAction.completed_by_id)
        .outerjoin(verifier, verifier.id == CorrectiveAction.verified_by_id)
    )
    return query.where(in_scope(scope))


def batches(query: Select[Any]) -> Iterator[Sequence[Row[Any]]]:
    """The query's rows in batches of BATCH by its first column, an id (keyset paging)."""
    key = query.selected_columns[0]
    after = 0
    while True:
        rows = db.session.execute(query.where(key > after).order_by(key).limit(BATCH)).all()
        db.session.rollback()  # end the read: nothing is held while the client downloads
        if rows:
            yield rows
        if len(rows) < BATCH:
            return
        after = rows[-1][0]


def csv_lines(
    columns: Sequence[CsvColumn], chunks: Iterator[Sequence[Row[Any]]], clock: Clock
) -> Iterator[str]:
    """The CSV text: a byte-order mark, the header, then one piece of text per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL)
    # Excel reads a CSV without a BOM in the machine's legacy code page (accents garbled);
    # with "\ufeff" first it reads UTF-8, and other tools skip it (Python: "utf-8-sig").
    buffer.write("\ufeff")
    writer.writerow([safe_cell(header) for header, _ in columns])
    for rows in chunks:
        for row in rows:
            writer.writerow([safe_cell(value(row, clock)) for _, value in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()  # the header alone: the scope holds no rows


def filename(kind: str, scope: scopes.Scope) -> str:
    """closecall-<kind>-<from>-<to>[-<site slug>].csv"""
    parts = ["closecall", kind, scope.first_month, scope.last_month]
    if scope.site is not None:
        site = db.session.get(Site, scope.site)  # loaded by scope_for: no query
        if site is not None:
            parts.append(re.sub(r"[^a-z0-9-]", "", site.slug.lower()) or str(site.id))
    return "-".join(parts) + ".csv"


def _csv_response(
    kind: str, columns: Sequence[CsvColumn], rows: Callable[..., Select[Any]]
) -> Response:
    """Stream the rows of the scope the request asks for as a CSV attachment."""
    scope = scopes.scope_for(current_user, request.args)
    lines = csv_lines(columns, batches(rows(scope)), Clock(scope.now))
    response = Response(stream_with_context(lines), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename(kind, scope)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export/reports.csv", endpoint="export_reports")
@login_required
def export_reports() -> Response:
    """Every report in the scope as CSV, one row each, UTF-8 with a BOM so Excel shows accents
    right; never the reporter's name (export files travel by mail) nor the receipt hash."""
    return _csv_response("reports", REPORT_COLUMNS, report_rows)


@bp.get("/export/actions.csv", endpoint="export_actions")
@login_required
def export_actions() -> Response:
    """The corrective actions of the reports in the scope as CSV (UTF-8 with a BOM for Excel)."""
    return _csv_response("actions", ACTION_COLUMNS, action_rows)
