"""The screen's figures and the fixes beside them (portal/domain/breakroom.py): periods counted
in the site's calendar (site A is in Madrid), open work counted only as work under way, and no
fix older than the period of the figures beside it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import select

from portal.domain import breakroom
from portal.extensions import db
from portal.models import Location, Site
from tests.factories.small_world import report_row

NOW = datetime(2026, 6, 15, 12, 0)  # UTC: 14:00 on 15 June in Madrid
MADRID = "Europe/Madrid"
# Madrid is UTC+2 in summer: its June starts at 22:00 UTC on 31 May, and its last 90 days
# (18 March to 15 June) at 23:00 UTC on 17 March (UTC+1 until the end of March).
JUNE = datetime(2026, 5, 31, 22, 0)
NINETY_DAYS = datetime(2026, 3, 17, 23, 0)
MINUTE = timedelta(minutes=1)
_numbers = count(1)


@pytest.fixture
def row(app, world) -> Callable[..., int]:
    """Store a report at site A ("b": site B) with the given history; its id."""

    def make(
        created: datetime,
        status: str = "new",
        *,
        closed: datetime | None = None,
        published: bool = False,
        anonymous: bool = False,
        site: str = "a",
    ) -> int:
        with app.app_context():
            site_row = db.session.get(Site, world.site_a if site == "a" else world.site_b)
            place = db.session.scalar(select(Location).where(Location.site_id == site_row.id))
            n = next(_numbers)
            report = report_row(
                f"screen-{n}",
                created=created,
                site=site_row,
                location=place,
                status=status,
                anonymous=anonymous,
                local_hour=created.hour,
                quality=2,
                closed_at=closed,
                published_at=closed if published else None,
                public_what=f"What was reported {n}" if published else None,
                public_summary=f"What we fixed {n}" if published else None,
            )
            db.session.commit()
            return report.id

    return make


def _figures(app, world) -> breakroom.Figures:
    with app.app_context():
        return breakroom.figures(world.site_a, MADRID, now=NOW)


def _fixes(app, world) -> tuple[str | None, list[int]]:
    with app.app_context():
        period, items = breakroom.fixes(world.site_a, MADRID, limit=8, now=NOW)
        return period, [item.report_id for item in items]


def test_the_periods_start_at_the_sites_midnights():
    periods = breakroom.periods(MADRID, NOW)
    assert periods.today.isoformat() == "2026-06-15"
    assert periods.month_start == JUNE
    assert periods.recent_start == NINETY_DAYS


def test_fixes_of_the_month_count_from_the_sites_first_midnight(app, world, row):
    row(JUNE - timedelta(days=3), "closed", closed=JUNE + MINUTE)  # 00:01 on 1 June in Madrid
    row(JUNE - timedelta(days=3), "closed", closed=JUNE - MINUTE)  # still May in Madrid
    row(JUNE, "closed", closed=NOW, site="b")  # another site's
    assert _figures(app, world).fixed_this_month == 1


def test_the_median_is_in_whole_days_over_the_last_90_days_rounded_half_up(app, world, row):
    for days in (1, 2, 3, 4):  # median 2.5 days: "3 days"
        row(NOW - timedelta(days=days + 5), "closed", closed=NOW - timedelta(days=5))
    row(NINETY_DAYS - timedelta(days=60), "closed", closed=NINETY_DAYS - MINUTE)  # too old
    assert _figures(app, world).median_days_to_fix == 3


def test_a_fix_within_the_day_has_a_median_of_zero_days_and_none_without_fixes(app, world, row):
    assert _figures(app, world).median_days_to_fix is None
    row(NOW - timedelta(hours=20), "closed", closed=NOW - timedelta(hours=1))
    assert _figures(app, world).median_days_to_fix == 0


def test_an_anonymous_reports_days_count_from_its_hour(app, world, row):
    # stored at its hour (09:00); closed two days later at 08:30: one whole day, not two
    row(datetime(2026, 6, 10, 9), "closed", closed=datetime(2026, 6, 12, 8, 30), anonymous=True)
    assert _figures(app, world).median_days_to_fix == 1


def test_only_work_under_way_counts_as_being_fixed(app, world, row):
    for status in ("in_progress", "fixed", "in_progress"):
        row(NOW - timedelta(days=2), status)
    for status in ("new", "acknowledged", "dismissed", "merged"):
        row(NOW - timedelta(days=2), status)
    row(NOW - timedelta(days=2), "closed", closed=NOW - timedelta(days=1))
    row(NOW - timedelta(days=2), "in_progress", site="b")
    assert _figures(app, world).being_fixed == 3


def test_reports_of_the_month_count_named_ones_and_anonymous_ones_of_past_hours(app, world, row):
    row(JUNE + timedelta(hours=1), "new")
    row(JUNE - timedelta(hours=1), "new")  # May in Madrid
    row(NOW - timedelta(minutes=5), "new")  # named: at once
    row(datetime(2026, 6, 15, 12), "new", anonymous=True)  # its hour is not over
    row(datetime(2026, 6, 15, 11), "new", anonymous=True)
    assert _figures(app, world).reported_this_month == 3


def test_the_screen_shows_this_months_fixes_when_there_are_some(app, world, row):
    row(JUNE - timedelta(days=9), "closed", closed=JUNE - MINUTE, published=True)  # May's
    first = row(JUNE, "closed", closed=JUNE + timedelta(days=1), published=True)
    second = row(JUNE, "closed", closed=JUNE + timedelta(days=2), published=True)
    row(JUNE, "closed", closed=JUNE + timedelta(days=3))  # not published
    assert _fixes(app, world) == ("month", [second, first])


def test_without_fixes_this_month_it_shows_those_of_the_last_90_days(app, world, row):
    recent = row(NINETY_DAYS, "closed", closed=NINETY_DAYS + MINUTE, published=True)
    row(NINETY_DAYS - timedelta(days=9), "closed", closed=NINETY_DAYS - MINUTE, published=True)
    assert _fixes(app, world) == ("recent", [recent])


def test_without_fixes_in_90_days_it_shows_none(app, world, row):
    row(NINETY_DAYS - timedelta(days=9), "closed", closed=NINETY_DAYS - MINUTE, published=True)
    assert _fixes(app, world) == (None, [])
