"""Card action forms. Each carries the action's version (optimistic locking) and `next`."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.closeout import board
from portal.domain.owners import owners_for
from portal.lib import photos
from portal.lib.lazytext import lazy_gettext as _l
from portal.models import CorrectiveAction, User
from portal.web.cardforms import CardForm, choices, int_or_none
from portal.web.fields import strip

NOTE_MAX = 2000


def _text(message: Any) -> list[Any]:
    """A required, trimmed text of at most NOTE_MAX characters."""
    too_long = _l("Please keep this under %(max)d characters.", max=NOTE_MAX)
    return [DataRequired(message=message), Length(max=NOTE_MAX, message=too_long)]


class ActionForm(CardForm):
    """What every card action posts: the version of the action the user saw, and `next`."""

    def __init__(self, action: CorrectiveAction, next_url: str, **kwargs: Any) -> None:
        self.action = action
        super().__init__(action, next_url, **kwargs)

    @property
    def typed(self) -> str:
        """The text the user typed, to quote back when the form no longer applies."""
        return ""


class CompleteForm(ActionForm):
    note = TextAreaField(
        _l("What was done?"), filters=[strip], validators=_text(_l("Say what was done."))
    )
    photo = FileField(_l("Photo of the fix (optional)"))

    def __init__(self, action: CorrectiveAction, next_url: str, **kwargs: Any) -> None:
        super().__init__(action, next_url, **kwargs)
        self.cleaned: photos.CleanPhoto | None = None

    def validate_photo(self, field: FileField) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        try:
            data = photos.read_upload(upload, current_app.config["MAX_PHOTO_BYTES"])
            self.cleaned = photos.clean(data)
        except photos.PhotoError as problem:
            raise ValidationError(problem.message) from problem

    @property
    def typed(self) -> str:
        return self.note.data or ""


class VerifyForm(ActionForm):
    """Verify, or send back ("not fixed"): the same note is the check or the reason."""

    note = TextAreaField(
        _l("How did you check the fix?"),
        filters=[strip],
        validators=_text(_l("Say how you checked the fix, or why it does not hold.")),
    )

    @property
    def typed(self) -> str:
        return self.note.data or ""


class ReassignForm(ActionForm):
    owner = SelectField(_l("New owner"), coerce=int_or_none, validate_choice=False)

    def __init__(self, action: CorrectiveAction, next_url: str, **kwargs: Any) -> None:
        super().__init__(action, next_url, **kwargs)
        self.owners: dict[int, User] = {user.id: user for user in owners_for(action.report)}
        people = ((i, u.name) for i, u in self.owners.items())
        self.owner.choices = choices([("", _l("Choose a person")), *people])

    def prefill(self, action: CorrectiveAction) -> None:
        self.owner.data = action.owner_id

    def validate_owner(self, field: SelectField) -> None:
        if field.data not in self.owners:
            raise ValidationError(_l("Choose a staff member of this site."))
        if field.data == self.action.owner_id:
            raise ValidationError(_l("That is already the owner: choose someone else."))


class DueForm(ActionForm):
    due_on = StringField(_l("New due date"), filters=[strip])
    reason = TextAreaField(
        _l("Why does the date change?"),
        filters=[strip],
        validators=_text(_l("Give the reason for the new date.")),
    )

    def prefill(self, action: CorrectiveAction) -> None:
        self.due_on.data = action.due_on.isoformat()

    @property
    def new_due(self) -> date | None:
        """The date typed, when it is one."""
        try:
            return date.fromisoformat(self.due_on.data or "")
        except ValueError:
            return None

    def validate_due_on(self, field: StringField) -> None:
        due = self.new_due
        if due is None:
            raise ValidationError(_l("Enter the new due date, like 2026-12-24."))
        if due == self.action.due_on:
            raise ValidationError(_l("That is already the due date: choose another day."))
        if due < board.today_at(self.action.report.site.timezone):
            raise ValidationError(_l("Choose today or a later day."))

    @property
    def typed(self) -> str:
        return self.reason.data or ""


class CancelForm(ActionForm):
    reason = TextAreaField(
        _l("Why is the action no longer needed?"),
        filters=[strip],
        validators=_text(_l("Give the reason for cancelling.")),
    )

    @property
    def typed(self) -> str:
        return self.reason.data or ""
