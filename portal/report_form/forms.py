"""The public report form (cookie-less: protected by a submission token, not CSRF)."""

from __future__ import annotations

from flask import current_app
from wtforms import HiddenField, MultipleFileField

from portal.lib.lazytext import lazy_gettext as _l
from portal.lib.photos import CleanPhoto, PhotoError, clean, read_upload
from portal.web.questions import ReportQuestions


class ReportForm(ReportQuestions):
    """The worker's questions, up to three photos, and the language the form is shown in."""

    class Meta:
        csrf = False  # the public pages set no cookie; the submission token protects the form

    photos = MultipleFileField(_l("Photos (up to 3)"))
    lang = HiddenField()

    def clean_photos(self) -> list[CleanPhoto] | None:
        """The photos, cleaned; None (with the error on the field) when one is refused."""
        uploads = [upload for upload in self.photos.data or [] if upload and upload.filename]
        limit = current_app.config["MAX_PHOTOS"]
        if len(uploads) > limit:
            self.photos.errors = [_l("Please add at most %(count)d photos.", count=limit)]
            return None
        cleaned = []
        for upload in uploads:
            try:
                data = read_upload(upload, current_app.config["MAX_PHOTO_BYTES"])
                cleaned.append(clean(data))
            except PhotoError as problem:
                self.photos.errors = [problem.message]
                return None
        return cleaned
