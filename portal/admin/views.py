"""Admin views (sites, locations, QR posters)."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from portal import permissions
from portal.admin import bp
from portal.extensions import db
from portal.models import Site


@bp.route("/sites")
@login_required
def sites() -> str:
    """All sites with their locations."""
    if not permissions.can_administer(current_user):
        abort(403)
    items = db.session.scalars(select(Site).order_by(Site.name)).all()
    return render_template("admin/sites.html", sites=items)
