"""A report entered by staff on someone's behalf (channel "staff"), e.g. from a verbal report.

The form carries a signed one-time token like the public form: its nonce gives the receipt
code and the submission key, so a form sent twice (a double click) stores one report.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain import intake
from portal.lib import codes, tokens
from portal.models import Channel, Location, User
from portal.report_page.forms import StaffReportForm


@dataclass(frozen=True)
class Entered:
    report_id: int
    code: str  # the receipt code for the reporter, grouped for reading aloud
    repeated: bool


def purpose(location: Location) -> str:
    return f"staff-entry:{location.id}"


def issue_token(form: StaffReportForm, location: Location) -> None:
    """Give a form being shown a fresh one-time token."""
    form.token.data = tokens.issue(purpose(location))


def nonce_of(form: StaffReportForm, location: Location) -> str | None:
    """The nonce of the form's token, or None when forged or expired."""
    token = tokens.read(form.token.data or "", purpose(location))
    return None if token is None or token.expired else token.nonce


def submit(location: Location, form: StaffReportForm, nonce: str, actor: User) -> Entered:
    """Store the report (or find the one this same form stored before); the caller commits."""
    answers = form.answers(Channel.STAFF.value, form.language.data)
    earlier = intake.receipt_of(nonce, answers)  # AlreadySent: the token sent other words
    if earlier is not None:
        return Entered(report_id=earlier.report_id, code=codes.group(earlier.code), repeated=True)
    receipt = intake.record(location, answers, nonce, entered_by=actor)
    return Entered(report_id=receipt.report_id, code=codes.group(receipt.code), repeated=False)
