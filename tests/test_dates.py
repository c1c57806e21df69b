"""The one way the staff side writes a date or a time (portal/lib/dates.py), in both languages."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask_babel import force_locale

from portal.lib import dates

MADE = datetime(2026, 12, 8, 14, 20, 46)  # UTC


@pytest.fixture
def in_language(app):
    def within(language: str):
        context = app.test_request_context()
        context.push()
        forced = force_locale(language)
        forced.__enter__()
        return context, forced

    opened = []
    yield lambda language: opened.append(within(language))
    for context, forced in reversed(opened):
        forced.__exit__(None, None, None)
        context.pop()


@pytest.mark.parametrize(
    ("language", "day", "moment", "hour"),
    [
        (
            "en",
            "Dec 8, 2026",
            "Dec 8, 2026, 3:20\u202fPM",
            "Dec 8, 2026, 3:00\u202fPM \u2013 4:00\u202fPM",
        ),
        ("es", "8 dic 2026", "8 dic 2026, 15:20", "8 dic 2026, 15:00 \u2013 16:00"),
    ],
)
def test_a_day_a_moment_and_an_hour_read_alike_in_each_language(
    in_language, language, day, moment, hour
):
    in_language(language)
    assert dates.day(date(2026, 12, 8)) == day
    assert dates.moment(MADE, "Europe/Madrid") == moment  # the site's zone, never UTC
    assert dates.hour(MADE, "Europe/Madrid") == hour
    assert dates.moment(MADE, "Europe/Madrid").startswith(dates.day(date(2026, 12, 8)))


def test_an_anonymous_report_is_only_ever_its_hour(in_language):
    in_language("en")
    assert dates.report_moment(MADE, True, "UTC") == dates.hour(MADE, "UTC")
    assert dates.report_moment(MADE, False, "UTC") == "Dec 8, 2026, 2:20\u202fPM"
    assert dates.export_moment(MADE, "UTC", anonymous=True) == "2026-12-08 14:00"
    assert dates.export_moment(MADE, "America/Chicago") == "2026-12-08 08:20"


def test_nothing_to_show_is_an_empty_string(in_language):
    in_language("en")
    assert dates.day(None) == dates.moment(None) == dates.export_moment(None, "UTC") == ""


def test_a_stored_note_shows_its_days_the_one_way(in_language):
    in_language("es")
    note = "2026-12-08 → 2026-12-22: Part on order 2026-13-45"
    assert dates.days_in(note) == "8 dic 2026 → 22 dic 2026: Part on order 2026-13-45"
    assert dates.days_in(None) is None
