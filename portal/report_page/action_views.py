"""The corrective-action panel of the report page: add an action, write the "what we fixed"
summary, and reply to a reporter who said it is not really fixed."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from portal.domain import corrective, loop
from portal.report_page import access, bp
from portal.report_page.action_forms import AddActionForm, DoubtReplyForm, SummaryForm
from portal.report_page.action_panel import owners_for, site_today
from portal.report_page.page import Page, render_page
from portal.report_page.responses import apply, done
from portal.web import answers


@bp.post("/<int:report_id>/actions")
@login_required
def add_action(report_id: int) -> Page | Response:
    """A new corrective action with an owner and a due date; the report goes In progress."""
    report = access.report_to_act_on(report_id)
    form = AddActionForm(report, owners_for(report), site_today(report))
    if not form.validate():
        return render_page(report, action_form=form, status=422)
    failed = apply(
        report, lambda: corrective.add(report, answers.me(), form.new_action()), action_form=form
    )
    return failed or done(report, _("Corrective action added."))


@bp.post("/<int:report_id>/summary")
@login_required
def summary(report_id: int) -> Page | Response:
    """Save "what we fixed" or "not for public display"; closes the report once all is verified."""
    report = access.report_to_act_on(report_id)
    form = SummaryForm()
    if not form.validate():
        return render_page(report, summary_form=form, status=422)
    failed = apply(
        report,
        lambda: loop.write_summary(
            report,
            answers.me(),
            summary=form.summary.data,
            not_public=form.not_public.data,
            expected_version=int(form.version.data),
        ),
        summary_form=form,
    )
    if failed:
        return failed
    closed = report.is_closed
    return done(
        report, _("Summary saved — the report is closed.") if closed else _("Summary saved.")
    )


@bp.post("/<int:report_id>/doubt")
@login_required
def answer_doubt(report_id: int) -> Page | Response:
    """Reply to a reporter who said it is not really fixed; the reply reaches them on /followup."""
    report = access.report_to_act_on(report_id)
    form = DoubtReplyForm()
    if not form.validate():
        return render_page(report, doubt_form=form, status=422)
    failed = apply(
        report, lambda: loop.answer_doubt(report, answers.me(), form.reply.data), doubt_form=form
    )
    return failed or done(report, _("Your reply was sent to the reporter."))
