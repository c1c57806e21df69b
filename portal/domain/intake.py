"""From a posted report form to a stored report and its receipt."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.database import begin_write, queued_writes
from portal.domain import loop
from portal.extensions import db
from portal.lib import codes, photos
from portal.models import Report
from portal.report_form.forms import ReportForm
from portal.report_form.posters import Place


@dataclass(frozen=True)
class Receipt:
    code: str
    report_id: int
    anonymous: bool


def receipt_of(nonce: str) -> Receipt | None:
    """The receipt of an earlier submission of the same form, if there was one."""
    key = codes.submission_key(nonce)
    report = db.session.scalar(select(Report).where(Report.submission_key == key))
    if report is None:
        return None
    code = codes.receipt_for(current_app.config["SECRET_KEY"], nonce)
    return Receipt(code=code, report_id=report.id, anonymous=report.is_anonymous)


def clean_photos(form: ReportForm) -> list[photos.CleanPhoto] | None:
    """The form's photos, cleaned; None (with the error on the field) when one is refused."""
    uploads = [upload for upload in form.photos.data or [] if upload and upload.filename]
    limit = current_app.config["MAX_PHOTOS"]
    if len(uploads) > limit:
        form.photos.errors = [_too_many(limit)]
        return None
    cleaned = []
    for upload in uploads:
        try:
            data = photos.read_upload(upload, current_app.config["MAX_PHOTO_BYTES"])
            cleaned.append(photos.clean(data))
        except photos.PhotoError as problem:
            form.photos.errors = [problem.message]
            return None
    return cleaned


def _too_many(limit: int) -> object:
    return _l("Please add at most %(count)d photos.", count=limit)


def answers_from(form: FlaskForm, channel: str, language: str) -> loop.NewReport:
    """The three answers and the optional details of a validated report form."""
    return loop.NewReport(
        what_happened=form.what_happened.data,
        where_text=form.where.data,
        potential_outcome=form.potential_outcome.data,
        potential_text=form.potential_text.data,
        reporter_name=form.reporter_name.data,
        reporter_role=form.reporter_role.data,
        channel=channel,
        language=language,
    )


def submit(
    location: Place,
    form: ReportForm,
    nonce: str,
    cleaned: list[photos.CleanPhoto],
    channel: str,
    language: str,
) -> Receipt:
    """Store the photos and the report in one go; a concurrent repeat gets the first receipt."""
    secret = current_app.config["SECRET_KEY"]
    upload_dir = current_app.config["UPLOAD_DIR"]
    code = codes.receipt_for(secret, nonce)
    names = [photos.store(photo, upload_dir) for photo in cleaned]
    stored = [
        loop.StoredPhoto(name, photo.width, photo.height, len(photo.data))
        for name, photo in zip(names, cleaned, strict=True)
    ]
    answers = answers_from(form, channel, language)
    try:
        # The write lock is taken here, after parsing and photo cleaning, and held only
        # for the check-and-insert below.
        with queued_writes():
            begin_write()
            earlier = receipt_of(nonce)
            if earlier is not None:
                db.session.rollback()
                photos.remove(names, upload_dir)
                return earlier
            report = loop.submit(
                location,
                answers,
                receipt_hash=codes.receipt_hash(secret, code),
                submission_key=codes.submission_key(nonce),
                photos=stored,
            )
            db.session.flush()
            receipt = Receipt(code=code, report_id=report.id, anonymous=report.is_anonymous)
            db.session.commit()
    except IntegrityError:
        # PostgreSQL: a concurrent repeat of the same form got in first.
        db.session.rollback()
        photos.remove(names, upload_dir)
        earlier = receipt_of(nonce)
        if earlier is None:
            raise
        return earlier
    except Exception:
        db.session.rollback()
        photos.remove(names, upload_dir)
        raise
    return receipt
