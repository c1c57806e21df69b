"""Storing a reporter's answer once, however often the form is sent.

Idempotency without a column to remember the form token's nonce: an answer identical to one
the reporter sent in the last ten minutes is the same answer sent again (a double tap, a
reload of the result page), and is not stored twice. On PostgreSQL two such posts can race;
the report's version column makes the second commit fail, and the retry then finds the first.
"""

from __future__ import annotations

from datetime import timedelta

from portal.domain import loop
from portal.followup.once import store_once
from portal.lib.timeutil import utcnow
from portal.models import Report

REPEAT_WINDOW = timedelta(minutes=10)


def purpose(report: Report) -> str:
    """The purpose of the answer form's one-time token: tied to one report."""
    return f"answer:{report.id}"


def is_repeat(report: Report, body: str) -> bool:
    """The reporter sent this very answer a moment ago."""
    since = utcnow() - REPEAT_WINDOW
    text = body.strip()
    return any(
        m.from_reporter and m.body == text and m.created_at >= since for m in report.messages
    )


def record(report: Report, body: str) -> bool:
    """Store and commit the answer unless it repeats one just sent; True when stored."""
    return store_once(
        report, lambda: not is_repeat(report, body), lambda: loop.reporter_answers(report, body)
    )
