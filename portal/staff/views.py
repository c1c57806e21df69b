"""Staff home and photos. The triage board (a later issue) grows out of this page."""

from __future__ import annotations

import io

from flask import abort, current_app, render_template, send_file
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from portal.domain import labels, moments, permissions
from portal.extensions import db
from portal.lib import photos
from portal.lib.timeutil import utcnow
from portal.models import Photo, Report
from portal.staff import bp

RECENT_LIMIT = 50


def visible_reports_query():
    """Reports at the sites the current user may see, newest first."""
    query = select(Report).order_by(Report.created_at.desc(), Report.id.desc())
    query = query.where(permissions.at_visible_sites(current_user, Report.site_id))
    query = query.where(moments.released(utcnow()))
    return query


@bp.route("/")
@login_required
def home() -> str:
    """The latest reports at the user's sites."""
    query = (
        visible_reports_query()
        .limit(RECENT_LIMIT)
        .options(
            selectinload(Report.photos), selectinload(Report.location), selectinload(Report.site)
        )
    )
    reports = db.session.scalars(query).all()
    return render_template("staff/home.html", reports=reports, status_word=labels.status_word)


@bp.route("/photos/<int:photo_id>")
@login_required
def photo(photo_id: int) -> Response:
    """A report photo, for staff who may see its report (others get 404, not a hint)."""
    item = db.session.get(Photo, photo_id)
    if item is None or not permissions.can_view_report(current_user, item.report):
        abort(404)
    # from the bytes, not the path: no Last-Modified and no ETag from the file's time, which
    # would be the second an anonymous report was stored (the ETag names the photo instead)
    data = photos.read_stored(current_app.config["UPLOAD_DIR"], item.stored_name)
    if data is None:
        abort(404)
    response = send_file(
        io.BytesIO(data), mimetype="image/jpeg", etag=photos.etag(item.stored_name)
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
