"""What the corrective-action panel shows: each action with the buttons that lead to the
closeout board's pages, what still blocks closing, and the panel's forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from flask import url_for

from portal.domain import labels, loop, steps
from portal.domain.owners import owners_for
from portal.domain.steps import ActionStep, Step
from portal.lib import sla
from portal.lib.lazytext import lazy_gettext as _l
from portal.lib.timeutil import utcnow
from portal.models import CorrectiveAction, Report, User
from portal.report_page.action_forms import AddActionForm, DoubtReplyForm, SummaryForm

# The closeout board's per-action pages (portal/closeout), named for their step, in order.
BUTTONS = (
    (ActionStep.COMPLETE, _l("Mark done")),
    (ActionStep.VERIFY, _l("Verify")),
    (ActionStep.REASSIGN, _l("Reassign")),
    (ActionStep.DUE, _l("Change due date")),
    (ActionStep.CANCEL, _l("Cancel")),
)


@dataclass(frozen=True)
class Button:
    name: str
    label: object
    url: str


@dataclass(frozen=True)
class ActionRow:
    """One action as the panel lists it."""

    action: CorrectiveAction
    overdue: bool
    buttons: list[Button]
    photo_url: str | None

    @property
    def work_order_link(self) -> str | None:
        """The work order's web address, only when it is one (never a javascript: link)."""
        url = self.action.work_order_url or ""
        return url if urlsplit(url).scheme in ("http", "https") else None


def site_today(report: Report) -> date:
    """Today at the report's site: due dates are days where the work happens."""
    return sla.site_today(utcnow(), report.site.timezone)


def _buttons(action: CorrectiveAction, user: User, back: str) -> list[Button]:
    allowed = steps.allowed_action_steps(action, user)
    found = []
    for step, label in BUTTONS:
        if step not in allowed:
            continue
        found.append(
            Button(step.value, label, url_for(f"closeout.{step}", action_id=action.id, next=back))
        )
    return found


def rows(report: Report, user: User, today: date) -> list[ActionRow]:
    """Every action of the report, oldest first, with what the user may do to each."""
    back = url_for("report_page.show", report_id=report.id)
    return [
        ActionRow(
            action=action,
            overdue=action.is_overdue(today),
            buttons=_buttons(action, user, back),
            photo_url=url_for("closeout.photo", action_id=action.id)
            if action.completion_photo
            else None,
        )
        for action in report.actions
    ]


def blockers(report: Report) -> list[object]:
    """What still stands between an open report and Closed, in staff words."""
    if not report.is_open:
        return []
    return [labels.BLOCKER[blocker] for blocker in loop.closing_blockers(report)]


def context(
    report: Report,
    user: User,
    allowed: set[Step],
    *,
    action_form: AddActionForm | None = None,
    summary_form: SummaryForm | None = None,
    doubt_form: DoubtReplyForm | None = None,
) -> dict[str, object]:
    """The panel's part of the report page's template context."""
    today = site_today(report)
    can_add = Step.ADD_ACTION in allowed
    if can_add and action_form is None:
        action_form = AddActionForm.blank(report, owners_for(report), today)
    return {
        "action_rows": rows(report, user, today),
        "can_add_action": can_add,
        "action_form": action_form,
        "can_summarise": Step.SUMMARISE in allowed,
        "summary_form": summary_form or summary_form_for(report),
        "can_answer_doubt": Step.ANSWER_DOUBT in allowed,
        "doubt_form": doubt_form or DoubtReplyForm(formdata=None),
        "blockers": blockers(report),
        "closed": report.is_closed,
    }


def summary_form_for(report: Report) -> SummaryForm:
    """The summary form filled with what is saved."""
    data = {
        "version": str(report.version),
        "summary": report.public_summary or "",
        "not_public": report.summary_not_public,
    }
    return SummaryForm(formdata=None, data=data)
