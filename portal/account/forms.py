"""Choosing a password, and asking for a reset link."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.lib.lazytext import lazy_gettext as _l
from portal.lib.passwords import MIN_PASSWORD_LENGTH


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


class PasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=_l("Please choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
        ],
    )
    again = PasswordField(
        _l("The same password again"),
        validators=[
            DataRequired(message=_l("Please type the password a second time.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )


class ForgotForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        filters=[_lower],
        validators=[
            DataRequired(message=_l("Please enter your email.")),
            Length(max=254, message=_l("Please keep this under %(max)d characters.")),
        ],
    )
