"""The report page, talking to the reporter, the investigation, and staff entry."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from portal.domain import intake, loop
from portal.extensions import db
from portal.models import Location
from portal.report_page import access, bp, entry
from portal.report_page.forms import InvestigationForm, MessageForm, StaffReportForm
from portal.report_page.page import Page, render_page
from portal.report_page.responses import apply as _apply
from portal.report_page.responses import done as _done
from portal.web import answers
from portal.web.i18n import current_language


@bp.get("/<int:report_id>")
@login_required
def show(report_id: int) -> Page:
    """Everything about one report, for staff who may see its site."""
    return render_page(access.report_to_view(report_id))


@bp.post("/<int:report_id>/messages")
@login_required
def message(report_id: int) -> Page | Response:
    """A question to the reporter (shown on /followup) or an internal note (never shown)."""
    report = access.report_to_act_on(report_id)
    form = MessageForm()
    if not form.validate():
        return render_page(report, message_form=form, status=422)
    question = form.kind.data == "question"
    send = loop.ask_reporter if question else loop.add_note
    failed = _apply(report, lambda: send(report, answers.me(), form.body.data), message_form=form)
    done = _("Question sent to the reporter.") if question else _("Internal note added.")
    return failed or _done(report, done)


@bp.post("/<int:report_id>/investigation")
@login_required
def investigate(report_id: int) -> Page | Response:
    """Save the no-blame investigation; a stale form is a conflict, never an overwrite."""
    report = access.report_to_act_on(report_id)
    form = InvestigationForm()
    if not form.validate():
        return render_page(report, investigation=form, status=422)
    failed = _apply(
        report,
        lambda: loop.investigate(
            report,
            answers.me(),
            whys=form.steps,
            root_cause=form.root_cause.data or None,
            contributing_factors=form.contributing_factors.data,
            expected_version=int(form.version.data),
        ),
        investigation=form,
    )
    return failed or _done(report, _("Investigation saved."))


@bp.post("/<int:report_id>/answers-read")
@login_required
def answers_read(report_id: int) -> Page | Response:
    """Staff have read the reporter's answer: the card's flag goes down."""
    report = access.report_to_act_on(report_id)
    failed = _apply(report, lambda: loop.mark_answers_read(report, answers.me()))
    return failed or _done(report, _("The reporter's answer is marked as read."))


def _entry_page(location: Location, form: StaffReportForm, notice: str | None = None) -> Page:
    status = 422 if request.method == "POST" else 200
    return render_template(
        "report_page/new.html", form=form, location=location, notice=notice
    ), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> str | Page | Response:
    """Enter a report on someone's behalf (e.g. told in person): first the place, then the form."""
    location_id = request.args.get("location", type=int)
    if location_id is None:
        return render_template(
            "report_page/choose_location.html", locations=access.entry_locations()
        )
    location = access.location_to_enter(location_id)
    form = StaffReportForm(where=location.name, language=current_language())
    if request.method == "GET":
        entry.issue_token(form, location)
        return _entry_page(location, form)
    if not form.validate():
        return _entry_page(location, form)
    nonce = entry.nonce_of(form, location)
    if nonce is None:
        entry.issue_token(form, location)
        return _entry_page(location, form, _("This form was open too long. Please send it again."))
    try:
        entered = _enter(location, form, nonce)
    except intake.AlreadySent:
        entry.issue_token(form, location)
        notice = _("This form was already saved as a report. Check the words and save again.")
        return _entry_page(location, form, notice)
    receipt = _(
        "Receipt code for the reporter: %(code)s — give it to them now; it is not shown again.",
        code=entered.code,
    )
    flash(receipt, "receipt")
    return redirect(url_for("report_page.show", report_id=entered.report_id), 303)


def _enter(location: Location, form: StaffReportForm, nonce: str) -> entry.Entered:
    """Store and commit; a concurrent repeat of the same form (PostgreSQL) finds the first."""
    try:
        entered = entry.submit(location, form, nonce, answers.me())
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        entered = entry.submit(location, form, nonce, answers.me())
    return entered
