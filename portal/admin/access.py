"""Access checks for the admin pages: each view calls one of these on its first line.

Editing sites and locations is for admins only (403 for other staff). Posters and QR codes
are for whoever may print a site's posters; a site the user cannot see answers 404, so its
existence does not leak, and a site they see without the right role answers 403.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from portal.domain import permissions
from portal.extensions import db
from portal.models import Location, Site


def require_admin() -> None:
    """Stop anyone but an admin with 403."""
    if not permissions.can_administer(current_user):
        abort(403)


def site_to_edit(site_id: int) -> Site:
    """A site for an admin to change."""
    require_admin()
    return db.get_or_404(Site, site_id)


def location_to_edit(location_id: int) -> Location:
    """A location for an admin to change."""
    require_admin()
    return db.get_or_404(Location, location_id)


def require_poster_printer() -> None:
    """Stop staff whose role prints no posters at any site (viewers) with 403."""
    if not (current_user.is_active and current_user.role in permissions.TRIAGE_ROLES):
        abort(403)


def _check_printable(site: Site) -> None:
    if not permissions.can_view_site(current_user, site):
        abort(404)
    if not permissions.can_print_posters(current_user, site):
        abort(403)


def site_to_print(site_id: int) -> Site:
    """A site whose posters the user may print."""
    site = db.get_or_404(Site, site_id)
    _check_printable(site)
    return site


def location_to_print(location_id: int) -> Location:
    """A location whose poster and QR code the user may print."""
    location = db.get_or_404(Location, location_id)
    _check_printable(location.site)
    return location
