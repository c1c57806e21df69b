"""Assets per location (machines, vehicles): add, rename, retire and restore. Never deleted.

Admins keep every site's list; the safety managers and supervisors of a location's site keep
its list too, since they meet new assets while triaging. Viewers get 403; a site the user
cannot see answers 404, so its existence does not leak.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.admin import bp
from portal.admin.forms import AssetForm
from portal.domain import permissions
from portal.extensions import db
from portal.models import Asset, Location

Page = str | tuple[str, int]


def can_keep_assets(site_id: int) -> bool:
    """Triage staff of the site (and admins) keep its asset lists."""
    return current_user.role in permissions.TRIAGE_ROLES and permissions.can_view_site(
        current_user, site_id
    )


def _check_keeper(site_id: int) -> None:
    if not permissions.can_view_site(current_user, site_id):
        abort(404)
    if not can_keep_assets(site_id):
        abort(403)


def location_for_assets(location_id: int) -> Location:
    """A location whose asset list the user keeps."""
    location = db.get_or_404(Location, location_id)
    _check_keeper(location.site_id)
    return location


def asset_to_edit(asset_id: int) -> Asset:
    """An asset the user may rename, retire or restore."""
    asset = db.get_or_404(Asset, asset_id)
    _check_keeper(asset.location.site_id)
    return asset


def location_assets(location: Location) -> list[Asset]:
    """A location's assets, the active ones first, each group by name."""
    query = (
        select(Asset)
        .where(Asset.location_id == location.id)
        .order_by(Asset.active.desc(), Asset.name, Asset.id)
    )
    return list(db.session.scalars(query))


def add_asset(location: Location, name: str) -> Asset:
    """A new active asset at the location; the caller commits."""
    asset = Asset(location=location, name=name, active=True)
    db.session.add(asset)
    return asset


def _saved(message: str, asset: Asset) -> Response:
    flash(message, "info")
    url = url_for("admin.assets", location_id=asset.location_id, _anchor=f"asset-{asset.id}")
    return redirect(url, 303)


@bp.route("/locations/<int:location_id>/assets", methods=["GET", "POST"])
@login_required
def assets(location_id: int) -> Page | Response:
    """A location's assets, with the form to add one."""
    location = location_for_assets(location_id)
    form = AssetForm(location_id=location.id)
    if form.validate_on_submit():
        asset = add_asset(location, form.name.data)
        db.session.commit()
        return _saved(_("Asset added."), asset)
    page = render_template(
        "admin/assets.html", form=form, location=location, assets=location_assets(location)
    )
    return (page, 422) if request.method == "POST" else page


@bp.route("/assets/<int:asset_id>/edit", methods=["GET", "POST"])
@login_required
def edit_asset(asset_id: int) -> Page | Response:
    """Rename an asset; the reports linked to it show the new name."""
    asset = asset_to_edit(asset_id)
    form = AssetForm(location_id=asset.location_id, asset=asset)
    if form.validate_on_submit():
        asset.name = form.name.data
        db.session.commit()
        return _saved(_("Asset renamed."), asset)
    page = render_template("admin/asset_form.html", form=form, asset=asset)
    return (page, 422) if request.method == "POST" else page


@bp.route("/assets/<int:asset_id>/<any(retire, restore):action>", methods=["POST"])
@login_required
def retire_asset(asset_id: int, action: str) -> Response:
    """Retire an asset (kept on its reports, no longer offered), or restore it."""
    asset = asset_to_edit(asset_id)
    asset.active = action == "restore"
    db.session.commit()
    if asset.active:
        return _saved(_("%(name)s is back in the list.", name=asset.name), asset)
    return _saved(
        _("%(name)s is retired: kept on its reports, no longer offered.", name=asset.name), asset
    )
