"""Notifications through the outbox: written in the transaction of the event behind them.

Nothing here talks to a mail server. Functions add OutboxMessage rows to the session; the
caller's commit makes the event and its notifications durable together, and the sender
(portal/notify/outbox.py, `flask portal notify`) delivers them later with retries.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from portal.extensions import db
from portal.lib import dates
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
    language: str | None = None  # a staff member's saved language; None: the portal's first


# what a message says, as (subject, body), written in the language in force when it is called
Letter = tuple[str, str]


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


def in_languages(write: Callable[[], Letter]) -> Callable[[str | None], Letter]:
    """`write` called once per language asked for, with that language in force (a person's
    saved language; the portal's first language for addresses and webhooks)."""
    written: dict[str, Letter] = {}

    def letter(language: str | None) -> Letter:
        language = language or current_app.config["LANGUAGES"][0]
        if language not in written:
            with force_locale(language):
                written[language] = write()
        return written[language]

    return letter


def queue(
    kind: str,
    recipients: Iterable[Recipient],
    *,
    write: Callable[[], Letter],
    report: Report | None = None,
    payload: Callable[[Letter], dict[str, Any]] | None = None,
    dedupe_key: str | None = None,
    dated: datetime | None = None,
    send_at: datetime | None = None,
) -> list[OutboxMessage]:
    """Add one outbox row per distinct recipient to the current transaction, each written in
    the recipient's language (`write`, see in_languages). `dated` is the message's date (its
    Date header), `send_at` the first moment the sender may deliver it: both now unless said
    otherwise. Webhooks carry `payload` of the letter in the portal's first language."""
    now = utcnow()
    dated, send_at = dated or now, send_at or now
    letter = in_languages(write)
    messages = []
    seen: set[tuple[str, str]] = set()
    for recipient in recipients:
        if (recipient.channel, recipient.target) in seen or not recipient.target:
            continue
        seen.add((recipient.channel, recipient.target))
        subject, body = letter(recipient.language)
        webhook = recipient.channel == Delivery.WEBHOOK
        message = OutboxMessage(
            kind=kind,
            channel=recipient.channel,
            recipient=recipient.target,
            subject=subject[:300],
            body=body,
            payload=payload(letter(None)) if webhook and payload else None,
            dedupe_key=full_dedupe_key(dedupe_key, recipient) if dedupe_key else None,
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
    """Staff as email recipients, each to be written to in their saved language."""
    return [Recipient(Delivery.EMAIL.value, user.email, user.language) for user in users]


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


def _report_payload(kind: str, report: Report) -> Callable[[Letter], dict[str, Any]]:
    """A webhook's JSON: the event, the letter's subject as its text, the report's facts."""

    def payload(letter: Letter) -> dict[str, Any]:
        return {
            "event": kind,
            "text": letter[0],
            "report": {
                "id": report.id,
                "site": report.site.name if report.site else None,
                "location": report.location.name if report.location else None,
                "status": report.status,
                "high_potential": looks_high_potential(report),
                "url": report_link(report),
            },
        }

    return payload


def early_delay() -> timedelta:
    """A random wait within EARLY_HIPO, to the second."""
    low, high = EARLY_HIPO
    return low + timedelta(seconds=secrets.randbelow(int((high - low).total_seconds()) + 1))


def _subject(text: str) -> str:
    return f"[{PRODUCT}] {text}"


def _submitted_letter(report: Report) -> Letter:
    place = {"location": report.location.name, "site": report.site.name}
    if looks_high_potential(report):
        subject = _("HIGH-POTENTIAL New near miss at %(location)s (%(site)s)", **place)
    else:
        subject = _("New near miss at %(location)s (%(site)s)", **place)
    body = (
        _("A near miss was reported at %(location)s, %(site)s.", **place)
        + "\n\n"
        + _("What happened:")
        + f"\n{report.what_happened}\n\n"
        + _("Please acknowledge it within the day: %(link)s", link=report_link(report))
        + "\n"
    )
    if looks_high_potential(report):
        body += "\n" + _("High-potential: it could have caused a serious injury or worse.") + "\n"
    return _subject(subject), body


def report_submitted(report: Report) -> list[OutboxMessage]:
    """New report → the site's safety managers and supervisors, and its extra recipients.

    A named report is announced at once. An anonymous one waits for the end of its hour and
    goes out dated to it, with every other anonymous report of that hour — except that when
    it looks high-potential the site's safety managers hear of it after a random few minutes
    (EARLY_HIPO), dated to the start of the hour (docs/decisions.md, "Anonymous in time")."""
    db.session.flush()  # the report's id goes into the link
    high_potential = looks_high_potential(report)
    managers = emails(site_staff(report.site_id, {Role.SAFETY_MANAGER}))
    supervisors = emails(site_staff(report.site_id, {Role.SUPERVISOR}))
    recipients = (
        managers + supervisors + site_recipients(report.site_id, high_potential=high_potential)
    )
    message = {
        "write": lambda: _submitted_letter(report),
        "report": report,
        "payload": _report_payload("report_submitted", report),
    }
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


def _what_happened(report: Report) -> str:
    return _("What happened:") + f"\n{report.what_happened}\n\n{report_link(report)}\n"


def report_assigned(report: Report, by: User) -> list[OutboxMessage]:
    """A report given to an owner → that owner (not when they took it themselves)."""
    if report.owner is None or report.owner.id == by.id:
        return []
    facts = {"id": report.id, "location": report.location.name, "site": report.site.name}

    def write() -> Letter:
        subject = _("Report #%(id)d is yours: %(location)s", **facts)
        body = (
            _("You were made the owner of report #%(id)d at %(location)s, %(site)s.", **facts)
            + "\n\n"
            + _what_happened(report)
        )
        return _subject(subject), body

    return queue("report_assigned", emails([report.owner]), write=write, report=report)


def action_assigned(action: CorrectiveAction, by: User) -> list[OutboxMessage]:
    """A corrective action given to an owner → that owner, with its due date (not to oneself)."""
    if action.owner.id == by.id:
        return []
    db.session.flush()
    report = action.report

    def write() -> Letter:
        due = dates.day(action.due_on)
        subject = _(
            "Action for report #%(id)d due %(due)s: %(action)s",
            id=report.id,
            due=due,
            action=action.description[:80],
        )
        body = (
            _(
                "You own a corrective action for report #%(id)d at %(location)s, %(site)s.",
                id=report.id,
                location=report.location.name,
                site=report.site.name,
            )
            + "\n\n"
            + _("Action: %(action)s", action=action.description)
            + "\n"
            + _("Due: %(due)s", due=due)
            + f"\n\n{report_link(report)}\n"
        )
        return _subject(subject), body

    return queue("action_assigned", emails([action.owner]), write=write, report=report)


def report_flagged_high_potential(report: Report, by: User) -> list[OutboxMessage]:
    """A report rated high-potential at triage → the site's safety managers (not the rater)
    and the site's high-potential recipients: these are reviewed separately and faster."""
    facts = {"id": report.id, "location": report.location.name, "site": report.site.name}

    def write() -> Letter:
        subject = _("HIGH-POTENTIAL: report #%(id)d at %(location)s (%(site)s)", **facts)
        body = (
            _(
                "%(name)s rated report #%(id)d at %(location)s, %(site)s as high-potential "
                "(severity potential %(severity)s).",
                name=by.name,
                severity=report.severity,
                **facts,
            )
            + "\n\n"
            + _what_happened(report)
        )
        return _subject(subject), body

    managers = [u for u in site_staff(report.site_id, {Role.SAFETY_MANAGER}) if u.id != by.id]
    extra = site_recipients(report.site_id, high_potential=True)
    return queue(
        "report_high_potential",
        emails(managers) + extra,
        write=write,
        report=report,
        payload=_report_payload("report_high_potential", report),
    )
