"""The publishing panel's writes: put a closed report's fix on the public feed and screens in
neutral staff words, take it off again, and choose which "after" photos are public. What the
panel shows is portal/report_page/publish_panel.py; a form sent with a mistake comes back
through render_page with what was typed."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from portal.domain import publishing
from portal.models import CorrectiveAction, Report
from portal.report_page import access, bp
from portal.report_page.page import Page, render_page
from portal.report_page.publish_forms import PhotoPublicForm, PublishForm, UnpublishForm
from portal.report_page.responses import apply, done
from portal.web import answers


def _action_of(report: Report, action_id: int) -> CorrectiveAction:
    """One of the report's actions, or 404."""
    action = next((a for a in report.actions if a.id == action_id), None)
    if action is None:
        abort(404)
    return action


def _bad_input(report: Report, form: PublishForm | None = None) -> Page:
    notice = _("Please correct the publishing form.")
    return render_page(report, notice=notice, status=422, publish_form=form)


@bp.post("/<int:report_id>/publish")
@login_required
def publish(report_id: int) -> Page | Response:
    """Publish the fix with neutral words for what was reported (or save new words)."""
    report = access.report_to_act_on(report_id)
    form = PublishForm()
    if not form.validate():
        return _bad_input(report, form)
    failed = apply(
        report,
        lambda: publishing.publish(report, answers.me(), public_what=form.public_what.data),
        publish_form=form,
    )
    return failed or done(report, _("Published: the crew sees this fix on the feed and screens."))


@bp.post("/<int:report_id>/unpublish")
@login_required
def unpublish(report_id: int) -> Page | Response:
    """Take the fix off the feed and screens (they drop it at their next refresh)."""
    report = access.report_to_act_on(report_id)
    if not UnpublishForm().validate():
        return _bad_input(report)
    failed = apply(report, lambda: publishing.unpublish(report, answers.me()))
    return failed or done(report, _("Unpublished: the fix is off the public pages."))


@bp.post("/<int:report_id>/actions/<int:action_id>/photo-public")
@login_required
def photo_public(report_id: int, action_id: int) -> Page | Response:
    """Show an action's "after" photo on the public feed, or hide it again."""
    report = access.report_to_act_on(report_id)
    action = _action_of(report, action_id)
    form = PhotoPublicForm()
    if not form.validate():
        return _bad_input(report)
    failed = apply(
        report, lambda: publishing.set_photo_public(action, answers.me(), public=form.shown)
    )
    message = _("The photo is shown publicly.") if form.shown else _("The photo is hidden.")
    return failed or done(report, message)
