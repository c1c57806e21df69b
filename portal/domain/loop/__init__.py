"""The report life cycle: the only place that changes Report.status.

Each transition checks the actor's permission, the current state and (when the caller passes
the version it showed) that nobody changed the report meanwhile; then it changes the report
and appends a ReportEvent — in the caller's transaction, committed by the caller.
"""

from portal.domain.loop.base import (
    MAX_MESSAGE,
    MAX_WHYS,
    Conflict,
    InvalidInput,
    NewReport,
    PermissionDenied,
    PlaceRef,
    StoredPhoto,
    TransitionError,
    record,
)
from portal.domain.loop.closing import (
    Blocker,
    answer_doubt,
    begin_action_work,
    closing_blockers,
    follow_actions,
    mark_answers_read,
    record_action_event,
    reporter_verdict,
    write_summary,
)
from portal.domain.loop.triage import (
    acknowledge,
    add_note,
    ask_reporter,
    assign,
    auto_high_potential,
    classify,
    dismiss,
    investigate,
    merge,
    reporter_answers,
    submit,
)

__all__ = [
    "MAX_MESSAGE",
    "MAX_WHYS",
    "Blocker",
    "Conflict",
    "InvalidInput",
    "NewReport",
    "PermissionDenied",
    "PlaceRef",
    "StoredPhoto",
    "TransitionError",
    "acknowledge",
    "add_note",
    "answer_doubt",
    "ask_reporter",
    "assign",
    "auto_high_potential",
    "begin_action_work",
    "classify",
    "closing_blockers",
    "dismiss",
    "follow_actions",
    "investigate",
    "mark_answers_read",
    "merge",
    "record",
    "record_action_event",
    "reporter_answers",
    "reporter_verdict",
    "submit",
    "write_summary",
]
