"""Staff forms on the report page: a message, the investigation, and a report entered by staff."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from portal.domain.labels import ROOT_CAUSE
from portal.domain.loop import MAX_MESSAGE, MAX_WHYS
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import ReporterRole, RootCause
from portal.web.fields import strip, too_long
from portal.web.i18n import LANGUAGE_NAMES
from portal.web.questions import MAX_NAME, MAX_POTENTIAL_TEXT, ReportQuestions, role_choices

MAX_STEP = 500
MAX_FACTORS = 2000
MESSAGE_KINDS = ("question", "note")


class MessageForm(FlaskForm):
    """A question to the reporter or an internal note; the clicked button gives the kind."""

    body = TextAreaField(
        _l("Message"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Please write the message.")),
            Length(max=MAX_MESSAGE, message=too_long(MAX_MESSAGE)),
        ],
    )
    kind = HiddenField(
        validators=[
            AnyOf(
                MESSAGE_KINDS,
                message=_l(
                    "Choose whether this is a question to the reporter or an internal note."
                ),
            )
        ]
    )


class WhyStep(Form):
    """One "Why? — Because …" pair (a sub-form: the page's CSRF token covers it)."""

    why = StringField(
        _l("Why?"),
        filters=[strip],
        validators=[Optional(), Length(max=MAX_STEP, message=too_long(MAX_STEP))],
    )
    because = StringField(
        _l("Because …"),
        filters=[strip],
        validators=[Optional(), Length(max=MAX_STEP, message=too_long(MAX_STEP))],
    )


def root_cause_choices() -> list[SelectChoice]:
    causes = (SelectChoice(cause.value, ROOT_CAUSE[cause]) for cause in RootCause)
    return [SelectChoice("", _l("Not decided yet")), *causes]


class InvestigationForm(FlaskForm):
    """The no-blame investigation: exactly five step pairs, a root cause, contributing factors."""

    version = HiddenField()
    whys = FieldList(FormField(WhyStep), min_entries=MAX_WHYS, max_entries=MAX_WHYS)
    root_cause = SelectField(
        _l("Root cause"),
        choices=root_cause_choices(),
        validate_choice=False,
        validators=[
            AnyOf(
                ["", *(cause.value for cause in RootCause)],
                message=_l("Choose one of the listed root causes."),
            )
        ],
    )
    contributing_factors = TextAreaField(
        _l("Contributing factors"),
        filters=[strip],
        validators=[Optional(), Length(max=MAX_FACTORS, message=too_long(MAX_FACTORS))],
    )

    def validate_version(self, field: HiddenField) -> None:
        if not (field.data or "").isdigit():
            raise ValidationError(_l("This form is out of date. Please reload the page."))

    @property
    def steps(self) -> list[tuple[str, str]]:
        """The step pairs as typed (loop.investigate drops the empty ones)."""
        return [(step.why.data or "", step.because.data or "") for step in self.whys]


def language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]


class StaffReportForm(ReportQuestions):
    """The worker's three questions, entered by staff (with CSRF) from a verbal report."""

    potential_text = StringField(
        _l("In their own words (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=MAX_POTENTIAL_TEXT, message=too_long(MAX_POTENTIAL_TEXT)),
        ],
    )
    reporter_name = StringField(
        _l("Reporter's name (leave empty if they want to stay anonymous)"),
        filters=[strip],
        validators=[Optional(), Length(max=MAX_NAME, message=too_long(MAX_NAME))],
    )
    reporter_role = RadioField(
        _l("Reporter's role (optional)"),
        choices=role_choices(),
        validators=[
            Optional(),
            AnyOf([r.value for r in ReporterRole], message=_l("Please choose one of these.")),
        ],
        validate_choice=False,
    )
    language = SelectField(
        _l("Language the reporter speaks"),
        choices=language_choices(),
        validate_choice=False,
        validators=[AnyOf(list(LANGUAGE_NAMES), message=_l("Please choose one of these."))],
    )
