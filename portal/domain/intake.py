"""From a worker's answers to a stored report and its receipt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.database import begin_write, queued_writes
from portal.domain import loop
from portal.extensions import db
from portal.lib import codes, hours, photos
from portal.lib.timeutil import utcnow
from portal.models import Report, User


@dataclass(frozen=True)
class Receipt:
    code: str
    report_id: int
    anonymous: bool
    # True when the same form was sent again and this is the first submission's receipt: a
    # shared tablet never shows it again (portal/report_form/kiosk.py)
    repeated: bool = False


class AlreadySent(Exception):
    """The form's one-time token already sent a different report, or sent this one too long
    ago: whoever holds the token gets no receipt code."""


# how long the same form sent again (a double tap, a reload, a retry after a dropped
# connection) still answers with the first receipt
REPLAY_WINDOW = timedelta(minutes=15)


def _same_submission(report: Report, answers: loop.NewReport) -> bool:
    columns = answers.columns()
    columns.pop("language")  # the same words, whichever language the form was shown in
    return all(getattr(report, name) == value for name, value in columns.items())


def receipt_of(nonce: str, answers: loop.NewReport) -> Receipt | None:
    """The receipt of an earlier submission of this form, if there was one: only when these
    are its very answers and it was sent a moment ago; AlreadySent otherwise."""
    key = codes.submission_key(nonce)
    report = db.session.scalar(select(Report).where(Report.submission_key == key))
    if report is None:
        return None
    # from the latest moment it may have been made: an anonymous report keeps only its hour
    sent = report.released_at if report.is_anonymous else report.created_at
    if not _same_submission(report, answers) or utcnow() - sent > REPLAY_WINDOW:
        raise AlreadySent
    code = codes.receipt_for(current_app.config["SECRET_KEY"], nonce)
    return Receipt(code=code, report_id=report.id, anonymous=report.is_anonymous, repeated=True)


def was_sent(nonce: str) -> bool:
    """Whether the form with this nonce already sent a report."""
    key = codes.submission_key(nonce)
    return db.session.scalar(select(Report.id).where(Report.submission_key == key)) is not None


def record(
    location: loop.PlaceRef,
    answers: loop.NewReport,
    nonce: str,
    *,
    stored: Sequence[loop.StoredPhoto] = (),
    entered_by: User | None = None,
) -> Receipt:
    """Add the report the form with this nonce sent, with its receipt; the caller commits.

    Used by the worker's form (through `submit`) and by staff entering a report for someone.
    """
    secret = current_app.config["SECRET_KEY"]
    code = codes.receipt_for(secret, nonce)
    report = loop.submit(
        location,
        answers,
        receipt_hash=codes.receipt_hash(secret, code),
        submission_key=codes.submission_key(nonce),
        photos=stored,
        entered_by=entered_by,
    )
    db.session.flush()
    return Receipt(code=code, report_id=report.id, anonymous=report.is_anonymous)


def submit(
    location: loop.PlaceRef,
    answers: loop.NewReport,
    nonce: str,
    cleaned: list[photos.CleanPhoto],
) -> Receipt:
    """Store the photos and the report in one go; a concurrent repeat gets the first receipt."""
    upload_dir = current_app.config["UPLOAD_DIR"]
    dated = hours.known_at(utcnow(), anonymous=not answers.reporter_name)
    names = [photos.store(photo, upload_dir, dated=dated) for photo in cleaned]
    stored = [
        loop.StoredPhoto(name, photo.width, photo.height, len(photo.data))
        for name, photo in zip(names, cleaned, strict=True)
    ]
    try:
        # The write lock is taken here, after parsing and photo cleaning, and held only
        # for the check-and-insert below.
        with queued_writes():
            begin_write()
            earlier = receipt_of(nonce, answers)
            if earlier is not None:
                db.session.rollback()
                photos.remove(names, upload_dir)
                return earlier
            receipt = record(location, answers, nonce, stored=stored)
            db.session.commit()
    except IntegrityError:
        # PostgreSQL: a concurrent repeat of the same form got in first.
        db.session.rollback()
        photos.remove(names, upload_dir)
        earlier = receipt_of(nonce, answers)
        if earlier is None:
            raise
        return earlier
    except Exception:
        db.session.rollback()
        photos.remove(names, upload_dir)
        raise
    return receipt
