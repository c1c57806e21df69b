"""The three-question report form (cookie-less: protected by a submission token, not CSRF)."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    MultipleFileField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from portal.domain.loop import NewReport
from portal.lib import photos
from portal.models import PotentialOutcome, ReporterRole

MAX_WHAT = 4000
MAX_WHERE = 200
MAX_POTENTIAL_TEXT = 500
MAX_NAME = 120


def outcome_choices() -> list[SelectChoice]:
    return [
        SelectChoice(PotentialOutcome.MINOR_INJURY.value, _l("Minor injury")),
        SelectChoice(PotentialOutcome.SERIOUS_INJURY.value, _l("Serious injury or worse")),
        SelectChoice(PotentialOutcome.DAMAGE_ONLY.value, _l("Damage or spill only")),
        SelectChoice(PotentialOutcome.OTHER.value, _l("Something else")),
    ]


def role_choices() -> list[SelectChoice]:
    return [
        SelectChoice(ReporterRole.WORKER.value, _l("Worker")),
        SelectChoice(ReporterRole.SUPERVISOR.value, _l("Supervisor")),
        SelectChoice(ReporterRole.CONTRACTOR.value, _l("Contractor")),
        SelectChoice(ReporterRole.VISITOR.value, _l("Visitor or other")),
    ]


def strip(value: object) -> object:
    """Trim surrounding spaces so a blank answer counts as missing."""
    return value.strip() if isinstance(value, str) else value


def _too_long(limit: int) -> object:
    return _l("Please keep this under %(max)d characters.", max=limit)


class ReportForm(FlaskForm):
    class Meta:
        csrf = False  # the public pages set no cookie; the submission token protects the form

    what_happened = TextAreaField(
        _l("What happened?"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Please tell us what happened.")),
            Length(max=MAX_WHAT, message=_too_long(MAX_WHAT)),
        ],
    )
    where = StringField(
        _l("Where?"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Please tell us where it happened.")),
            Length(max=MAX_WHERE, message=_too_long(MAX_WHERE)),
        ],
    )
    potential_outcome = RadioField(
        _l("What could have happened?"),
        choices=outcome_choices(),
        validators=[
            InputRequired(message=_l("Please choose what could have happened.")),
            AnyOf([c.value for c in PotentialOutcome], message=_l("Please choose one of these.")),
        ],
        validate_choice=False,
    )
    potential_text = StringField(
        _l("In your own words (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=MAX_POTENTIAL_TEXT, message=_too_long(MAX_POTENTIAL_TEXT)),
        ],
    )
    photos = MultipleFileField(_l("Photos (up to 3)"))
    reporter_name = StringField(
        _l("Your name (leave empty to stay anonymous)"),
        filters=[strip],
        validators=[Optional(), Length(max=MAX_NAME, message=_too_long(MAX_NAME))],
    )
    reporter_role = RadioField(
        _l("Your role (optional)"),
        choices=role_choices(),
        validators=[
            Optional(),
            AnyOf([r.value for r in ReporterRole], message=_l("Please choose one of these.")),
        ],
        validate_choice=False,
    )
    token = HiddenField()
    lang = HiddenField()

    def answers(self, channel: str, language: str) -> NewReport:
        """What the validated form says, as the domain takes a new report."""
        return NewReport(
            what_happened=self.what_happened.data,
            where_text=self.where.data,
            potential_outcome=self.potential_outcome.data,
            potential_text=self.potential_text.data,
            reporter_name=self.reporter_name.data,
            reporter_role=self.reporter_role.data,
            channel=channel,
            language=language,
        )

    def cleaned_photos(self) -> list[photos.CleanPhoto] | None:
        """The chosen photos, cleaned; None (with the error on the field) when one is refused."""
        uploads = [upload for upload in self.photos.data or [] if upload and upload.filename]
        limit = current_app.config["MAX_PHOTOS"]
        if len(uploads) > limit:
            self.photos.errors = [_l("Please add at most %(count)d photos.", count=limit)]
            return None
        cleaned = []
        for upload in uploads:
            try:
                data = photos.read_upload(upload, current_app.config["MAX_PHOTO_BYTES"])
                cleaned.append(photos.clean(data))
            except photos.PhotoError as problem:
                self.photos.errors = [problem.message]
                return None
        return cleaned
