"""What the report page shows: the timeline, the forms, and links to the board's actions."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.domain import permissions
from portal.domain.loop import OPEN_STATES
from portal.models import Report, ReportStatus
from portal.report_page import action_panel, labels, timeline
from portal.report_page.action_forms import AddActionForm, DoubtReplyForm, SummaryForm
from portal.report_page.forms import InvestigationForm, MessageForm
from portal.report_page.links import optional_url
from portal.web.pages import render

Page = tuple[str, int]
# The triage board's action pages (portal/triage), and the states each applies to.
ACTIONS = (
    ("acknowledge", _l("Acknowledge"), {ReportStatus.NEW}),
    ("classify", _l("Classify"), OPEN_STATES),
    ("assign", _l("Assign"), OPEN_STATES),
    ("merge", _l("Merge"), OPEN_STATES),
    ("dismiss", _l("Dismiss"), OPEN_STATES),
)
BOARD_ENDPOINTS = ("triage.board", "triage.index", "staff.home")
INVESTIGABLE = OPEN_STATES | {ReportStatus.CLOSED}


@dataclass(frozen=True)
class Action:
    name: str
    label: object
    url: str


def board_url() -> str:
    """The triage board when it exists, else the staff home."""
    return next(url for e in BOARD_ENDPOINTS if (url := optional_url(e)) is not None)


def actions(report: Report) -> list[Action]:
    """The board's action pages that apply to the report now."""
    found = []
    for name, label, states in ACTIONS:
        url = optional_url(f"triage.{name}", report_id=report.id)
        if report.status in states and url is not None:
            found.append(Action(name, label, url))
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
    notice: str | None = None,
    saved: str | None = None,
    status: int = 200,
) -> Page:
    """The report page, or its workspace alone for htmx."""
    can_act = permissions.can_triage(current_user, report)
    context = {
        "report": report,
        "entries": timeline.entries(report),
        "entry_time": timeline.entry_time,
        "labels": labels,
        "can_act": can_act,
        "can_ask": can_act and report.status in INVESTIGABLE,
        "can_investigate": can_act and report.status in INVESTIGABLE,
        "actions": actions(report) if can_act else [],
        "board_url": board_url(),
        "message_form": message_form or MessageForm(formdata=None),
        "investigation": investigation or investigation_form(report),
        "notice": notice,
        "saved": saved,
        **action_panel.context(
            report,
            current_user,
            can_act,
            action_form=action_form,
            summary_form=summary_form,
            doubt_form=doubt_form,
        ),
    }
    return render("report_page/show.html", "report_page/_workspace.html", **context), status
