"""The staff change trail: admins read it and export it as CSV. No route edits or deletes an
entry (and the model refuses it: portal/models/people.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Response
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import aliased

from portal.domain import labels
from portal.extensions import db
from portal.indicators.csvsafe import safe_cell
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import StaffChange, User
from portal.people import bp
from portal.people.access import require_admin
from portal.web.pages import render

PAGE_LIMIT = 500
BATCH = 1000
COLUMNS = (
    _l("When (UTC)"),
    _l("Who"),
    _l("Who's email"),
    _l("Person"),
    _l("Person's email"),
    _l("Change"),
    _l("Before"),
    _l("After"),
)


def _rows(after_id: int | None = None, limit: int = PAGE_LIMIT, newest_first: bool = True):
    actor, subject = aliased(User), aliased(User)
    query = (
        select(StaffChange, actor, subject)
        .outerjoin(actor, StaffChange.actor_id == actor.id)
        .join(subject, StaffChange.subject_id == subject.id)
        .limit(limit)
    )
    if newest_first:
        return db.session.execute(query.order_by(StaffChange.id.desc())).all()
    if after_id is not None:
        query = query.where(StaffChange.id > after_id)
    return db.session.execute(query.order_by(StaffChange.id)).all()


@bp.get("/changes")
@login_required
def changes() -> str:
    """The latest changes to staff accounts, newest first."""
    require_admin()
    return render(
        "people/changes.html",
        "people/changes.html",
        rows=_rows(),
        change_word=labels.STAFF_CHANGE,
        limit=PAGE_LIMIT,
    )


def _csv_lines() -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel then reads UTF-8
    writer.writerow([safe_cell(column) for column in COLUMNS])
    after: int | None = None
    while True:
        rows = _rows(after, BATCH, newest_first=False)
        for change, actor, subject in rows:
            writer.writerow(
                [
                    safe_cell(change.at.strftime("%Y-%m-%d %H:%M:%S")),
                    safe_cell(actor.name if actor else _l("(command line)")),
                    safe_cell(actor.email if actor else ""),
                    safe_cell(subject.name),
                    safe_cell(subject.email),
                    safe_cell(labels.label(labels.STAFF_CHANGE, change.what)),
                    safe_cell(change.before),
                    safe_cell(change.after),
                ]
            )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(rows) < BATCH:
            return
        after = rows[-1][0].id


@bp.get("/changes.csv")
@login_required
def export_changes() -> Response:
    """Every change to staff accounts as CSV, oldest first, formula-safe cells."""
    require_admin()
    body = "".join(_csv_lines())
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="closecall-staff-changes.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
