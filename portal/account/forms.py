"""Choosing a password, and asking for a reset link."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
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


class ProfileForm(FlaskForm):
    """Name, language of the staff pages and emails, and the morning digest."""

    name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(message=_l("Please write your name.")),
            Length(max=120, message=_l("Please keep this under %(max)d characters.")),
        ],
    )
    language = RadioField(
        _l("Language of the staff pages"),
        choices=[
            SelectChoice("", _l("The browser's language")),
            SelectChoice("en", "English"),
            SelectChoice("es", "Español"),
        ],
        default="",
    )
    wants_digest = BooleanField(
        _l("Email me each morning the corrective actions I own that are due soon or overdue")
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Please type your current password."))],
    )
    password = PasswordForm.password
    again = PasswordForm.again


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class TwoFactorSetupForm(FlaskForm):
    """Turning on two-step sign-in: the password, and the app's first code."""

    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(message=_l("Please type your current password."))],
    )
    code = StringField(
        _l("The 6-digit code the app shows"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please type the code your authenticator app shows.")),
            Length(max=20, message=_l("Please keep this under %(max)d characters.")),
        ],
    )


def _password_again() -> PasswordField:
    return PasswordField(
        _l("Your password"),
        validators=[DataRequired(message=_l("Please type your current password."))],
    )


class TwoFactorOffForm(FlaskForm):
    """The password again, before turning two-step sign-in off (its own field name: the
    profile page holds several password fields)."""

    off_password = _password_again()


class RecoveryCodesForm(FlaskForm):
    """The password again, before ten new recovery codes replace the earlier ones."""

    codes_password = _password_again()
