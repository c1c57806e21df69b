"""Shifts: a site's working day cut into named parts, for the "when" split of the reports.

Admins set a site's shifts as start hours in its local time; until they do, a site has three
8-hour shifts. A shift runs from its start hour to the next one's, across midnight for the last.
Shifts start on whole hours because reports keep only their local hour for the indicators.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.lib.lazytext import lazy_gettext as _l

DEFAULT_SHIFTS: tuple[tuple[str, int], ...] = (("Morning", 6), ("Afternoon", 14), ("Night", 22))
# the default names, so they show translated; names an admin types are shown as typed
_DEFAULT_LABELS = {"Morning": _l("Morning"), "Afternoon": _l("Afternoon"), "Night": _l("Night")}


@dataclass(frozen=True)
class Shift:
    name: str
    start: int  # hour 0-23, site local time
    end: int  # the next shift's start hour

    @property
    def label(self) -> str:
        return str(_DEFAULT_LABELS.get(self.name, self.name))

    @property
    def hours(self) -> str:
        return f"{self.start:02d}:00\u2013{self.end:02d}:00"

    def covers(self, hour: int) -> bool:
        if self.start < self.end:
            return self.start <= hour < self.end
        return hour >= self.start or hour < self.end


def shifts_from(spec: list[dict[str, str | int]] | None) -> list[Shift]:
    """The shifts a site's stored spec describes (the defaults when it has none)."""
    pairs = [(str(s["name"]), int(s["start"])) for s in spec] if spec else list(DEFAULT_SHIFTS)
    pairs.sort(key=lambda pair: pair[1])
    return [
        Shift(name=name, start=start, end=pairs[(index + 1) % len(pairs)][1])
        for index, (name, start) in enumerate(pairs)
    ]


def shift_of(shifts: list[Shift], hour: int) -> Shift:
    """The shift a local hour falls in (one always does: shifts cover the whole day)."""
    for shift in shifts:
        if shift.covers(hour):
            return shift
    return shifts[-1]
