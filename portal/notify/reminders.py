"""Reminders queued on a schedule (`flask portal remind`): digests and escalations.

- a daily digest to each owner of open corrective actions due within two days or overdue;
- an escalation to the site's safety managers for a report still `new` past PORTAL_ACK_HOURS;
- an alert to the admins for an overdue open action on a high-potential report.

Each message carries a dedupe key (OutboxMessage.dedupe_key is unique), so running the
command twice queues nothing twice: keys already stored are skipped, and a key another process
stored between our check and our insert is caught as an IntegrityError in a savepoint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.database import begin_write, queued_writes
from portal.domain import steps
from portal.extensions import db
from portal.lib import dates
from portal.lib.sla import site_today
from portal.lib.timeutil import utcnow
from portal.models import (
    ActionStatus,
    CorrectiveAction,
    OutboxMessage,
    Report,
    ReportStatus,
    Role,
    Site,
    User,
    status_values,
    user_sites,
)
from portal.notify import announce
from portal.notify.announce import PRODUCT, Letter, Recipient

DIGEST_DAYS = 2
KEY_CHUNK = 500


@dataclass
class ReminderStats:
    """Messages queued by one run, by kind; `already` counts copies queued by an earlier run."""

    digests: int = 0
    escalations: int = 0
    hipo_overdue: int = 0
    already: int = 0

    def __str__(self) -> str:
        return (
            f"digests {self.digests}, escalations {self.escalations}, "
            f"high-potential overdue {self.hipo_overdue} (already queued: {self.already})"
        )


@dataclass
class Draft:
    """One message to queue once: `dedupe_key` is per recipient (see announce.full_dedupe_key)."""

    kind: str
    recipients: list[Recipient]
    write: Callable[[], Letter]  # (subject, body) in the language in force
    dedupe_key: str
    report: Report | None = None


def queue_reminders(now: datetime | None = None, *, with_digests: bool = True) -> ReminderStats:
    """Queue today's digests and due escalations, each once; commits its own transaction.

    `with_digests=False` queues only the escalations (the hourly run): the first run of a day
    that includes digests sends them, so schedule that one for the morning.
    """
    moment = now or utcnow()
    stats = ReminderStats()
    with queued_writes():
        begin_write()
        today = _site_days(moment)
        drafts = digests(today) if with_digests else []
        drafts += [*escalations(moment), *hipo_overdue(today)]
        for draft, queued in _queue_once(drafts, stats):
            if draft.kind == "digest":
                stats.digests += queued
            elif draft.kind == "escalation":
                stats.escalations += queued
            else:
                stats.hipo_overdue += queued
        db.session.commit()
    return stats


def _site_days(moment: datetime) -> dict[int, date]:
    """Each site's calendar day now: due dates count in the site's own time zone."""
    sites = db.session.execute(select(Site.id, Site.timezone)).all()
    return {site_id: site_today(moment, zone) for site_id, zone in sites}


def _stored_keys(keys: list[str]) -> set[str]:
    stored: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start : start + KEY_CHUNK]
        query = select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(chunk))
        stored.update(key for key in db.session.scalars(query) if key)
    return stored


def _queue_once(drafts: list[Draft], stats: ReminderStats) -> list[tuple[Draft, int]]:
    """Insert each recipient's copy unless its key is stored; return how many were queued."""
    keys = [announce.full_dedupe_key(d.dedupe_key, r) for d in drafts for r in d.recipients]
    stored = _stored_keys(keys)
    queued = []
    for draft in drafts:
        fresh = [
            r
            for r in draft.recipients
            if announce.full_dedupe_key(draft.dedupe_key, r) not in stored
        ]
        stats.already += len(draft.recipients) - len(fresh)
        if not fresh:
            continue
        try:
            with db.session.begin_nested():
                announce.queue(
                    draft.kind,
                    fresh,
                    write=draft.write,
                    report=draft.report,
                    dedupe_key=draft.dedupe_key,
                )
        except IntegrityError:
            # another `remind` stored the same keys after our check: theirs count
            stats.already += len(fresh)
            continue
        queued.append((draft, len(fresh)))
    return queued


# --- the daily digest -----------------------------------------------------------------------

# what an action's message tells, loaded with it (no query per action)
_ACTION_CONTEXT = (
    joinedload(CorrectiveAction.owner),
    joinedload(CorrectiveAction.report).joinedload(Report.location),
    joinedload(CorrectiveAction.report).joinedload(Report.site),
)
_ACTIONABLE = Report.status.in_(status_values(steps.ACTIONS_CHANGE_WHILE))


def _open_actions_due_by(last_day: date) -> list[CorrectiveAction]:
    query = (
        select(CorrectiveAction)
        .join(CorrectiveAction.report)
        .join(User, User.id == CorrectiveAction.owner_id)
        .where(
            CorrectiveAction.status == ActionStatus.OPEN.value,
            CorrectiveAction.due_on <= last_day,
            _ACTIONABLE,
            User.active.is_(True),
        )
        .options(*_ACTION_CONTEXT)
        .order_by(CorrectiveAction.owner_id, CorrectiveAction.due_on, CorrectiveAction.id)
    )
    return list(db.session.scalars(query).unique())


def _when(action: CorrectiveAction, today: date) -> str:
    days = (action.due_on - today).days
    if days < 0:
        return _("OVERDUE since %(day)s", day=dates.day(action.due_on))
    if days == 0:
        return _("Due today")
    if days == 1:
        return _("Due tomorrow")
    return _("Due %(day)s", day=dates.day(action.due_on))


def _action_line(action: CorrectiveAction, today: date) -> str:
    report = action.report
    where = _(
        "report #%(id)d at %(location)s, %(site)s",
        id=report.id,
        location=report.location.name,
        site=report.site.name,
    )
    return (
        f"- {_when(action, today)}: {action.description}\n"
        f"  {where}\n"
        f"  {announce.report_link(report)}\n"
    )


def _digest(owner: User, actions: list[CorrectiveAction], today: dict[int, date]) -> Letter:
    overdue = sum(action.due_on < today[action.site_id] for action in actions)
    subject = _(
        "Your actions: %(overdue)d overdue, %(soon)d due soon",
        overdue=overdue,
        soon=len(actions) - overdue,
    )
    lines = "\n".join(_action_line(action, today[action.site_id]) for action in actions)
    body = (
        _("Hello %(name)s,", name=owner.name)
        + "\n\n"
        + _(
            "The corrective actions you own that are overdue or due within %(days)d days:",
            days=DIGEST_DAYS,
        )
        + f"\n\n{lines}\n"
        + _("Mark an action done on its report once the change is in place.")
        + "\n"
    )
    return f"[{PRODUCT}] {subject}", body


def digests(today: dict[int, date]) -> list[Draft]:
    """One digest per owner of open actions due within two days (site days) or overdue."""
    if not today:
        return []
    horizon = max(today.values()) + timedelta(days=DIGEST_DAYS)
    by_owner: dict[int, list[CorrectiveAction]] = defaultdict(list)
    for action in _open_actions_due_by(horizon):
        if action.due_on <= today[action.site_id] + timedelta(days=DIGEST_DAYS):
            by_owner[action.owner_id].append(action)
    drafts = []
    for actions in by_owner.values():
        owner = actions[0].owner
        if not owner.wants_digest:  # turned off on their profile page
            continue
        # one digest per owner per day: the day at the lowest-numbered site of their actions
        day = today[min(action.site_id for action in actions)]
        write = partial(_digest, owner, actions, today)
        key = f"digest:{owner.id}:{day}"
        drafts.append(Draft("digest", announce.emails([owner]), write, key))
    return drafts


# --- escalations ----------------------------------------------------------------------------


def _staff_by_site(site_ids: set[int], role: Role) -> dict[int, list[User]]:
    """Active staff with the role at each site, in one query."""
    if not site_ids:
        return {}
    query = (
        select(user_sites.c.site_id, User)
        .join(User, User.id == user_sites.c.user_id)
        .where(
            user_sites.c.site_id.in_(site_ids),
            User.role == role.value,
            User.active.is_(True),
        )
        .order_by(User.id)
    )
    staff: dict[int, list[User]] = defaultdict(list)
    for site_id, user in db.session.execute(query):
        staff[site_id].append(user)
    return staff


def _admins() -> list[User]:
    query = select(User).where(User.role == Role.ADMIN.value, User.active.is_(True))
    return list(db.session.scalars(query.order_by(User.id)))


def escalations(moment: datetime) -> list[Draft]:
    """Reports nobody acknowledged within PORTAL_ACK_HOURS → the site's safety managers.

    A site without an active safety manager escalates to the admins: someone must hear.
    """
    hours = current_app.config["ACK_HOURS"]
    query = (
        select(Report)
        .where(
            Report.status == ReportStatus.NEW.value,
            Report.created_at < moment - timedelta(hours=hours),
        )
        .options(joinedload(Report.location), joinedload(Report.site))
        .order_by(Report.id)
    )
    reports = list(db.session.scalars(query))
    managers = _staff_by_site({report.site_id for report in reports}, Role.SAFETY_MANAGER)
    admins = _admins() if any(r.site_id not in managers for r in reports) else []
    drafts = []
    for report in reports:
        to = managers.get(report.site_id) or admins
        key = f"escalation:report:{report.id}"
        write = partial(_escalation, report, moment, hours)
        drafts.append(Draft("escalation", announce.emails(to), write, key, report))
    return drafts


def _escalation(report: Report, moment: datetime, hours: int) -> Letter:
    # from the moment staff may know: an anonymous report's hour, never its minute
    waited = int(report.age(moment).total_seconds() // 3600)
    made = dates.report_moment(report.created_at, report.is_anonymous, report.site.timezone)
    facts = {"id": report.id, "location": report.location.name, "site": report.site.name}
    if announce.looks_high_potential(report):
        subject = _(
            "HIGH-POTENTIAL not acknowledged after %(hours)d h: report #%(id)d at "
            "%(location)s (%(site)s)",
            hours=waited,
            **facts,
        )
    else:
        subject = _(
            "Not acknowledged after %(hours)d h: report #%(id)d at %(location)s (%(site)s)",
            hours=waited,
            **facts,
        )
    body = (
        _(
            "Report #%(id)d at %(location)s, %(site)s, was made %(made)s and nobody has "
            "acknowledged it yet (the limit is %(limit)d hours).",
            made=made,
            limit=hours,
            **facts,
        )
        + "\n\n"
        + _("What happened:")
        + f"\n{report.what_happened}\n\n"
        + _(
            "Acknowledge it, so the reporter knows it was seen: %(link)s",
            link=announce.report_link(report),
        )
        + "\n"
    )
    return f"[{PRODUCT}] {subject}", body


def hipo_overdue(today: dict[int, date]) -> list[Draft]:
    """Open actions of high-potential reports past their due date → the admins."""
    if not today:
        return []
    query = (
        select(CorrectiveAction)
        .join(CorrectiveAction.report)
        .where(
            CorrectiveAction.status == ActionStatus.OPEN.value,
            CorrectiveAction.due_on < max(today.values()),
            Report.high_potential.is_(True),
            _ACTIONABLE,
        )
        .options(*_ACTION_CONTEXT)
        .order_by(CorrectiveAction.id)
    )
    overdue = [a for a in db.session.scalars(query).unique() if a.due_on < today[a.site_id]]
    admins = announce.emails(_admins()) if overdue else []
    drafts = []
    for action in overdue:
        key = f"hipo-overdue:action:{action.id}"
        write = partial(_hipo_overdue, action, today[action.site_id])
        drafts.append(Draft("hipo_overdue", admins, write, key, action.report))
    return drafts


def _hipo_overdue(action: CorrectiveAction, today: date) -> Letter:
    report = action.report
    days = (today - action.due_on).days
    subject = _(
        "Overdue %(days)d d on HIGH-POTENTIAL report #%(id)d: %(action)s",
        days=days,
        id=report.id,
        action=action.description[:80],
    )
    body = (
        _("A corrective action on a high-potential report is overdue.")
        + "\n\n"
        + _(
            "Report #%(id)d at %(location)s, %(site)s",
            id=report.id,
            location=report.location.name,
            site=report.site.name,
        )
        + "\n"
        + _("Action: %(action)s", action=action.description)
        + "\n"
        + _("Owner: %(name)s", name=action.owner.name)
        + "\n"
        + _("Due: %(due)s (%(days)d days ago)", due=dates.day(action.due_on), days=days)
        + f"\n\n{announce.report_link(report)}\n"
    )
    return f"[{PRODUCT}] {subject}", body
