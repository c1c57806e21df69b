"""The clocks (portal/lib/sla.py): acknowledgement (calm, warning, overdue) and action due dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from portal.lib import sla

CREATED = datetime(2025, 3, 1, 6, 0)


def _at(hours: float) -> datetime:
    return CREATED + timedelta(hours=hours)


@pytest.mark.parametrize(
    ("hours", "state"),
    [
        (0, "calm"),
        (7.99, "calm"),
        (8, "warning"),
        (23.99, "warning"),
        (24, "warning"),
        (24.01, "overdue"),
        (100, "overdue"),
    ],
)
def test_the_clock_is_calm_under_8_hours_warns_up_to_the_limit_then_is_overdue(hours, state):
    clock = sla.ack_clock(CREATED, now=_at(hours))
    assert clock.state == state
    assert clock.age == timedelta(hours=hours)
    assert not clock.acknowledged


def test_the_limit_is_configurable():
    assert sla.ack_clock(CREATED, now=_at(13), limit_hours=12).state == "overdue"
    assert sla.ack_clock(CREATED, now=_at(30), limit_hours=48).state == "warning"


def test_a_limit_under_8_hours_goes_straight_from_calm_to_overdue():
    assert sla.ack_clock(CREATED, now=_at(3), limit_hours=4).state == "calm"
    assert sla.ack_clock(CREATED, now=_at(5), limit_hours=4).state == "overdue"


def test_the_clock_stops_at_acknowledgement():
    clock = sla.ack_clock(CREATED, now=_at(200), acknowledged_at=_at(2))
    assert clock.state == "calm"
    assert clock.age == timedelta(hours=2)
    assert clock.acknowledged


def test_an_acknowledgement_after_the_limit_stays_overdue():
    assert sla.ack_clock(CREATED, now=_at(200), acknowledged_at=_at(30)).state == "overdue"


def test_the_age_in_whole_hours_and_never_negative():
    assert sla.ack_clock(CREATED, now=_at(9.9)).hours == 9
    clock = sla.ack_clock(CREATED, now=_at(-1))  # a clock a little behind the server's
    assert clock.age == timedelta(0) and clock.state == "calm"


def test_overdue_before_is_the_limit_back_from_now():
    assert sla.overdue_before(_at(30), 24) == _at(6)
    assert sla.overdue_before(_at(30)) == _at(6)


def test_a_new_action_is_due_in_a_week_when_high_potential_and_a_month_otherwise():
    today = date(2026, 12, 1)
    assert sla.default_due_on(today, high_potential=True) == date(2026, 12, 8)
    assert sla.default_due_on(today, high_potential=False) == date(2026, 12, 31)
    assert sla.default_due_on(today, high_potential=True, days_high_potential=3) == date(
        2026, 12, 4
    )


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        (date(2026, 11, 30), sla.OVERDUE_ACTION),
        (date(2026, 12, 1), sla.DUE_THIS_WEEK),
        (date(2026, 12, 7), sla.DUE_THIS_WEEK),
        (date(2026, 12, 8), sla.DUE_THIS_WEEK),  # the seventh day ahead is within the week
        (date(2026, 12, 9), sla.DUE_LATER),
    ],
)
def test_an_action_falls_in_the_bucket_of_its_due_date(due, bucket):
    assert sla.due_bucket(due, date(2026, 12, 1)) == bucket


def test_a_high_potential_actions_default_due_date_is_due_this_week():
    today = date(2026, 12, 1)
    due = sla.default_due_on(today, high_potential=True)
    assert sla.due_bucket(due, today) == sla.DUE_THIS_WEEK


def test_the_day_at_a_site_is_its_local_calendar_day():
    late_evening_utc = datetime(2026, 12, 1, 23, 30)
    assert sla.site_today(late_evening_utc, "Europe/Madrid") == date(2026, 12, 2)
    assert sla.site_today(late_evening_utc, "America/Chicago") == date(2026, 12, 1)
