"""Notifications through the outbox: written in the transaction of the event behind them.

Nothing here talks to a mail server. Functions add OutboxMessage rows to the session; the
caller's commit makes the event and its notifications durable together, and the sender
(portal/notify/outbox.py, `flask portal notify`) delivers them later with retries.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select

from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import (
    CorrectiveAction,
    Delivery,
    OutboxMessage,
    PotentialOutcome,
    Report,
    Role,
    SiteRecipient,
    User,
    user_sites,
)

PRODUCT = "Closecall"
# an anonymous report that looks high-potential reaches the site's safety managers after a
# random delay in this range: soon, yet not pinning the minute (docs/decisions.md)
EARLY_HIPO = (timedelta(minutes=5), timedelta(minutes=15))


@dataclass(frozen=True)
class Recipient:
    channel: str  # Delivery.EMAIL or Delivery.WEBHOOK
    target: str  # an address or a URL


def link(path: str) -> str:
    """An absolute link into the portal (PORTAL_BASE_URL)."""
    return current_app.config["BASE_URL"] + path


def report_link(report: Report) -> str:
    return link(f"/reports/{report.id}")


def full_dedupe_key(dedupe_key: str, recipient: Recipient) -> str:
    """The stored (unique) key of one recipient's copy of a deduplicated message."""
    return f"{dedupe_key}:{recipient.channel}:{recipient.target}"[:200]


def looks_high_potential(report: Report) -> bool:
    """Flagged by staff, or the reporter's worst credible outcome was serious injury or worse."""
    return bool(report.high_potential) or (
        report.potential_outcome == PotentialOutcome.SERIOUS_INJURY
    )


def queue(
    kind: str,
    recipients: Iterable[Recipient],
    *,
    subject: str,
    body: str,
    report: Report | None = None,
    payload: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    dated: datetime | None = None,
    send_at: datetime | None = None,
) -> list[OutboxMessage]:
    """Add one outbox row per distinct recipient to the current transaction. `dated` is the
    message's date (its Date header), `send_at` the first moment the sender may deliver it:
    both now unless said otherwise."""
    now = utcnow()
    dated, send_at = dated or now, send_at or now
    messages = []
    seen: set[Recipient] = set()
    for recipient in recipients:
        if recipient in seen or not recipient.target:
            continue
        seen.add(recipient)
        key = full_dedupe_key(dedupe_key, recipient) if dedupe_key else None
        message = OutboxMessage(
            kind=kind,
            channel=recipient.channel,
            recipient=recipient.target,
            subject=subject[:300],
            body=body,
            payload=payload if recipient.channel == Delivery.WEBHOOK else None,
            dedupe_key=key,
            report_id=report.id if report is not None else None,
            created_at=dated,
            next_attempt_at=send_at,
        )
        db.session.add(message)
        messages.append(message)
    return messages


def site_staff(site_id: int, roles: set[Role]) -> list[User]:
    """Active staff of a site with one of the roles (admins, who see every site, where asked)."""
    members = select(user_sites.c.user_id).where(user_sites.c.site_id == site_id)
    query = select(User).where(
        User.active.is_(True),
        User.role.in_([role.value for role in roles]),
        or_(User.role == Role.ADMIN.value, User.id.in_(members)),
    )
    return list(db.session.scalars(query.order_by(User.id)))


def emails(users: Iterable[User]) -> list[Recipient]:
    return [Recipient(Delivery.EMAIL.value, user.email) for user in users]


def site_recipients(site_id: int, *, high_potential: bool) -> list[Recipient]:
    """The site's extra distribution addresses and webhooks that want this report."""
    query = select(SiteRecipient).where(
        SiteRecipient.site_id == site_id, SiteRecipient.active.is_(True)
    )
    rows = db.session.scalars(query.order_by(SiteRecipient.id)).all()
    return [
        Recipient(row.channel, row.target)
        for row in rows
        if high_potential or not row.high_potential_only
    ]


def _report_payload(kind: str, report: Report, text: str) -> dict[str, Any]:
    return {
        "event": kind,
        "text": text,
        "report": {
            "id": report.id,
            "site": report.site.name if report.site else None,
            "location": report.location.name if report.location else None,
            "status": report.status,
            "high_potential": looks_high_potential(report),
            "url": report_link(report),
        },
    }


def early_delay() -> timedelta:
    """A random wait within EARLY_HIPO, to the second."""
    low, high = EARLY_HIPO
    return low + timedelta(seconds=secrets.randbelow(int((high - low).total_seconds()) + 1))


def report_submitted(report: Report) -> list[OutboxMessage]:
    """New report → the site's safety managers and supervisors, and its extra recipients.

    A named report is announced at once. An anonymous one waits for the end of its hour and
    goes out dated to it, with every other anonymous report of that hour — except that when
    it looks high-potential the site's safety managers hear of it after a random few minutes
    (EARLY_HIPO), dated to the start of the hour (docs/decisions.md, "Anonymous in time")."""
    db.session.flush()  # the report's id goes into the link
    high_potential = looks_high_potential(report)
    flag = "HIGH-POTENTIAL " if high_potential else ""
    subject = f"[{PRODUCT}] {flag}New near miss at {report.location.name} ({report.site.name})"
    body = (
        f"A near miss was reported at {report.location.name}, {report.site.name}.\n\n"
        f"What happened:\n{report.what_happened}\n\n"
        f"Please acknowledge it within the day: {report_link(report)}\n"
    )
    if high_potential:
        body += "\nHigh-potential: it could have caused a serious injury or worse.\n"
    managers = emails(site_staff(report.site_id, {Role.SAFETY_MANAGER}))
    supervisors = emails(site_staff(report.site_id, {Role.SUPERVISOR}))
    recipients = (
        managers + supervisors + site_recipients(report.site_id, high_potential=high_potential)
    )
    payload = _report_payload("report_submitted", report, subject)
    message = {"subject": subject, "body": body, "report": report, "payload": payload}
    if not report.is_anonymous:
        return queue("report_submitted", recipients, **message)
    early: list[OutboxMessage] = []
    if high_potential:
        send_at = utcnow() + early_delay()
        early = queue(
            "report_submitted", managers, dated=report.known_at, send_at=send_at, **message
        )
        recipients = [r for r in recipients if r not in managers]
    batched = queue(
        "report_submitted",
        recipients,
        dated=report.released_at,
        send_at=report.released_at,
        **message,
    )
    return early + batched


def report_assigned(report: Report, by: User) -> list[OutboxMessage]:
    """A report given to an owner → that owner (not when they took it themselves)."""
    if report.owner is None or report.owner.id == by.id:
        return []
    subject = f"[{PRODUCT}] Report #{report.id} is yours: {report.location.name}"
    body = (
        f"You were made the owner of report #{report.id} at {report.location.name}, "
        f"{report.site.name}.\n\nWhat happened:\n{report.what_happened}\n\n{report_link(report)}\n"
    )
    return queue(
        "report_assigned", emails([report.owner]), subject=subject, body=body, report=report
    )


def action_assigned(action: CorrectiveAction, by: User) -> list[OutboxMessage]:
    """A corrective action given to an owner → that owner, with its due date (not to oneself)."""
    if action.owner.id == by.id:
        return []
    db.session.flush()
    report = action.report
    subject = (
        f"[{PRODUCT}] Action for report #{report.id} due {action.due_on:%d %b %Y}: "
        f"{action.description[:80]}"
    )
    body = (
        f"You own a corrective action for report #{report.id} at {report.location.name}, "
        f"{report.site.name}.\n\nAction: {action.description}\n"
        f"Due: {action.due_on:%A %d %B %Y}\n\n{report_link(report)}\n"
    )
    return queue(
        "action_assigned", emails([action.owner]), subject=subject, body=body, report=report
    )


def report_flagged_high_potential(report: Report, by: User) -> list[OutboxMessage]:
    """A report rated high-potential at triage → the site's safety managers (not the rater)
    and the site's high-potential recipients: these are reviewed separately and faster."""
    subject = (
        f"[{PRODUCT}] HIGH-POTENTIAL: report #{report.id} at {report.location.name} "
        f"({report.site.name})"
    )
    body = (
        f"{by.name} rated report #{report.id} at {report.location.name}, {report.site.name} "
        f"as high-potential (severity potential {report.severity}).\n\n"
        f"What happened:\n{report.what_happened}\n\n{report_link(report)}\n"
    )
    managers = [u for u in site_staff(report.site_id, {Role.SAFETY_MANAGER}) if u.id != by.id]
    extra = site_recipients(report.site_id, high_potential=True)
    payload = _report_payload("report_high_potential", report, subject)
    return queue(
        "report_high_potential",
        emails(managers) + extra,
        subject=subject,
        body=body,
        report=report,
        payload=payload,
    )
