"""What the indicators need from admins: hours worked per site and month (for rates per
200,000 hours) and each site's shifts (for the "when" split of the reports).

A month with no hours row has no hours entered, which rates leave out; 0 is a real value
(the site was closed). The grid saves all of it or nothing.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import null, select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from portal.admin import access, bp
from portal.admin.exposure_forms import MAX_HOURS, HoursGrid, ShiftsForm, cell_name
from portal.extensions import db
from portal.indicators.scope import add_months, first_day, month_of, months_between, parse_month
from portal.indicators.shifts import shifts_from
from portal.lib.timeutil import utcnow
from portal.models import ExposureHours, Site, User

Page = str | tuple[str, int]
GRID_MONTHS = 12


def stored_hours(site_ids: list[int], months: list[str]) -> dict[tuple[int, str], int]:
    """The hours entered for these sites and months, by (site id, month)."""
    if not site_ids or not months:
        return {}
    query = select(ExposureHours.site_id, ExposureHours.month, ExposureHours.hours).where(
        ExposureHours.site_id.in_(site_ids), ExposureHours.month.in_(months)
    )
    return {(site_id, month): hours for site_id, month, hours in db.session.execute(query)}


def save_hours(site_hours: dict[tuple[int, str], int | None], actor: User) -> int:
    """Store hours per (site id, "YYYY-MM"); None removes the month's row (back to "not
    entered"). Only changed months are stamped with the actor; returns how many changed.
    The caller commits."""
    for (_site_id, month), hours in site_hours.items():
        if parse_month(month) != month:
            raise ValueError(f"not a month: {month!r}")
        if hours is not None and not 0 <= hours <= MAX_HOURS:
            raise ValueError(f"hours out of range: {hours!r}")
    site_ids = sorted({site_id for site_id, _month in site_hours})
    months = sorted({month for _site_id, month in site_hours})
    query = select(ExposureHours).where(
        ExposureHours.site_id.in_(site_ids), ExposureHours.month.in_(months)
    )
    rows = {(row.site_id, row.month): row for row in db.session.scalars(query)}
    changed = 0
    for (site_id, month), hours in site_hours.items():
        row = rows.get((site_id, month))
        if hours is None:
            if row is not None:
                db.session.delete(row)
                changed += 1
        elif row is None:
            db.session.add(
                ExposureHours(site_id=site_id, month=month, hours=hours, updated_by_id=actor.id)
            )
            changed += 1
        elif row.hours != hours:
            row.hours, row.updated_by_id, row.updated_at = hours, actor.id, utcnow()
            changed += 1
    return changed


def _commit_hours(site_hours: dict[tuple[int, str], int | None], actor: User) -> int:
    """Save and commit; a month another admin added meanwhile is updated on a second try."""
    try:
        changed = save_hours(site_hours, actor)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        changed = save_hours(site_hours, actor)
        db.session.commit()
    return changed


def month_label(month: str, style: str = "LLLL y") -> str:
    """A month as words in the page's language ("January 2025")."""
    return format_date(first_day(month), style)


def _grid_months() -> list[str]:
    """The 12 months ending at ?to=YYYY-MM (default: this month)."""
    last = parse_month(request.args.get("to")) or month_of(utcnow())
    return months_between(add_months(last, -(GRID_MONTHS - 1)), last)


def _grid_page(sites: list[Site], months: list[str], grid: HoursGrid) -> Page:
    """The grid: 200 when first shown, 422 when a cell needs fixing (all typed text kept)."""
    this_month = month_of(utcnow())
    page = render_template(
        "admin/exposure.html",
        sites=sites,
        months=months,
        grid=grid,
        cell_name=cell_name,
        month_label=month_label,
        earlier=add_months(months[-1], -GRID_MONTHS),
        later=min(add_months(months[-1], GRID_MONTHS), this_month),
        this_month=this_month,
    )
    return (page, 422) if grid.errors else page


@bp.route("/exposure", methods=["GET", "POST"])
@login_required
def exposure() -> Page | Response:
    """Hours worked per site and month: a grid of 12 months, saved all at once."""
    access.require_admin()
    months = _grid_months()
    sites = list(db.session.scalars(select(Site).order_by(Site.name, Site.id)))
    site_ids = [site.id for site in sites]
    if request.method == "GET":
        return _grid_page(sites, months, HoursGrid.stored(stored_hours(site_ids, months)))
    grid = HoursGrid.read(request.form, site_ids, months)
    if grid.errors:
        return _grid_page(sites, months, grid)
    _commit_hours(grid.values, current_user)
    flash(_("Hours saved."), "info")
    return redirect(url_for("admin.exposure", to=months[-1]), 303)


def set_shifts(site: Site, spec: list[dict[str, str | int]] | None) -> None:
    """Give a site its shifts; None (the defaults) is stored as SQL NULL, as on a new site."""
    # a plain None would be stored as the JSON value null, which `shifts IS NULL` misses
    site.shifts = spec if spec is not None else null()  # type: ignore[assignment]


def _shifts_page(site: Site, form: ShiftsForm) -> Page:
    page = render_template(
        "admin/shifts.html", site=site, form=form, shifts=shifts_from(site.shifts)
    )
    return (page, 422) if request.method == "POST" else page


@bp.route("/sites/<int:site_id>/shifts", methods=["GET", "POST"])
@login_required
def shifts(site_id: int) -> Page | Response:
    """A site's shifts: up to four, each a name and the hour it starts."""
    site = access.site_to_edit(site_id)
    form = ShiftsForm() if request.method == "POST" else ShiftsForm.for_site(site.shifts)
    if form.validate_on_submit():
        set_shifts(site, form.spec())
        db.session.commit()
        flash(_("Shifts saved."), "info")
        return redirect(url_for("admin.shifts", site_id=site.id), 303)
    return _shifts_page(site, form)


@bp.route("/sites/<int:site_id>/shifts/defaults", methods=["POST"])
@login_required
def default_shifts(site_id: int) -> Response:
    """Give a site the three 8-hour default shifts again."""
    site = access.site_to_edit(site_id)
    set_shifts(site, None)
    db.session.commit()
    flash(_("%(site)s has the default shifts again.", site=site.name), "info")
    return redirect(url_for("admin.shifts", site_id=site.id), 303)
