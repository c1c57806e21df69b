"""Sign-in form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from portal.lib.lazytext import lazy_gettext as _l


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        filters=[lambda value: value.strip().lower() if isinstance(value, str) else value],
        validators=[DataRequired(message=_l("Please enter your email.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Please enter your password.")), Length(max=200)],
    )


class SecondStepForm(FlaskForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = StringField(
        _l("Code"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(message=_l("Please type the code from your authenticator app.")),
            Length(max=40, message=_l("Please keep this under %(max)d characters.")),
        ],
    )
