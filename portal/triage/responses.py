"""How the board answers: a card or a page, a conflict, a refusal, or the card moved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from portal.domain import labels, loop
from portal.lib.lazytext import lazy_gettext as _l
from portal.lib.timeutil import utcnow
from portal.models import Report
from portal.triage import access, board
from portal.triage.forms import ActionForm
from portal.web.answers import apply_change
from portal.web.pages import is_fragment_request
from portal.web.redirects import safe_next

FORMS = {
    "classify": (_l("Classify report #%(id)d"), "triage/_classify_form.html"),
    "assign": (_l("Assign report #%(id)d"), "triage/_assign_form.html"),
    "merge": (_l("Merge report #%(id)d into another"), "triage/_merge_form.html"),
    "dismiss": (_l("Dismiss report #%(id)d"), "triage/_dismiss_form.html"),
    "ask": (_l("Ask the reporter of report #%(id)d"), "triage/_ask_form.html"),
}


def is_fragment() -> bool:
    """htmx wants a piece of the page (a history restore wants the whole page)."""
    return is_fragment_request() and not request.headers.get("HX-History-Restore-Request")


def next_url() -> str:
    """Where the action returns to: the board with its filters, and never another site."""
    return safe_next(request.values.get("next"), url_for("triage.board"))


def board_filters() -> board.Filters:
    """The filters of the board the action came from (its `next` address)."""
    query = MultiDict(parse_qsl(urlsplit(next_url()).query))
    return board.parse_filters(query, current_user)


def card(report: Report, code: int = 200, **context: Any) -> ResponseReturnValue:
    """The card alone for htmx, or a page around it; an open form sits inside the card."""
    action = context.get("action")
    title, form_template = FORMS.get(action, (_l("Report #%(id)d"), None))
    context.update(
        report=report,
        next_url=next_url(),
        can_act=access.may_triage(),
        inline=is_fragment(),
        form_template=form_template,
        title=title % {"id": report.id},
    )
    template = "triage/_card.html" if is_fragment() else "triage/card.html"
    return render_template(template, **context), code


def form_page(report: Report, form: ActionForm, action: str) -> ResponseReturnValue:
    """The action's form in its card: 200 when it opens, 422 when what was sent needs fixing."""
    code = 422 if form.is_submitted() else 200
    return card(report, code, form=form, action=action)


def conflict(report: Report, form: ActionForm, action: str | None) -> ResponseReturnValue:
    """409: the fresh card, "changed by X", and the form again with what the user typed."""
    name = report.last_actor.name if report.last_actor else _("someone else")
    message = _("Changed by %(name)s a moment ago — here is the latest.", name=name)
    form.refresh_version()
    action = action if report.is_open else None
    return card(report, 409, form=form, action=action, message=message)


def refused(
    report: Report, form: ActionForm, action: str | None, error: Exception, status: int = 409
) -> ResponseReturnValue:
    """409 when the report's state no longer allows the action, 422 for input the loop refused."""
    if isinstance(error, loop.TransitionError):
        status_word = labels.label(labels.REPORT_STATUS, report.status)
        message = _(
            "This report is “%(status)s” now: that action no longer applies.", status=status_word
        )
    else:
        message = _("That cannot be done: %(reason)s.", reason=str(error))
    return card(report, status, form=form, action=action, message=message)


def finished(
    report: Report, before: str, message: str, also: Sequence[Report] = ()
) -> ResponseReturnValue:
    """Without htmx: back to the board. With htmx: the card where it now belongs, and the counts."""
    if not is_fragment():
        flash(message, "info")
        return redirect(next_url(), 303)
    filters = board_filters()
    shown = board.still_shown(report, current_user, filters)
    moved = shown and report.status != before
    totals = board.counts(current_user, filters, now=utcnow(), ack_hours=board.ack_hours())
    return render_template(
        "triage/_changed.html",
        report=report,
        stays=shown and not moved,
        moved_to=report.status if moved else None,
        also=[other for other in also if board.still_shown(other, current_user, filters)],
        heads=board.heads(totals),
        filters=filters,
        next_url=next_url(),
        can_act=access.may_triage(),
        inline=True,
    )


@dataclass
class CardAnswer:
    """How the board answers one change to a report's card."""

    report: Report
    form: ActionForm
    message: str
    action: str | None
    also: Sequence[Report]
    before: str
    report_id: int

    def done(self) -> ResponseReturnValue:
        return finished(self.report, self.before, self.message, self.also)

    def conflict(self) -> ResponseReturnValue:
        return conflict(access.report_to_view(self.report_id), self.form, self.action)

    def refused(self, error: Exception, status: int) -> ResponseReturnValue:
        return refused(self.report, self.form, self.action, error, status)


def act(
    report: Report,
    form: ActionForm,
    change: Callable[[], object],
    message: str,
    action: str | None = None,
    also: Sequence[Report] = (),
) -> ResponseReturnValue:
    """Run one life-cycle change and answer with the card (portal/web/answers.py).

    `also`: other reports the change touched, whose cards are refreshed too.
    """
    answer = CardAnswer(report, form, message, action, also, report.status, report.id)
    return apply_change(change, answer)
