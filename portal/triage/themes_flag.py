"""The triage board's "repeat theme" flag: does this report join a repeat theme?

The board asks once for all its cards (two grouped queries, whatever their number); a card
rendered alone after a change asks for itself. Answers are kept for the request in `g`.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import g

from portal.indicators import themes
from portal.lib.timeutil import utcnow
from portal.models import Report


def _known() -> tuple[set[int], dict[int, dict[str, int]]]:
    if "theme_flags" not in g:
        g.theme_flags = (set(), {})
    return g.theme_flags


def remember(reports: Iterable[Report]) -> None:
    """Look up the flag for all these cards at once."""
    reports = list(reports)
    checked, found = _known()
    found.update(themes.in_a_theme(reports, utcnow()))
    checked |= {report.id for report in reports}


def in_theme(report: Report) -> dict[str, int] | None:
    """The URL parameters of the repeat theme the report joins (three or more like it in 90
    days), or None."""
    checked, found = _known()
    if report.id not in checked:
        remember([report])
    return found.get(report.id)
