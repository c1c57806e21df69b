"""The People page: list and search staff, invite, change role and sites, deactivate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from portal.domain import labels, two_factor
from portal.domain import people as rules
from portal.extensions import db
from portal.models import StaffChange, User
from portal.notify.outbox import smtp_configured
from portal.people import bp
from portal.people.access import person_to_manage, require_manager
from portal.people.forms import AccessForm, InviteForm
from portal.web import answers
from portal.web.pages import render

Page = str | tuple[str, int]
MAX_SEARCH = 100
LIST_LIMIT = 500


def people_list(actor: User, search: str) -> list[User]:
    """The people the actor sees, matching the search in name or email, by name."""
    query = (
        select(User)
        .where(rules.visible_people(actor))
        .options(selectinload(User.sites))
        .order_by(func.lower(User.name), User.id)
        .limit(LIST_LIMIT)
    )
    if search:
        pattern = (
            "%" + search.lower().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        )
        query = query.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    return list(db.session.scalars(query))


def _context(**extra: object) -> dict[str, object]:
    return {
        "role_word": labels.STAFF_ROLE,
        "change_word": labels.STAFF_CHANGE,
        "is_invited": rules.is_invited,
        **extra,
    }


@bp.get("/")
@login_required
def index() -> str:
    """Staff the user sees, searchable by name or email; the rows alone for htmx."""
    require_manager()
    search = (request.args.get("q") or "").strip()[:MAX_SEARCH]
    people = people_list(current_user, search)
    return render(
        "people/index.html",
        "people/_rows.html",
        **_context(people=people, search=search, can_manage=rules.can_manage),
    )


def _access_form(form_class: type[AccessForm]) -> AccessForm:
    return form_class().offer(rules.roles_given_by(current_user), rules.sites_offered(current_user))


def _invited_page(invited: rules.Invited) -> str:
    """The invitation is queued; without a mail server the page shows the link to pass on."""
    return render_template(
        "people/invited.html",
        **_context(person=invited.user, link=invited.link, mail=smtp_configured()),
    )


@bp.route("/invite", methods=["GET", "POST"])
@login_required
def invite() -> Page:
    """Invite someone: their account waits for them to choose a password through the link."""
    require_manager()
    form = _access_form(InviteForm)
    if form.validate_on_submit():
        try:
            invited = rules.invite(
                answers.me(),
                name=form.name.data,
                email=form.email.data,
                role=form.role.data,
                sites=rules.sites_by_id(form.sites.data),
            )
            db.session.commit()
            return _invited_page(invited)
        except rules.PeopleError as problem:
            db.session.rollback()
            form.email.errors = [str(problem)]
        except rules.NotAllowed:
            db.session.rollback()
            abort(403)
    page = render_template("people/invite.html", form=form)
    return (page, 422) if request.method == "POST" else page


def _trail(person: User) -> list[StaffChange]:
    query = (
        select(StaffChange)
        .where(StaffChange.subject_id == person.id)
        .options(selectinload(StaffChange.actor))
        .order_by(StaffChange.at.desc(), StaffChange.id.desc())
        .limit(50)
    )
    return list(db.session.scalars(query))


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@login_required
def person(user_id: int) -> Page | Response:
    """A person: their name, role and sites to change, their access to end or give back."""
    person = person_to_manage(user_id)
    form = _access_form(AccessForm)
    if request.method == "GET":
        form.fill(person)
    elif form.validate_on_submit():
        try:
            changed = rules.change_access(
                answers.me(),
                person,
                name=form.name.data,
                role=form.role.data,
                sites=rules.sites_by_id(form.sites.data),
            )
            db.session.commit()
            flash(_("Saved.") if changed else _("Nothing to change."), "info")
            return redirect(url_for("people.person", user_id=person.id), 303)
        except rules.PeopleError as problem:
            db.session.rollback()
            form.role.errors = [str(problem)]
        except rules.NotAllowed:
            db.session.rollback()
            abort(403)
    page = render_template(
        "people/person.html", **_context(person=person, form=form, trail=_trail(person))
    )
    return (page, 422) if request.method == "POST" else page


@bp.post("/<int:user_id>/<any(deactivate, reactivate):step>")
@login_required
def access(user_id: int, step: str) -> Response:
    """End a person's access (every session of theirs ends at once), or give it back."""
    person = person_to_manage(user_id)
    try:
        if step == "deactivate":
            rules.deactivate(answers.me(), person)
            message = _("%(name)s can no longer sign in.", name=person.name)
        else:
            rules.reactivate(answers.me(), person)
            message = _("%(name)s can sign in again.", name=person.name)
        db.session.commit()
        flash(message, "info")
    except rules.PeopleError as problem:
        db.session.rollback()
        flash(str(problem), "error")
    return redirect(url_for("people.person", user_id=person.id), 303)


@bp.post("/<int:user_id>/invitation")
@login_required
def renew(user_id: int) -> Page | Response:
    """A new invitation link (the earlier one stops working), sent through the outbox."""
    person = person_to_manage(user_id)
    try:
        invited = rules.renew_invitation(answers.me(), person)
    except rules.PeopleError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for("people.person", user_id=person.id), 303)
    db.session.commit()
    return _invited_page(invited)


@bp.post("/<int:user_id>/two-factor")
@login_required
def two_factor_reset(user_id: int) -> Response:
    """Turn off a person's two-step sign-in (a lost phone and lost recovery codes): they sign
    in with their password alone until they set it up again."""
    person = person_to_manage(user_id)
    try:
        two_factor.reset_for(answers.me(), person)
        db.session.commit()
        flash(_("Two-step sign-in is off for %(name)s.", name=person.name), "info")
    except two_factor.TwoFactorError as problem:
        db.session.rollback()
        flash(str(problem), "error")
    except rules.NotAllowed:
        db.session.rollback()
        abort(403)
    return redirect(url_for("people.person", user_id=person.id), 303)
