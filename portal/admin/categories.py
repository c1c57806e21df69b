"""Report categories (admins only): add, rename, reorder, retire and restore. Never deleted.

A retired category stays on the reports that carry it and leaves the classify form.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from portal.admin import access, bp
from portal.admin.forms import CATEGORY_TAKEN, CategoryForm
from portal.extensions import db
from portal.models import Category

Page = str | tuple[str, int]


def add_category(name: str) -> Category:
    """A new active category at the end of the list; the caller commits."""
    last = db.session.scalar(select(func.coalesce(func.max(Category.position), -1)))
    category = Category(name=name, position=last + 1, active=True)
    db.session.add(category)
    return category


def move_category(category: Category, step: int) -> None:
    """Swap a category with its neighbour (step -1: up, +1: down); at either end, nothing."""
    order = Category.in_order()
    here = order.index(category)
    there = here + step
    if 0 <= there < len(order):
        order[here], order[there] = order[there], order[here]
    # Renumber all: positions from older data may repeat or leave gaps.
    for position, item in enumerate(order):
        item.position = position


def _category_to_edit(category_id: int) -> Category:
    access.require_admin()
    return db.get_or_404(Category, category_id)


def _list_page(form: CategoryForm) -> Page:
    """The list with the add form: 200 when first shown, 422 when the new name needs fixing."""
    page = render_template("admin/categories.html", form=form, categories=Category.in_order())
    return (page, 422) if request.method == "POST" else page


def _saved(message: str, category_id: int) -> Response:
    flash(message, "info")
    return redirect(url_for("admin.categories", _anchor=f"category-{category_id}"), 303)


def _commit(form: CategoryForm) -> bool:
    """Commit; a name taken by a concurrent request becomes a form error, not a 500."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.name.errors = [*form.name.errors, CATEGORY_TAKEN]
        return False
    return True


@bp.route("/categories", methods=["GET", "POST"])
@login_required
def categories() -> Page | Response:
    """The categories in order, with the form to add one."""
    access.require_admin()
    form = CategoryForm()
    if form.validate_on_submit():
        category = add_category(form.name.data)
        if _commit(form):
            return _saved(_("Category added."), category.id)
    return _list_page(form)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@login_required
def edit_category(category_id: int) -> Page | Response:
    """Rename a category; reports that carry it show the new name."""
    category = _category_to_edit(category_id)
    form = CategoryForm(category=category)
    if form.validate_on_submit():
        category.name = form.name.data
        if _commit(form):
            return _saved(_("Category renamed."), category.id)
    page = render_template("admin/category_form.html", form=form, category=category)
    return (page, 422) if request.method == "POST" else page


@bp.route("/categories/<int:category_id>/move/<any(up, down):direction>", methods=["POST"])
@login_required
def move_category_view(category_id: int, direction: str) -> Response:
    """Move a category one place up or down the list."""
    category = _category_to_edit(category_id)
    move_category(category, -1 if direction == "up" else 1)
    db.session.commit()
    return redirect(url_for("admin.categories", _anchor=f"category-{category.id}"), 303)


@bp.route("/categories/<int:category_id>/<any(retire, restore):action>", methods=["POST"])
@login_required
def retire_category(category_id: int, action: str) -> Response:
    """Retire a category (kept on old reports, gone from the classify form), or restore it."""
    category = _category_to_edit(category_id)
    category.active = action == "restore"
    db.session.commit()
    if category.active:
        return _saved(_("%(name)s is back on the classify form.", name=category.name), category.id)
    return _saved(
        _("%(name)s is retired: kept on its reports, no longer offered.", name=category.name),
        category.id,
    )
