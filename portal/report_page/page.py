"""What the report page shows: the timeline, the forms, and links to the board's actions."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user

from portal.domain import labels, permissions, steps
from portal.domain.steps import Step
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import Report
from portal.report_page import action_panel, publish_panel, timeline
from portal.report_page.action_forms import AddActionForm, DoubtReplyForm, SummaryForm
from portal.report_page.forms import InvestigationForm, MessageForm
from portal.report_page.publish_forms import PublishForm
from portal.web.pages import render

Page = tuple[str, int]
# The triage board's action pages (portal/triage), named for their step.
ACTIONS = (
    (Step.ACKNOWLEDGE, _l("Acknowledge")),
    (Step.CLASSIFY, _l("Classify")),
    (Step.ASSIGN, _l("Assign")),
    (Step.MERGE, _l("Merge")),
    (Step.DISMISS, _l("Dismiss")),
)


@dataclass(frozen=True)
class Action:
    name: str
    label: object
    url: str


def board_url() -> str:
    """The triage board, where the report page's "back" leads."""
    return url_for("triage.board")


def actions(report: Report, allowed: set[Step]) -> list[Action]:
    """The board's action pages of the steps allowed now."""
    found = []
    for step, label in ACTIONS:
        if step in allowed:
            found.append(Action(step.value, label, url_for(f"triage.{step}", report_id=report.id)))
    return found


def investigation_form(report: Report) -> InvestigationForm:
    """The investigation form filled with what is saved."""
    data = {
        "version": str(report.version),
        "whys": report.whys or [],
        "root_cause": report.root_cause or "",
        "contributing_factors": report.contributing_factors or "",
    }
    return InvestigationForm(formdata=None, data=data)


def render_page(
    report: Report,
    *,
    message_form: MessageForm | None = None,
    investigation: InvestigationForm | None = None,
    action_form: AddActionForm | None = None,
    summary_form: SummaryForm | None = None,
    doubt_form: DoubtReplyForm | None = None,
    publish_form: PublishForm | None = None,
    notice: str | None = None,
    saved: str | None = None,
    status: int = 200,
) -> Page:
    """The report page, or its workspace alone for htmx."""
    can_act = permissions.can_triage(current_user, report)
    allowed = steps.allowed_steps(report, current_user)
    lines = timeline.entries(report)
    context = {
        "report": report,
        "entries": lines,
        "conversation": timeline.conversation(lines),
        "last_answer": timeline.last_of(lines, "reporter_answered"),
        "last_doubt": timeline.last_of(lines, "reporter_doubted"),
        "entry_time": timeline.entry_time,
        "labels": labels,
        "can_act": can_act,
        "can_ask": Step.ASK in allowed,
        "can_investigate": Step.INVESTIGATE in allowed,
        "actions": actions(report, allowed),
        "board_url": board_url(),
        "message_form": message_form or MessageForm(formdata=None),
        "investigation": investigation or investigation_form(report),
        "notice": notice,
        "saved": saved,
        "publish": publish_panel.panel(report, current_user, publish_form),
        **action_panel.context(
            report,
            current_user,
            allowed,
            action_form=action_form,
            summary_form=summary_form,
            doubt_form=doubt_form,
        ),
    }
    return render("report_page/show.html", "report_page/_workspace.html", **context), status
