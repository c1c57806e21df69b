"""The sender: delivers outbox rows by email (SMTP) or webhook (JSON POST), with retries.

A round (`deliver_pending`) claims due rows in one short committed write transaction — a
conditional UPDATE per row whose row count tells whether this sender won it, so two senders
never take the same row — then sends each one outside any transaction and records the result
in its own short transaction: sent, or failed for now with a growing back-off, or failed for
good after PORTAL_NOTIFY_MAX_ATTEMPTS tries. A sender that dies mid-round leaves its rows
`sending`; another sender takes them over once the claim is older than the lease.

Delivery is at most once per claim. A crash between the send and the mark means one more
send after the lease, with the same Message-ID (email) or X-Closecall-Message-Id (webhook),
so receivers can de-duplicate.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from portal.database import begin_write, queued_writes
from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import Delivery, OutboxMessage, OutboxStatus
from portal.notify.channels import DeliveryError, Mailer, build_email, post_webhook

log = logging.getLogger(__name__)

# a claim older than this belongs to a sender that died: another one takes the row over
LEASE = timedelta(minutes=10)
# waits after the 1st, 2nd, ... failed try; the last one repeats
BACKOFF = tuple(timedelta(minutes=m) for m in (1, 5, 15, 60, 240))
MAX_ERROR_CHARS = 1000

_warned_no_smtp = False


@dataclass
class DeliveryStats:
    """What one round did."""

    sent: int = 0
    retrying: int = 0  # failed for now, tried again after the back-off
    failed: int = 0  # given up: kept with status failed for an admin to see
    waiting: int = 0  # email due but no PORTAL_SMTP_HOST: left pending, untouched
    taken: int = 0  # claimed by another sender between our read and our claim

    def __str__(self) -> str:
        text = f"sent {self.sent}, retrying {self.retrying}, failed {self.failed}"
        if self.waiting:
            text += f", {self.waiting} email(s) waiting for PORTAL_SMTP_HOST"
        return text


@dataclass(frozen=True)
class Claimed:
    """A claimed row, copied out of the session so sending touches no database."""

    id: int
    kind: str
    channel: str
    recipient: str
    subject: str
    body: str
    payload: dict[str, Any] | None
    attempts: int
    created_at: datetime
    claimed_at: datetime

    @property
    def message_id(self) -> str:
        """The same Message-ID on every try of this row, so receivers can de-duplicate. Keyed,
        with no row number in it: outbox rows are numbered in the order they were written,
        and an anonymous report's batched message was written the minute it came."""
        seed = f"{self.id}|{self.created_at.isoformat()}|{self.recipient}".encode()
        key = current_app.config["SECRET_KEY"].encode()
        digest = hmac.new(key, seed, hashlib.sha256).hexdigest()[:32]
        host = urlsplit(current_app.config["BASE_URL"]).hostname or "closecall"
        return f"<outbox.{digest}@{host}>"


def backoff(attempts: int) -> timedelta:
    """How long to wait after the given number of failed tries (1 min, 5, 15, 60, then 4 h)."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def _due(now: datetime) -> Any:
    """Pending and due, or claimed by a sender whose lease ran out."""
    return or_(
        and_(
            OutboxMessage.status == OutboxStatus.PENDING.value,
            OutboxMessage.next_attempt_at <= now,
        ),
        and_(
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.claimed_at < now - LEASE,
        ),
    )


def due_ids(now: datetime, limit: int, *, email: bool = True) -> list[int]:
    """The ids of the rows a round would try, oldest due first."""
    query = select(OutboxMessage.id).where(_due(now))
    if not email:
        query = query.where(OutboxMessage.channel != Delivery.EMAIL.value)
    query = query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    return list(db.session.scalars(query))


def claim(ids: list[int], now: datetime) -> list[Claimed]:
    """Take the rows that are still due; a row another sender took meanwhile is skipped.

    The caller holds the write transaction; the conditional UPDATE re-checks the row, and its
    row count says who won (PostgreSQL re-evaluates the WHERE after waiting on the row lock).
    """
    won = []
    for row_id in ids:
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, _due(now))
            .values(status=OutboxStatus.SENDING.value, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            won.append(row_id)
    if not won:
        return []
    columns = [getattr(OutboxMessage, name) for name in Claimed.__dataclass_fields__]
    rows = db.session.execute(
        select(*columns).where(OutboxMessage.id.in_(won)).order_by(OutboxMessage.id)
    )
    return [Claimed(*row) for row in rows]


def _claim_round(now: datetime, limit: int, email: bool) -> tuple[list[Claimed], int]:
    with queued_writes():
        begin_write()
        ids = due_ids(now, limit, email=email)
        claimed = claim(ids, now)
        db.session.commit()
    return claimed, len(ids) - len(claimed)


def _finish(row: Claimed, *conditions: Any, **values: Any) -> bool:
    """Write one row's outcome in its own short transaction; False when the row moved on."""
    with queued_writes():
        begin_write()
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, *conditions)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return result.rowcount == 1


def mark_sent(row: Claimed, now: datetime) -> None:
    """Sent: whoever holds the claim now, the message went out."""
    _finish(
        row,
        OutboxMessage.status != OutboxStatus.SENT.value,
        status=OutboxStatus.SENT.value,
        sent_at=now,
        last_error=None,
    )


def mark_failed_try(row: Claimed, problem: DeliveryError, now: datetime) -> str:
    """One more failed try: back to pending after the back-off, or failed for good."""
    attempts = row.attempts + 1
    last = problem.permanent or attempts >= current_app.config["NOTIFY_MAX_ATTEMPTS"]
    status = OutboxStatus.FAILED if last else OutboxStatus.PENDING
    _finish(
        row,
        OutboxMessage.status == OutboxStatus.SENDING.value,
        OutboxMessage.claimed_at == row.claimed_at,
        status=status.value,
        attempts=attempts,
        last_error=str(problem)[:MAX_ERROR_CHARS],
        next_attempt_at=now + backoff(attempts),
    )
    log.warning("outbox %s to %s failed (%s): %s", row.id, row.recipient, status, problem)
    return status.value


def release(rows: list[Claimed]) -> None:
    """Give back rows this round had no time left for, untried."""
    for row in rows:
        _finish(
            row,
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.claimed_at == row.claimed_at,
            status=OutboxStatus.PENDING.value,
            claimed_at=None,
        )


def send(row: Claimed, mailer: Mailer) -> None:
    """Deliver one row, or raise DeliveryError."""
    if row.channel == Delivery.WEBHOOK:
        timeout = current_app.config["WEBHOOK_TIMEOUT"]
        allowed = current_app.config["WEBHOOK_ALLOWED_HOSTS"]
        payload = row.payload or {"text": row.subject}
        post_webhook(row.recipient, payload, row.message_id, timeout, allowed)
    elif row.channel == Delivery.EMAIL:
        mailer.send(build_email(row, current_app.config["SMTP_FROM"], row.message_id))
    else:
        raise DeliveryError(f"unknown channel {row.channel!r}", permanent=True)


def _count_waiting_email(now: datetime) -> int:
    query = select(func.count(OutboxMessage.id)).where(
        _due(now), OutboxMessage.channel == Delivery.EMAIL.value
    )
    count = db.session.scalar(query) or 0
    db.session.commit()
    return count


def _warn_no_smtp(waiting: int) -> None:
    global _warned_no_smtp
    if waiting and not _warned_no_smtp:
        _warned_no_smtp = True
        log.warning("PORTAL_SMTP_HOST is not set: %d email(s) stay pending until it is", waiting)


def deliver_pending(now: datetime | None = None, limit: int = 100) -> DeliveryStats:
    """Claim up to `limit` due rows, send them outside any transaction, record each outcome."""
    started = now or utcnow()
    stats = DeliveryStats()
    email = smtp_configured()
    if not email:
        stats.waiting = _count_waiting_email(started)
        _warn_no_smtp(stats.waiting)
    claimed, stats.taken = _claim_round(started, limit, email)
    # stop well inside the lease, so no other sender takes over a row we still mean to send
    deadline = time.monotonic() + LEASE.total_seconds() / 2
    with Mailer.from_config(current_app.config) as mailer:
        for index, row in enumerate(claimed):
            if time.monotonic() > deadline:
                release(claimed[index:])
                break
            try:
                send(row, mailer)
            except DeliveryError as problem:
                outcome = mark_failed_try(row, problem, now or utcnow())
                if outcome == OutboxStatus.FAILED:
                    stats.failed += 1
                else:
                    stats.retrying += 1
            else:
                mark_sent(row, now or utcnow())
                stats.sent += 1
    return stats


def retry_failed() -> int:
    """Put every given-up row back in the queue with fresh tries (after fixing the cause)."""
    with queued_writes():
        begin_write()
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.FAILED.value)
            .values(status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return result.rowcount
