"""The receipt-code lookup form and the reporter's answer form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

MAX_ANSWER = 2000


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class LookupForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only lookup on a cookie-less page; guessing is rate-limited

    code = StringField(
        _l("Your receipt code"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please type the code from your receipt.")),
            Length(max=40, message=_l("That is longer than a receipt code.")),
        ],
    )
    lang = HiddenField()


class AnswerForm(FlaskForm):
    """The reporter's answer: the receipt code rides along, a signed one-time token stands in
    for CSRF (the page sets no cookie)."""

    class Meta:
        csrf = False

    body = TextAreaField(
        _l("Your answer"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please write your answer.")),
            Length(
                max=MAX_ANSWER,
                message=_l("Please keep your answer under %(max)d characters.", max=MAX_ANSWER),
            ),
        ],
    )
    code = HiddenField(filters=[_strip])
    token = HiddenField()
    lang = HiddenField()
