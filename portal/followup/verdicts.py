"""The reporter's answer to "Is it fixed?", stored once per fix however often it is sent.

The form's one-time token is tied to the report and to the moment it became Fixed, so a page
from an earlier fix cannot answer for a later one. Once an answer is stored for this fix the
question is no longer open: the same form sent again (a double tap, a reload) stores nothing.
On PostgreSQL two such posts can race; the report's version column makes the second commit
fail, and the retry then finds the question answered.
"""

from __future__ import annotations

from portal.domain import loop, steps
from portal.domain.steps import ReporterStep
from portal.followup.once import store_once
from portal.models import Report, ReporterVerdict


def purpose(report: Report) -> str:
    """The purpose of the question's one-time token: this report, this fix."""
    fixed = report.fixed_at.isoformat(timespec="microseconds") if report.fixed_at else "-"
    return f"fixed:{report.id}:{fixed}"


def _confirmed_before_this_fix(report: Report) -> bool:
    confirmed = [event.created_at for event in report.events if event.kind == "reporter_confirmed"]
    return bool(confirmed) and report.fixed_at is not None and max(confirmed) < report.fixed_at


def is_asked(report: Report) -> bool:
    """Fixed or Closed, and the reporter has not answered for this fix (a yes on an earlier
    fix asks again; a "not really" waits for the safety team's reply)."""
    if not steps.reporter_allows(report, ReporterStep.VERDICT):
        return False
    if report.reporter_verdict is None:
        return True
    return report.reporter_verdict == ReporterVerdict.YES and _confirmed_before_this_fix(report)


def record(report: Report, verdict: str, words: str | None) -> bool:
    """Store and commit the answer while the question is open; True when stored."""
    return store_once(
        report, lambda: is_asked(report), lambda: loop.reporter_verdict(report, verdict, words)
    )
