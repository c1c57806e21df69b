"""The closeout board and its card actions: plain forms without JavaScript, in place with htmx."""

from __future__ import annotations

from functools import partial

from flask import abort, current_app, render_template, request, send_from_directory, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.closeout import access, board, bp, responses
from portal.closeout.forms import CancelForm, CompleteForm, DueForm, ReassignForm, VerifyForm
from portal.domain import corrective, labels, steps
from portal.domain.owners import possible_owners
from portal.lib import dates
from portal.models import CorrectiveAction
from portal.web import answers, boards


def _late_days(action: CorrectiveAction) -> int:
    """How many days past its due date an open action is (0 when it is not late)."""
    if not action.is_open:
        return 0
    return max((board.today_at(action.report.site.timezone) - action.due_on).days, 0)


@bp.context_processor
def _card_helpers() -> dict[str, object]:
    return {
        "labels": labels,
        "late_days": _late_days,
        "action_steps": lambda action: steps.allowed_action_steps(action, current_user),
    }


@bp.after_request
def _vary(response: Response) -> Response:
    # the same URL answers a page or a fragment: caches must keep them apart
    response.vary.add("HX-Request")
    return response


@bp.get("", endpoint="board")
@login_required
def board_page() -> ResponseReturnValue:
    """The board: five columns of the corrective actions at the user's sites, filtered by URL."""
    filters = board.parse_filters(request.args, current_user)
    sites = board.visible_sites(current_user)
    shown = [site for site in sites if filters.site in (None, site.id)]
    context = {
        "filters": filters,
        "columns": board.columns(current_user, filters, shown),
        "next_url": url_for("closeout.board", **filters.args()),
        "can_act": access.may_act(),
        "inline": True,
    }
    if responses.is_fragment():  # pushed to the history: the address of the filters that apply
        push = {"HX-Push-Url": context["next_url"]}
        return render_template("closeout/_board.html", **context), push
    owners = possible_owners(current_user)
    return render_template("closeout/board.html", sites=sites, owners=owners, **context)


@bp.get(f"/columns/<any({', '.join(board.COLUMNS)}):state>")
@login_required
def column(state: str) -> ResponseReturnValue:
    """The next cards of one column after the `shown` first: in place with htmx, else a page."""
    filters = board.parse_filters(request.args, current_user)
    shown = max(request.args.get("shown", type=int) or 0, 0)
    sites = board.visible_sites(current_user, filters)
    cards, more = board.more_cards(current_user, filters, sites, state, shown)
    label = board.COLUMN_LABELS[state][0]
    return boards.more_cards_response(
        "closeout", label, shown, cards, more, filters, access.may_act()
    )


@bp.get("/actions/<int:action_id>", endpoint="card")
@login_required
def card(action_id: int) -> ResponseReturnValue:
    """One card: to close an open form, or to refresh it after a conflict."""
    return responses.card(access.action_to_view(action_id))


@bp.get("/actions/<int:action_id>/photo")
@login_required
def photo(action_id: int) -> Response:
    """The completion photo, for staff of the action's site only; never kept in a shared cache."""
    action = access.action_to_view(action_id)
    if not action.completion_photo:
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_DIR"], action.completion_photo)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/actions/<int:action_id>/complete", methods=["GET", "POST"])
@login_required
def complete(action_id: int) -> ResponseReturnValue:
    """The owner (or site staff) says it is done: a note, and a photo of the fix if any."""
    action = access.action_to_complete(action_id)
    form = CompleteForm(action, responses.next_url())
    if not form.validate_on_submit():
        return responses.form_page(action, form, "complete")
    photo = responses.store_photo(form)
    change = partial(
        corrective.complete,
        action,
        answers.me(),
        note=form.note.data,
        photo=photo,
        expected_version=form.version.data,
    )
    done = _("Action #%(id)d marked done.", id=action.id)
    files = [photo.stored_name] if photo else []
    return responses.act(action, form, change, done, "complete", files=files)


@bp.route("/actions/<int:action_id>/verify", methods=["GET", "POST"])
@login_required
def verify(action_id: int) -> ResponseReturnValue:
    """Someone other than the person who completed it checked that the control really changed."""
    action = access.action_to_work_on(action_id)
    form = VerifyForm(action, responses.next_url())
    if not form.validate_on_submit():
        return responses.form_page(action, form, "verify")
    me, version = answers.me(), form.version.data
    change = partial(corrective.verify, action, me, note=form.note.data, expected_version=version)
    done = _("Action #%(id)d verified.", id=action.id)
    return responses.act(action, form, change, done, "verify")


@bp.post("/actions/<int:action_id>/reopen")
@login_required
def reopen(action_id: int) -> ResponseReturnValue:
    """Not fixed: the done action goes back to open, the note says why (from the verify form)."""
    action = access.action_to_work_on(action_id)
    form = VerifyForm(action, responses.next_url())
    if not form.validate_on_submit():
        return responses.form_page(action, form, "verify")
    me, version = answers.me(), form.version.data
    change = partial(corrective.reopen, action, me, reason=form.note.data, expected_version=version)
    done = _("Action #%(id)d sent back: it is open again.", id=action.id)
    return responses.act(action, form, change, done, "verify")


@bp.route("/actions/<int:action_id>/reassign", methods=["GET", "POST"])
@login_required
def reassign(action_id: int) -> ResponseReturnValue:
    """Give the action to another member of the site's triage staff; they are told by mail."""
    action = access.action_to_work_on(action_id)
    form = ReassignForm(action, responses.next_url())
    if not form.validate_on_submit():
        return responses.form_page(action, form, "reassign")
    owner, version = form.owners[form.owner.data], form.version.data
    change = partial(
        corrective.reassign, action, answers.me(), owner=owner, expected_version=version
    )
    done = _("Action #%(id)d given to %(name)s.", id=action.id, name=owner.name)
    return responses.act(action, form, change, done, "reassign")


@bp.route("/actions/<int:action_id>/due", methods=["GET", "POST"])
@login_required
def due(action_id: int) -> ResponseReturnValue:
    """A new due date, with the reason; the old date stays on the report's timeline."""
    action = access.action_to_work_on(action_id)
    form = DueForm(action, responses.next_url())
    if not form.validate_on_submit():
        return responses.form_page(action, form, "due")
    change = partial(
        corrective.change_due_date,
        action,
        answers.me(),
        due_on=form.new_due,
        reason=form.reason.data,
        expected_version=form.version.data,
    )
    done = _("Action #%(id)d is now due %(date)s.", id=action.id, date=dates.day(form.new_due))
    return responses.act(action, form, change, done, "due")


@bp.route("/actions/<int:action_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(action_id: int) -> ResponseReturnValue:
    """Drop an action that is no longer needed, with the reason; it stays on record."""
    action = access.action_to_work_on(action_id)
    form = CancelForm(action, responses.next_url())
    if not form.validate_on_submit():
        return responses.form_page(action, form, "cancel")
    me, version = answers.me(), form.version.data
    change = partial(
        corrective.cancel, action, me, reason=form.reason.data, expected_version=version
    )
    done = _("Action #%(id)d cancelled.", id=action.id)
    return responses.act(action, form, change, done, "cancel")
