"""Staff forms of the publishing panel: the neutral public words, and an "after" photo's toggle."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.domain.publishing import MAX_PUBLIC_WHAT
from portal.lib.lazytext import lazy_gettext as _l
from portal.web.fields import strip


class PublishForm(FlaskForm):
    """What was reported, in neutral words staff write for the crew (never the raw text)."""

    public_what = TextAreaField(
        _l("What was reported, in neutral words (shown publicly)"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Say in neutral words what was reported.")),
            Length(
                max=MAX_PUBLIC_WHAT,
                message=_l("Please keep this under %(max)d characters.", max=MAX_PUBLIC_WHAT),
            ),
        ],
    )


class UnpublishForm(FlaskForm):
    """Take the fix off the public pages (the form carries only its CSRF token)."""


class PhotoPublicForm(FlaskForm):
    """Show an action's "after" photo publicly ("1") or hide it ("0")."""

    public = HiddenField()

    def validate_public(self, field: HiddenField) -> None:
        if field.data not in ("0", "1"):
            raise ValidationError(_l("Choose whether to show or hide the photo."))

    @property
    def shown(self) -> bool:
        """True when the photo is to be shown publicly."""
        return self.public.data == "1"
