"""The receipt-code lookup form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length


class LookupForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only lookup on a cookie-less page; guessing is rate-limited

    code = StringField(
        _l("Your receipt code"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(message=_l("Please type the code from your receipt.")),
            Length(max=40, message=_l("That is longer than a receipt code.")),
        ],
    )
    lang = HiddenField()
