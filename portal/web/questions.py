"""The worker's questions as a form: what happened, where, what could have happened, and the
optional words, name and role. The public report form (portal/report_form) and a report staff
enter on someone's behalf (portal/report_page) both ask them; each adds what it needs."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from portal.domain import loop
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import PotentialOutcome, ReporterRole
from portal.web.fields import strip, too_long

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


class ReportQuestions(FlaskForm):
    """The three questions and the optional details, with the form's one-time token."""

    what_happened = TextAreaField(
        _l("What happened?"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Please tell us what happened.")),
            Length(max=MAX_WHAT, message=too_long(MAX_WHAT)),
        ],
    )
    where = StringField(
        _l("Where?"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Please tell us where it happened.")),
            Length(max=MAX_WHERE, message=too_long(MAX_WHERE)),
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
            Length(max=MAX_POTENTIAL_TEXT, message=too_long(MAX_POTENTIAL_TEXT)),
        ],
    )
    reporter_name = StringField(
        _l("Your name (leave empty to stay anonymous)"),
        filters=[strip],
        validators=[Optional(), Length(max=MAX_NAME, message=too_long(MAX_NAME))],
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

    def answers(self, channel: str, language: str) -> loop.NewReport:
        """The three answers and the optional details, once the form is valid."""
        return loop.NewReport(
            what_happened=self.what_happened.data,
            where_text=self.where.data,
            potential_outcome=self.potential_outcome.data,
            potential_text=self.potential_text.data,
            reporter_name=self.reporter_name.data,
            reporter_role=self.reporter_role.data,
            channel=channel,
            language=language,
        )
