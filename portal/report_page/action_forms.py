"""Staff forms of the corrective-action panel: a new action, the "what we fixed" summary, and
the reply to a reporter who said it is not really fixed."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.domain.corrective import MAX_WORK_ORDER_URL, NewAction
from portal.domain.labels import CONTROL_LEVEL
from portal.lib import sla
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import ControlLevel, Report, User
from portal.web.fields import strip, too_long

MAX_DESCRIPTION = 2000
MAX_WORK_ORDER_REF = 60
MAX_SUMMARY = 2000
MAX_REPLY = 2000


def _int_or_none(value: object) -> int | None:
    """Coerce a posted id without raising, so a bad one gets our message, not WTForms'."""
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def level_choices() -> list[SelectChoice]:
    """The hierarchy of controls, strongest first."""
    return [SelectChoice(level.value, CONTROL_LEVEL[level]) for level in ControlLevel]


def default_due_on(report: Report, today: date) -> date:
    """A week for a high-potential report, a month otherwise (PORTAL_ACTION_DUE_DAYS*)."""
    config = current_app.config
    return sla.default_due_on(
        today,
        high_potential=report.high_potential,
        days_high_potential=config["ACTION_DUE_DAYS_HIGH_POTENTIAL"],
        days_other=config["ACTION_DUE_DAYS"],
    )


class AddActionForm(FlaskForm):
    """A new corrective action: what, how strong a control, who, by when, and the work order."""

    description = TextAreaField(
        _l("What will change"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Describe the action.")),
            Length(max=MAX_DESCRIPTION, message=too_long(MAX_DESCRIPTION)),
        ],
    )
    control_level = RadioField(
        _l("Level of control"), choices=level_choices(), validate_choice=False
    )
    owner = SelectField(_l("Owner"), coerce=_int_or_none, validate_choice=False)
    due_on = StringField(_l("Due date"), filters=[strip])
    work_order_ref = StringField(
        _l("Work-order reference (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=MAX_WORK_ORDER_REF, message=too_long(MAX_WORK_ORDER_REF)),
        ],
    )
    work_order_url = StringField(
        _l("Work-order link (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=MAX_WORK_ORDER_URL, message=too_long(MAX_WORK_ORDER_URL)),
        ],
    )
    visible_to_reporter = BooleanField(_l("Show this action to the reporter"))

    def __init__(self, report: Report, owners: list[User], today: date, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.today = today
        self.owners = {user.id: user for user in owners}
        people = [SelectChoice(user.id, user.name) for user in owners]
        self.owner.choices = [SelectChoice("", _l("Choose an owner")), *people]

    @classmethod
    def blank(cls, report: Report, owners: list[User], today: date) -> AddActionForm:
        """The form as it first opens: the report's owner, the default due date."""
        form = cls(report, owners, today, formdata=None)
        form.owner.data = report.owner_id
        form.due_on.data = default_due_on(report, today).isoformat()
        return form

    def validate_control_level(self, field: RadioField) -> None:
        if field.data not in {level.value for level in ControlLevel}:
            raise ValidationError(_l("Choose a level of the hierarchy of controls."))

    def validate_owner(self, field: SelectField) -> None:
        if field.data not in self.owners:
            raise ValidationError(_l("Choose an owner among the staff of the report's site."))

    def validate_due_on(self, field: StringField) -> None:
        due = self.due_date
        if due is None:
            raise ValidationError(_l("Give the due date as a date, e.g. 2026-12-31."))
        if due < self.today:
            raise ValidationError(_l("The due date is in the past: choose today or later."))

    def validate_work_order_url(self, field: StringField) -> None:
        parts = urlsplit(field.data or "")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(_l("Give the link as a web address starting with https://."))

    @property
    def due_date(self) -> date | None:
        """The typed due date, or None when it is not a date."""
        try:
            return date.fromisoformat(self.due_on.data or "")
        except ValueError:
            return None

    def new_action(self) -> NewAction:
        """The validated action, for corrective.add."""
        return NewAction(
            description=self.description.data,
            control_level=self.control_level.data,
            owner=self.owners[self.owner.data],
            due_on=self.due_date,  # type: ignore[arg-type]
            work_order_ref=self.work_order_ref.data or None,
            work_order_url=self.work_order_url.data or None,
            visible_to_reporter=self.visible_to_reporter.data,
        )


class SummaryForm(FlaskForm):
    """The "what we fixed" words for the crew, or an explicit "not for public display"."""

    version = HiddenField()
    summary = TextAreaField(
        _l("What we fixed"),
        filters=[strip],
        validators=[Length(max=MAX_SUMMARY, message=too_long(MAX_SUMMARY))],
    )
    not_public = BooleanField(_l("Not for public display"))

    def validate_version(self, field: HiddenField) -> None:
        if not (field.data or "").isdigit():
            raise ValidationError(_l("This form is out of date. Please reload the page."))

    def validate_summary(self, field: TextAreaField) -> None:
        if not field.data and not self.not_public.data:
            raise ValidationError(
                _l("Write what was fixed for the crew, or tick “Not for public display”.")
            )
        if field.data and self.not_public.data:
            # the summary would be shown to the crew, against the tick: ask which is meant
            raise ValidationError(
                _l("Write the summary for the crew or tick “Not for public display” — not both.")
            )


class DoubtReplyForm(FlaskForm):
    """What staff found when they looked again; the reporter reads it on /followup."""

    reply = TextAreaField(
        _l("Your reply to the reporter"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Write what you found when you looked again.")),
            Length(max=MAX_REPLY, message=too_long(MAX_REPLY)),
        ],
    )
