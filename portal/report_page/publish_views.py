"""The publishing panel of the report page: put a closed report's fix on the public feed and
screens in neutral staff words, take it off again, and choose which "after" photos are public.

render_page knows nothing of this panel, so the panel builds its own part of the context
through `publish_panel(report)`, which this blueprint gives its templates; a form that failed
validation is kept on `g` for the page rendered in the same request, so the typed text comes
back with its message.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.domain import publishing, steps
from portal.domain.steps import Step
from portal.models import CorrectiveAction, Report
from portal.report_page import access, bp
from portal.report_page.page import Page, render_page
from portal.report_page.publish_forms import PhotoPublicForm, PublishForm, UnpublishForm
from portal.report_page.responses import apply, done
from portal.web import answers


@dataclass(frozen=True)
class PublicPhoto:
    """A verified action's completion photo, with whether the crew may see it."""

    action: CorrectiveAction
    url: str
    public: bool


@dataclass(frozen=True)
class PublishPanel:
    """What the panel shows: whether it shows at all, the form, the state and the photos."""

    shown: bool
    publishable: bool  # it has a public "what we fixed" summary
    published: bool
    form: PublishForm
    photos: list[PublicPhoto]


def _blank_form(report: Report) -> PublishForm:
    """Pre-filled with the saved public words, else empty: never the reporter's own text."""
    return PublishForm(formdata=None, data={"public_what": report.public_what or ""})


def publish_panel(report: Report) -> PublishPanel:
    """The panel's context, for staff who may act on a Closed report."""
    shown = current_user.is_authenticated and Step.PUBLISH in steps.allowed_steps(
        report, current_user
    )
    photos = [
        PublicPhoto(
            action,
            url_for("closeout.photo", action_id=action.id),
            action.completion_photo_public,
        )
        for action in report.actions
        if action.is_verified and action.completion_photo
    ]
    return PublishPanel(
        shown=shown,
        publishable=bool(report.public_summary) and not report.summary_not_public,
        published=report.published_at is not None,
        form=g.get("publish_form") or _blank_form(report),
        photos=photos if shown else [],
    )


def _action_of(report: Report, action_id: int) -> CorrectiveAction:
    """One of the report's actions, or 404."""
    action = next((a for a in report.actions if a.id == action_id), None)
    if action is None:
        abort(404)
    return action


def _bad_input(report: Report) -> Page:
    return render_page(report, notice=_("Please correct the publishing form."), status=422)


@bp.post("/<int:report_id>/publish")
@login_required
def publish(report_id: int) -> Page | Response:
    """Publish the fix with neutral words for what was reported (or save new words)."""
    report = access.report_to_act_on(report_id)
    form = g.publish_form = PublishForm()
    if not form.validate():
        return _bad_input(report)
    failed = apply(
        report,
        lambda: publishing.publish(report, answers.me(), public_what=form.public_what.data),
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


@bp.context_processor
def _panel() -> dict[str, object]:
    return {"publish_panel": publish_panel}
