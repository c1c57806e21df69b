"""The one rule of an anonymous report's time (portal/lib/hours.py, portal/domain/moments.py):
known only as its hour, aged from that hour, released to staff when the hour is over."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal.domain import moments
from portal.extensions import db
from portal.indicators import privacy
from portal.lib import hours, sla
from portal.lib.timeutil import to_local
from portal.models import Report
from portal.models.numbers import HIGHEST, LOWEST
from tests.factories import new_report

MADE = datetime(2026, 11, 27, 19, 13, 7)
HOUR_START = datetime(2026, 11, 27, 19, 0)


def test_an_anonymous_moment_is_its_hour_and_a_named_one_is_itself():
    assert hours.known_at(MADE, anonymous=True) == HOUR_START
    assert hours.known_at(MADE, anonymous=False) == MADE
    assert hours.known_at(HOUR_START, anonymous=True) == HOUR_START  # idempotent


def test_an_anonymous_report_is_released_when_its_hour_is_over():
    assert hours.released_at(MADE, anonymous=True) == datetime(2026, 11, 27, 20, 0)
    assert hours.released_at(MADE, anonymous=False) == MADE
    assert not hours.is_released(MADE, True, datetime(2026, 11, 27, 19, 59, 59))
    assert hours.is_released(MADE, True, datetime(2026, 11, 27, 20, 0))


@pytest.mark.parametrize("minute", [0, 13, 29, 59])
def test_labels_and_clocks_turn_only_on_the_hour_whatever_the_minute(minute):
    """Every minute from the report to two days later: an anonymous report's age label and
    acknowledgement state are the same whichever minute of the hour it was made in."""
    from portal.triage.views import _duration

    made = HOUR_START + timedelta(minutes=minute, seconds=7)
    reference = HOUR_START + timedelta(seconds=1)
    for step in range(0, 49 * 60, 1):
        now = HOUR_START + timedelta(minutes=step)
        if now < made:
            continue
        age = hours.age(made, True, now)
        assert age == hours.age(reference, True, now)
        assert _duration(age, coarse=True) == _duration(hours.age(reference, True, now), True)
        clock = sla.ack_clock(hours.known_at(made, True), now=now)
        assert clock.state == sla.ack_clock(HOUR_START, now=now).state
    # and the label changes exactly on hour boundaries of the coarse time
    changes = [
        step
        for step in range(1, 49 * 60)
        if _duration(timedelta(minutes=step), True) != _duration(timedelta(minutes=step - 1), True)
    ]
    assert changes and all(step % 60 == 0 for step in changes)


def test_an_anonymous_report_is_stored_at_its_hour(app, world):
    rid = new_report(app, world.location_a, at=MADE)
    named = new_report(app, world.location_a, name="Ana", at=MADE)
    with app.app_context():
        report, other = db.session.get(Report, rid), db.session.get(Report, named)
        assert report.created_at == HOUR_START == report.known_at
        assert report.updated_at == HOUR_START
        assert {event.created_at for event in report.events} == {HOUR_START}
        assert report.local_hour == to_local(HOUR_START, report.site.timezone).hour
        assert other.created_at == MADE


def test_released_in_sql_is_the_same_rule(app, world):
    anonymous = new_report(app, world.location_a, at=MADE)
    named = new_report(app, world.location_a, name="Ana", at=MADE)

    def released(now: datetime) -> set[int]:
        with app.app_context():
            return set(db.session.scalars(select(Report.id).where(moments.released(now))))

    assert released(MADE - timedelta(seconds=1)) == set()
    assert released(MADE) == {named}
    assert released(datetime(2026, 11, 27, 19, 59, 59)) == {named}
    assert released(datetime(2026, 11, 27, 20, 0)) == {named, anonymous}
    with app.app_context():
        query = select(Report.id).where(
            moments.released_between(datetime(2026, 11, 27, 19, 30), datetime(2026, 11, 27, 20, 1))
        )
        assert set(db.session.scalars(query)) == {anonymous}


def test_report_numbers_do_not_follow_the_order_of_submission(app, world):
    made = [new_report(app, world.location_a, name="Ana") for _ in range(8)]
    assert all(LOWEST <= number <= HIGHEST for number in made)
    # drawn at random: neighbours in time are not neighbours in number
    assert not any(b - a == 1 for a, b in itertools.pairwise(made))


@pytest.mark.parametrize(
    ("counts", "words"),
    [
        ([6, 2], ["not shown", "fewer than 5"]),  # 8 - 6 would give the 2 away
        ([6, 2, 0], ["6", "fewer than 5", "fewer than 5"]),  # a zero hides with it, truly
        ([7, 1, 3], ["7", "fewer than 5", "fewer than 5"]),  # two hidden already
        ([9, 6, 5], ["9", "6", "5"]),
        ([3], ["fewer than 5"]),
        ([0, 0], ["0", "0"]),
    ],
)
def test_a_split_never_hides_exactly_one_group(counts, words):
    assert privacy.split_words(counts) == words
    hidden = [w for w in privacy.split_words(counts) if not w.isdigit()]
    assert len(hidden) != 1 or len(counts) == 1
