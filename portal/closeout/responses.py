"""How the closeout board answers: a card or a page, a conflict, a refusal, or the card moved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.closeout import access, board
from portal.closeout.forms import ActionForm, CompleteForm
from portal.domain import corrective, labels, loop, steps
from portal.domain.steps import ActionStep
from portal.extensions import db
from portal.lib import photos
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import CorrectiveAction, ReportEvent
from portal.web.answers import apply_change
from portal.web.pages import is_fragment_request
from portal.web.redirects import safe_next

# the form of each step: (page title, form fragment)
FORMS: dict[str, tuple[Any, str]] = {
    ActionStep.COMPLETE: (_l("Complete action #%(id)d"), "closeout/_complete_form.html"),
    ActionStep.VERIFY: (_l("Verify action #%(id)d"), "closeout/_verify_form.html"),
    ActionStep.REASSIGN: (_l("Reassign action #%(id)d"), "closeout/_reassign_form.html"),
    ActionStep.DUE: (_l("Change the due date of action #%(id)d"), "closeout/_due_form.html"),
    ActionStep.CANCEL: (_l("Cancel action #%(id)d"), "closeout/_cancel_form.html"),
}


def is_fragment() -> bool:
    """htmx wants a piece of the page (a history restore wants the whole page)."""
    return is_fragment_request()


def next_url() -> str:
    """Where the action returns to: the board with its filters, or the report page."""
    return safe_next(request.values.get("next"), url_for("closeout.board"))


def board_filters() -> board.Filters:
    """The filters of the board the action came from (its `next` address)."""
    query = MultiDict(parse_qsl(urlsplit(next_url()).query))
    return board.parse_filters(query, current_user)


def applies(action: CorrectiveAction, name: str | None) -> bool:
    """Whether the form still makes sense for the action as it is now."""
    return name in FORMS and steps.action_allows(action, ActionStep(name))


def card(action: CorrectiveAction, code: int = 200, **context: Any) -> ResponseReturnValue:
    """The card alone for htmx, or a page around it; an open form sits inside the card."""
    name = context.get("form_name")
    title, form_template = FORMS.get(name, (_l("Action #%(id)d"), None))
    context.update(
        action=action,
        next_url=next_url(),
        can_act=access.may_act(),
        inline=is_fragment(),
        form_template=form_template,
        title=title % {"id": action.id},
    )
    if is_fragment():
        template = "closeout/_card.html"
    else:
        template = "closeout/form.html" if form_template else "closeout/card.html"
    return render_template(template, **context), code


def _no_longer(action: CorrectiveAction, typed: str = "") -> str:
    report = action.report
    if not steps.actions_may_change(report) and action.is_live:
        message = _(
            "Report #%(id)d is “%(status)s”: its actions cannot change now.",
            id=report.id,
            status=labels.status_word(report.status),
        )
    else:
        status = labels.label(labels.ACTION_STATUS_WORD, action.status)
        message = _("This action is “%(status)s” now: that no longer applies.", status=status)
    if typed:
        message += " " + _("What you typed: “%(text)s”", text=typed)
    return message


def form_page(action: CorrectiveAction, form: ActionForm, name: str) -> ResponseReturnValue:
    """The action's form in its card: 200 when it opens, 422 when what was sent needs fixing."""
    if not applies(action, name):
        typed = form.typed if form.is_submitted() else ""
        return card(
            action, 422 if typed or form.is_submitted() else 200, message=_no_longer(action, typed)
        )
    code = 422 if form.is_submitted() else 200
    return card(action, code, form=form, form_name=name)


def _changed_by(action: CorrectiveAction) -> str:
    query = (
        select(ReportEvent)
        .where(ReportEvent.action_id == action.id)
        .order_by(ReportEvent.id.desc())
        .limit(1)
    )
    event = db.session.scalar(query)
    return event.actor.name if event and event.actor else _("someone else")


def conflict(action: CorrectiveAction, form: ActionForm, name: str | None) -> ResponseReturnValue:
    """409: the fresh card, "changed by X", and the form again with what the user typed."""
    message = _("Changed by %(name)s a moment ago — here is the latest.", name=_changed_by(action))
    form.action = form.target = action
    form.refresh_version()
    if not applies(action, name):
        return card(action, 409, message=f"{message} {_no_longer(action, form.typed)}")
    return card(action, 409, form=form, form_name=name, message=message)


def refused(
    action: CorrectiveAction, form: ActionForm, name: str | None, error: Exception, status: int
) -> ResponseReturnValue:
    """409 when the action's state no longer allows the step, 422 for a rule only the domain
    can judge."""
    if isinstance(error, loop.TransitionError):
        return card(action, status, message=_no_longer(action, form.typed))
    message = _("That cannot be done: %(reason)s.", reason=str(error))
    return card(action, status, form=form, form_name=name, message=message)


def finished(action: CorrectiveAction, before: str | None, message: str) -> ResponseReturnValue:
    """Without htmx: back to `next` (303). With htmx: the card in place, or moved, and counts."""
    if not is_fragment():
        flash(message, "info")
        return redirect(next_url(), 303)
    filters = board_filters()
    after = board.still_shown(action, current_user, filters)
    sites = board.visible_sites(current_user, filters)
    return render_template(
        "closeout/_changed.html",
        action=action,
        stays=after is not None and after == before,
        moved_to=after if after != before else None,
        heads=board.heads(board.counts(current_user, filters, sites)),
        next_url=next_url(),
        can_act=access.may_act(),
        inline=True,
        saved=message,
    )


def store_photo(form: ActionForm) -> corrective.PhotoRef | None:
    """Write the completion photo the form cleaned, if any, under UPLOAD_DIR."""
    if not isinstance(form, CompleteForm) or form.cleaned is None:
        return None
    name = photos.store(form.cleaned, current_app.config["UPLOAD_DIR"])
    return corrective.PhotoRef(name, form.cleaned.width, form.cleaned.height)


@dataclass
class CardAnswer:
    """How the board answers one change to an action's card."""

    action: CorrectiveAction
    action_id: int
    form: ActionForm
    message: str
    name: str | None
    before: str | None

    def done(self) -> ResponseReturnValue:
        return finished(self.action, self.before, self.message)

    def conflict(self) -> ResponseReturnValue:
        return conflict(access.reload(self.action_id), self.form, self.name)

    def refused(self, error: Exception, status: int) -> ResponseReturnValue:
        return refused(access.reload(self.action_id), self.form, self.name, error, status)


def act(
    action: CorrectiveAction,
    form: ActionForm,
    change: Callable[[], object],
    message: str,
    name: str | None = None,
    files: Sequence[str] = (),
) -> ResponseReturnValue:
    """Run one change and answer with the card (portal/web/answers.py).

    `files`: photos stored for the change, removed again when it is not saved.
    """
    answer = CardAnswer(action, action.id, form, message, name, before=board.bucket_of(action))
    upload_dir = current_app.config["UPLOAD_DIR"]
    return apply_change(change, answer, undo=lambda: photos.remove(list(files), upload_dir))
