"""What the report page's publishing panel shows: whether it shows at all, the form with the
saved public words (or what was just typed), the state, and the verified "after" photos."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from portal.domain import steps
from portal.domain.steps import Step
from portal.models import CorrectiveAction, Report, User
from portal.report_page.publish_forms import PublishForm


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


def panel(report: Report, user: User, form: PublishForm | None = None) -> PublishPanel:
    """The panel, for staff who may publish the report's fix (a Closed report)."""
    shown = Step.PUBLISH in steps.allowed_steps(report, user)
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
        form=form or _blank_form(report),
        photos=photos if shown else [],
    )
