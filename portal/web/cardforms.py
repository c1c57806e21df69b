"""What the boards' card forms share (triage and closeout): the version of the object the user
saw (optimistic locking), where to go back to, unique field ids per card, and small helpers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from portal.lib.lazytext import lazy_gettext as _l


class Versioned(Protocol):
    id: int
    version: int


def int_or_none(value: object) -> int | None:
    """Coerce a posted id without raising, so a bad one gets our message, not WTForms'."""
    if isinstance(value, str):
        value = value.strip().lstrip("#")
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def choices(pairs: Iterable[tuple[object, Any]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


class CardForm(FlaskForm):
    """What every card action posts: the version the user saw, and where to go back to."""

    version = HiddenField(filters=[int_or_none])
    next = HiddenField()

    def __init__(self, target: Versioned, next_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target = target
        for field in self:  # several cards may have a form open on one board: ids stay unique
            field.id = f"{field.id}-{target.id}"
            field.label.field_id = field.id
        if not self.is_submitted():
            self.version.data = target.version
            self.next.data = next_url
            self.prefill(target)

    def prefill(self, target: Any) -> None:
        """Show the object's current values when the form first opens."""

    def refresh_version(self) -> None:
        """After a conflict: keep what the user typed, against the latest version."""
        self.version.data = self.target.version
        self.version.raw_data = None

    def validate_version(self, field: HiddenField) -> None:
        if field.data is None:
            raise ValidationError(_l("This form is out of date. Reload the board and try again."))

    @property
    def problems(self) -> list[Any]:
        """Errors of the hidden fields, shown at the top of the form."""
        return [*self.version.errors, *self.next.errors, *self.form_errors]
