"""The receipt-code lookup form, the reporter's answer form and the "Is it fixed?" form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from portal.lib.lazytext import lazy_gettext as _l
from portal.models import ReporterVerdict

MAX_ANSWER = 2000
MAX_WORDS = 2000


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


class VerdictForm(FlaskForm):
    """ "Is it fixed?": the clicked button gives the answer; a few words are optional. Like the
    answer form it carries the receipt code and a signed one-time token instead of CSRF."""

    class Meta:
        csrf = False

    verdict = HiddenField(
        validators=[
            AnyOf(
                [v.value for v in ReporterVerdict],
                message=_l("Please press “Yes” or “Not really”."),
            )
        ]
    )
    words = TextAreaField(
        _l("Anything to add? (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(
                max=MAX_WORDS,
                message=_l("Please keep this under %(max)d characters.", max=MAX_WORDS),
            ),
        ],
    )
    code = HiddenField(filters=[_strip])
    token = HiddenField()
    lang = HiddenField()
