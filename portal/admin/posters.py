"""QR codes and printable posters: for admins, safety managers and the site's supervisors."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.admin import access, bp, site_changes
from portal.domain import permissions
from portal.extensions import db
from portal.lib import qr
from portal.models import Location, Site

# The poster speaks both languages at once, whatever the language of the person printing it,
# so its lines are fixed copy rather than gettext messages (gettext picks one language per
# request). The page around the poster is translated as usual.
POSTER_COPY = (
    {
        "lang": "en",
        "headline": "Close call?",
        "pitch": "Report a close call in under a minute. You can stay anonymous.",
        "scan": "Scan with your phone camera.",
        "type": "Can't scan? Type this address:",
    },
    {
        "lang": "es",
        "headline": "¿Casi accidente?",
        "pitch": "Reporta un casi accidente en menos de un minuto. "
        "Puedes hacerlo de forma anónima.",
        "scan": "Escanea con la cámara de tu teléfono.",
        "type": "¿No puedes escanear? Escribe esta dirección:",
    },
)


def _image(data: bytes, mimetype: str, location: Location, extension: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'inline; filename="closecall-{location.code}.{extension}"'
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/locations/<int:location_id>/qr.png")
@login_required
def location_qr_png(location_id: int) -> Response:
    """The location's QR code as a PNG, for documents and signs made elsewhere."""
    location = access.location_to_print(location_id)
    return _image(qr.png(site_changes.report_url(location)), "image/png", location, "png")


@bp.route("/locations/<int:location_id>/qr.svg")
@login_required
def location_qr_svg(location_id: int) -> Response:
    """The location's QR code as an SVG: sharp at any print size."""
    location = access.location_to_print(location_id)
    return _image(qr.svg(site_changes.report_url(location)), "image/svg+xml", location, "svg")


@bp.route("/locations/<int:location_id>/poster")
@login_required
def location_poster(location_id: int) -> str:
    """The printable poster of one location: one sheet of A4 or Letter."""
    location = access.location_to_print(location_id)
    return render_template(
        "admin/poster.html",
        location=location,
        locations=[location],
        copy=POSTER_COPY,
    )


@bp.route("/sites/<int:site_id>/posters")
@login_required
def site_posters(site_id: int) -> str:
    """Every active poster of a site, one per printed sheet."""
    site = access.site_to_print(site_id)
    return render_template(
        "admin/posters.html",
        site=site,
        locations=site_changes.active_locations(site),
        copy=POSTER_COPY,
    )


@bp.route("/posters")
@login_required
def posters() -> str:
    """The sites whose posters the user may print, with their active locations."""
    access.require_poster_printer()
    sites = db.session.scalars(select(Site).order_by(Site.name)).all()
    printable = [site for site in sites if permissions.can_print_posters(current_user, site)]
    return render_template(
        "admin/posters_index.html",
        sites=[(site, site_changes.active_locations(site)) for site in printable],
    )
