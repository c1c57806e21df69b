"""Reading what admins type: the hours-worked grid (one cell per site and month) and a site's
shifts (up to four rows of name and start hour)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from portal.indicators.shifts import DEFAULT_SHIFTS, shifts_from
from portal.lib.lazytext import lazy_gettext as _l

MAX_HOURS = 10_000_000
MAX_SHIFTS = 4
MAX_SHIFT_NAME = 40
# digits, or digits grouped by threes with one kind of separator: "12500", "12,500", "12 500".
# A point is refused: "12.500" is twelve and a half to half the world, twelve thousand to the rest.
_HOURS = re.compile(r"^[0-9]+$|^[0-9]{1,3}(?:,[0-9]{3})+$|^[0-9]{1,3}(?: [0-9]{3})+$", re.ASCII)
# the spaces a keyboard or a copied spreadsheet may put between thousands
_SPACES = re.compile(r"[\s\u00a0\u202f]+")

NOT_A_NUMBER = _l("Enter whole hours, like 12500 or 12,500.")
NEGATIVE = _l("Hours cannot be negative.")
DECIMAL = _l("Whole hours only: no decimal point (separate thousands with a comma or a space).")
TOO_MANY = _l("At most 10,000,000 hours a month.")


def parse_hours(raw: str) -> int | None:
    """The hours a cell holds (None when empty); ValueError with the message to show."""
    text = _SPACES.sub(" ", raw.strip())
    if not text:
        return None
    if text.startswith("-"):
        raise ValueError(NEGATIVE)
    if "." in text:
        raise ValueError(DECIMAL)
    if len(text) > 20 or not _HOURS.match(text):
        raise ValueError(NOT_A_NUMBER)
    hours = int(text.replace(",", "").replace(" ", ""))
    if hours > MAX_HOURS:
        raise ValueError(TOO_MANY)
    return hours


def cell_name(site_id: int, month: str) -> str:
    """The form field of one cell: hours-<site id>-<YYYY-MM>."""
    return f"hours-{site_id}-{month}"


@dataclass
class HoursGrid:
    """The grid as typed: the text of every cell, the hours it means and each cell's error."""

    typed: dict[tuple[int, str], str] = field(default_factory=dict)
    values: dict[tuple[int, str], int | None] = field(default_factory=dict)
    errors: dict[tuple[int, str], str] = field(default_factory=dict)

    @classmethod
    def read(
        cls, formdata: Mapping[str, str], site_ids: Iterable[int], months: list[str]
    ) -> HoursGrid:
        """Read the posted cells; a cell the post lacks (a site added meanwhile) is left alone."""
        grid = cls()
        for site_id in site_ids:
            for month in months:
                raw = formdata.get(cell_name(site_id, month))
                if raw is None:
                    continue
                key = (site_id, month)
                grid.typed[key] = raw
                try:
                    grid.values[key] = parse_hours(raw)
                except ValueError as error:
                    grid.errors[key] = str(error.args[0])
        return grid

    @classmethod
    def stored(cls, hours: Mapping[tuple[int, str], int]) -> HoursGrid:
        """The grid as saved, for the first view of the page."""
        return cls(typed={key: str(value) for key, value in hours.items()}, values=dict(hours))


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


HOUR_CHOICES = [SelectChoice("", _l("Not used"))] + [
    SelectChoice(str(hour), f"{hour:02d}:00") for hour in range(24)
]


class ShiftRowForm(Form):
    """One shift: a name and a start hour; both blank is a row left unused."""

    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[Length(max=MAX_SHIFT_NAME, message=_l("Use at most %(max)d characters."))],
    )
    start = SelectField(_l("Starts at"), choices=HOUR_CHOICES, default="")

    @property
    def is_blank(self) -> bool:
        return not self.name.data and not self.start.data


class ShiftsForm(FlaskForm):
    rows = FieldList(FormField(ShiftRowForm), min_entries=MAX_SHIFTS)

    def validate(self, extra_validators: object = None) -> bool:
        """The field checks, then the rules across rows: 1 to 4 shifts, names and hours unique."""
        valid = super().validate(extra_validators)  # type: ignore[arg-type]
        used = [entry.form for entry in self.rows if not entry.form.is_blank]
        names: set[str] = set()
        starts: set[str] = set()
        for row in used:
            if not row.name.data:
                row.name.errors = [*row.name.errors, _l("Name this shift, or clear its hour.")]
            elif row.name.data.casefold() in names:
                row.name.errors = [*row.name.errors, _l("Another shift has this name.")]
            if not row.start.data:
                row.start.errors = [*row.start.errors, _l("Choose the hour this shift starts.")]
            elif row.start.data in starts:
                row.start.errors = [*row.start.errors, _l("Another shift starts at this hour.")]
            names.add((row.name.data or "").casefold())
            starts.add(row.start.data or "")
        if not used:
            self.form_errors.append(_l("Enter at least one shift."))
        if len(used) > MAX_SHIFTS:
            self.form_errors.append(_l("At most %(count)d shifts.", count=MAX_SHIFTS))
        return valid and not self.form_errors and not any(row.errors for row in used)

    def spec(self) -> list[dict[str, str | int]] | None:
        """The shifts to store, by start hour; None when they are the defaults."""
        pairs = sorted(
            (
                (entry.form.name.data, int(entry.form.start.data))
                for entry in self.rows
                if not entry.form.is_blank
            ),
            key=lambda pair: pair[1],
        )
        if tuple(pairs) == DEFAULT_SHIFTS:
            return None
        return [{"name": name, "start": start} for name, start in pairs]

    @classmethod
    def for_site(cls, spec: list[dict[str, str | int]] | None) -> ShiftsForm:
        """The form filled with the site's shifts (the defaults when it has none)."""
        rows = [{"name": shift.name, "start": str(shift.start)} for shift in shifts_from(spec)]
        return cls(data={"rows": rows})
