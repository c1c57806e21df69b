"""Admin views: add and change sites and locations (admins only)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from portal.admin import access, bp, site_changes
from portal.admin.forms import SLUG_TAKEN, LocationForm, SiteForm, timezone_names
from portal.extensions import db
from portal.models import Site
from portal.web import cache

Page = str | tuple[str, int]


def _form_page(template: str, form: SiteForm | LocationForm, **context: object) -> Page:
    """The form page: 200 when first shown, 422 when what was sent needs fixing."""
    page = render_template(template, form=form, **context)
    return (page, 422) if request.method == "POST" else page


def _saved(message: str, site_id: int) -> Response:
    flash(message, "info")
    return redirect(url_for("admin.sites", _anchor=f"site-{site_id}"), 303)


def _commit_site(form: SiteForm) -> bool:
    """Commit; a short name taken by a concurrent request becomes a form error, not a 500."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.slug.errors = [*form.slug.errors, SLUG_TAKEN]
        return False
    cache.places_changed()
    return True


@bp.context_processor
def _addresses() -> dict[str, object]:
    return {"report_url": site_changes.report_url, "kiosk_url": site_changes.kiosk_url}


@bp.route("/sites")
@login_required
def sites() -> str:
    """All sites with their locations, report and kiosk addresses, and poster links."""
    access.require_admin()
    query = select(Site).order_by(Site.name).options(selectinload(Site.locations))
    return render_template("admin/sites.html", sites=db.session.scalars(query).all())


@bp.route("/sites/new", methods=["GET", "POST"])
@login_required
def new_site() -> Page | Response:
    """Add a site."""
    access.require_admin()
    form = SiteForm()
    if form.validate_on_submit():
        site = site_changes.add_site(form.name.data, form.slug.data, form.timezone.data)
        if _commit_site(form):
            return _saved(_("Site added."), site.id)
    return _form_page("admin/site_form.html", form, site=None, zones=timezone_names())


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@login_required
def edit_site(site_id: int) -> Page | Response:
    """Rename a site, or change its short name or time zone."""
    site = access.site_to_edit(site_id)
    form = SiteForm(site=site)
    if form.validate_on_submit():
        site_changes.update_site(site, form.name.data, form.slug.data, form.timezone.data)
        if _commit_site(form):
            return _saved(_("Site saved."), site.id)
    return _form_page("admin/site_form.html", form, site=site, zones=timezone_names())


@bp.route("/locations/new", methods=["GET", "POST"])
@login_required
def new_location() -> Page | Response:
    """Add a location to a site; it gets its unguessable code at once."""
    access.require_admin()
    form = LocationForm(site_id=request.args.get("site", type=int))
    if not form.validate_on_submit():
        return _form_page("admin/location_form.html", form, location=None)
    location = site_changes.add_location(
        form.site_id.data, form.name.data, form.description.data, form.active.data
    )
    db.session.commit()
    cache.places_changed()
    return _saved(_("Location added."), location.site_id)


@bp.route("/locations/<int:location_id>/edit", methods=["GET", "POST"])
@login_required
def edit_location(location_id: int) -> Page | Response:
    """Rename, describe, move or disable a location; its code and posters stay the same."""
    location = access.location_to_edit(location_id)
    form = LocationForm(obj=location)
    if not form.validate_on_submit():
        return _form_page("admin/location_form.html", form, location=location)
    site_changes.update_location(
        location, form.site_id.data, form.name.data, form.description.data, form.active.data
    )
    db.session.commit()
    cache.places_changed()
    return _saved(_("Location saved."), location.site_id)
