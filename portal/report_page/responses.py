"""How the report page answers a write: saved (303, or the workspace for htmx), a conflict
(409 with the fresh page and the typed text kept), or bad input (422)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.domain import labels, loop
from portal.models import Report
from portal.report_page import access, timeline
from portal.report_page.page import Page, render_page
from portal.web.answers import apply_change
from portal.web.pages import is_fragment_request


def conflict(report_id: int, **forms: object) -> Page:
    """The fresh page (409), keeping what the user typed, saying who changed the report."""
    fresh = access.reload(report_id)
    for form in forms.values():
        version = getattr(form, "version", None)
        if version is not None:  # the kept text now stands against the latest version
            version.data = str(fresh.version)
    notice = _(
        "Changed by %(name)s a moment ago — here is the latest.",
        name=timeline.who_changed(fresh),
    )
    return render_page(fresh, notice=notice, status=409, **forms)  # type: ignore[arg-type]


@dataclass
class PageAnswer:
    """How the report page answers one change: the page (or its workspace for htmx) again,
    keeping what the user typed in `forms` when the change is not saved."""

    report_id: int
    forms: dict[str, object]
    saved: bool = False

    def done(self) -> None:
        self.saved = True

    def conflict(self) -> Page:
        return conflict(self.report_id, **self.forms)

    def refused(self, error: Exception, status: int) -> Page:
        fresh = access.reload(self.report_id)
        if isinstance(error, loop.TransitionError):
            notice = _(
                "This report is %(status)s: that is not possible now.",
                status=labels.status_word(fresh.status),
            )
        else:
            notice = _("That could not be saved: %(reason)s.", reason=str(error))
        return render_page(fresh, notice=notice, status=status, **self.forms)  # type: ignore[arg-type]


def apply(report: Report, change: Callable[[], object], **forms: object) -> Page | None:
    """Make one domain change and commit (portal/web/answers.py); None when saved, else the
    page explaining why not."""
    answer = PageAnswer(report.id, forms)
    return apply_change(change, answer)  # type: ignore[return-value]


def done(report: Report, message: str) -> Page | Response:
    """After a change: the workspace for htmx, else back to the page (303) with the message."""
    if is_fragment_request():
        return render_page(report, saved=message)
    flash(message, "info")
    return redirect(url_for("report_page.show", report_id=report.id), 303)
