"""The triage board and its card actions: plain forms without JavaScript, in place with htmx."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.domain import labels, loop, steps
from portal.extensions import db
from portal.lib import sla
from portal.lib.timeutil import utcnow
from portal.models import Asset, Report
from portal.triage import access, board, bp, choices, matrix, responses, themes_flag
from portal.triage.forms import (
    AcknowledgeForm,
    AskForm,
    AssignForm,
    ClassifyForm,
    DismissForm,
    MergeForm,
)
from portal.web import answers, boards, pages


def _duration(age: timedelta, coarse: bool = False) -> str:
    """An age in the unit that reads best: minutes, hours up to two days, then days.

    `coarse` (an anonymous report): never in minutes, so the board cannot be read back to
    the minute a reporter stood at the poster."""
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        if coarse:
            return _("under 1 h")
        return ngettext("%(num)d min", "%(num)d min", minutes)
    if minutes < 48 * 60:
        return ngettext("%(num)d h", "%(num)d h", minutes // 60)
    return ngettext("%(num)d day", "%(num)d days", minutes // (24 * 60))


@bp.context_processor
def _card_helpers() -> dict[str, object]:
    now, limit = utcnow(), board.ack_hours()

    def clock(report: Report) -> sla.AckClock:
        return sla.ack_clock(
            report.known_at, now=now, acknowledged_at=report.acknowledged_at, limit_hours=limit
        )

    return {
        "clock": clock,
        "report_time": pages.report_time,
        "now": now,
        "duration": _duration,
        "labels": labels,
        "matrix": matrix,
        "report_steps": lambda report: steps.allowed_steps(report, current_user),
        "in_theme": themes_flag.in_theme,
    }


@bp.after_request
def _vary(response: Response) -> Response:
    # the same URL answers a page or a fragment: caches must keep them apart
    response.vary.add("HX-Request")
    return response


@bp.route("", endpoint="board")
@login_required
def board_page() -> ResponseReturnValue:
    """The board: four life-cycle columns of the reports at the user's sites, filtered by URL."""
    filters = board.parse_filters(request.args, current_user)
    # the page shows what was released by the mark, and the next poll starts from it
    mark = board.poll_mark(utcnow())
    columns = board.columns(current_user, filters, now=mark, ack_hours=board.ack_hours())
    context = {
        "filters": filters,
        "columns": columns,
        "since": board.mark_arg(mark),
        "next_url": url_for("triage.board", **filters.args()),
        "can_act": access.may_triage(),
        "inline": True,
    }
    if responses.is_fragment():  # pushed to the history: the address of the filters that apply
        push = {"HX-Push-Url": context["next_url"]}
        return render_template("triage/_board.html", **context), push
    options = choices.filter_options(current_user)
    return render_template("triage/board.html", options=options, **context)


@bp.route("/updates")
@login_required
def updates() -> ResponseReturnValue:
    """The board's poll: reports released since `since` join their column; counts update."""
    filters = board.parse_filters(request.args, current_user)
    if not responses.is_fragment():
        return redirect(url_for("triage.board", **filters.args()), 303)
    until = board.poll_mark(utcnow())
    since = board.parse_mark(request.args.get("since"))
    cards = board.new_since(current_user, filters, since, until) if since is not None else []
    totals = board.counts(current_user, filters, now=until, ack_hours=board.ack_hours())
    heads = board.heads(totals)
    return render_template(
        "triage/_updates.html",
        filters=filters,
        since=board.mark_arg(until),
        swaps=board.poll_swaps(cards, heads),
        heads=heads,
        next_url=url_for("triage.board", **filters.args()),
        can_act=access.may_triage(),
        inline=True,
    )


@bp.route(f"/columns/<any({', '.join(board.ON_BOARD)}):state>")
@login_required
def column(state: str) -> ResponseReturnValue:
    """The next cards of one column after the `shown` first: in place with htmx, else a page."""
    filters = board.parse_filters(request.args, current_user)
    shown = max(request.args.get("shown", type=int) or 0, 0)
    cards, more = board.more_cards(current_user, filters, state, shown)
    label = board.COLUMN_LABELS[state][0]
    return boards.more_cards_response(
        "triage", label, shown, cards, more, filters, access.may_triage()
    )


@bp.route("/cards/<int:report_id>")
@login_required
def card(report_id: int) -> ResponseReturnValue:
    """One card: to close an open form, or to refresh it after a conflict."""
    return responses.card(access.report_to_view(report_id))


@bp.route("/reports/<int:report_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge(report_id: int) -> ResponseReturnValue:
    """One click: "a supervisor has seen it" — the reporter sees it on /followup."""
    report = access.report_to_triage(report_id)
    form = AcknowledgeForm(report, responses.next_url())
    if not form.validate_on_submit():
        return responses.card(report, 422, form=form, message=" ".join(map(str, form.problems)))
    change = partial(loop.acknowledge, report, answers.me(), expected_version=form.version.data)
    return responses.act(report, form, change, _("Report #%(id)d acknowledged.", id=report.id))


@bp.route("/reports/<int:report_id>/classify", methods=["GET", "POST"])
@login_required
def classify(report_id: int) -> ResponseReturnValue:
    """Category, domain, severity potential x likelihood, and the high-potential flag."""
    report = access.report_to_triage(report_id)
    form = ClassifyForm(report, responses.next_url())
    if not form.validate_on_submit():
        return responses.form_page(report, form, "classify")
    me, version = answers.me(), form.version.data
    change = partial(loop.classify, report, me, **form.changes(), expected_version=version)
    done = _("Report #%(id)d classified.", id=report.id)
    return responses.act(report, form, change, done, "classify")


@bp.route("/reports/<int:report_id>/assign", methods=["GET", "POST"])
@login_required
def assign(report_id: int) -> ResponseReturnValue:
    """An owner of the site's staff, and the asset involved (an existing one, or a new one)."""
    report = access.report_to_triage(report_id)
    form = AssignForm(report, responses.next_url())
    if not form.validate_on_submit():
        return responses.form_page(report, form, "assign")
    owner, (asset, new_name) = form.owners.get(form.owner.data), form.asset_choice()
    if new_name:  # staff add assets inline while triaging
        asset = Asset(location=report.location, name=new_name)
        db.session.add(asset)
    me, version = answers.me(), form.version.data
    change = partial(loop.assign, report, me, owner=owner, asset=asset, expected_version=version)
    done = _("Report #%(id)d assigned.", id=report.id)
    return responses.act(report, form, change, done, "assign")


@bp.route("/reports/<int:report_id>/merge", methods=["GET", "POST"])
@login_required
def merge(report_id: int) -> ResponseReturnValue:
    """A duplicate joins the report it repeats: its reporter then follows that one."""
    report = access.report_to_triage(report_id)
    form = MergeForm(report, responses.next_url())
    if not form.validate_on_submit():
        return responses.form_page(report, form, "merge")
    into, version = form.target, form.version.data
    change = partial(loop.merge, report, answers.me(), into=into, expected_version=version)
    done = _("Report #%(id)d merged into #%(into)d.", id=report.id, into=into.id)
    return responses.act(report, form, change, done, "merge", also=[into])


@bp.route("/reports/<int:report_id>/dismiss", methods=["GET", "POST"])
@login_required
def dismiss(report_id: int) -> ResponseReturnValue:
    """Close without action, with a reason the reporter is told in plain words; kept forever."""
    report = access.report_to_triage(report_id)
    form = DismissForm(report, responses.next_url())
    if not form.validate_on_submit():
        return responses.form_page(report, form, "dismiss")
    me, version = answers.me(), form.version.data
    reason, note = form.reason.data, form.note.data
    change = partial(loop.dismiss, report, me, reason=reason, note=note, expected_version=version)
    done = _("Report #%(id)d dismissed.", id=report.id)
    return responses.act(report, form, change, done, "dismiss")


@bp.route("/reports/<int:report_id>/ask", methods=["GET", "POST"])
@login_required
def ask(report_id: int) -> ResponseReturnValue:
    """A question to the reporter without leaving the board; signed only "Safety team"."""
    report = access.report_to_triage(report_id)
    form = AskForm(report, responses.next_url())
    if not form.validate_on_submit():
        return responses.form_page(report, form, "ask")
    change = partial(loop.ask_reporter, report, answers.me(), form.body.data)
    done = _("Question sent to the reporter of report #%(id)d.", id=report.id)
    return responses.act(report, form, change, done, "ask")
