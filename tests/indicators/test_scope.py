"""The range the insights pages show when none is asked for: the last 12 months ending this
month, without a run of empty months before the first report (small world: March-June 2026)."""

from __future__ import annotations

from datetime import datetime

from portal.extensions import db
from portal.indicators import scope as scopes
from portal.models import Site, User


def _scope(world, args: dict[str, str], now: datetime, site_ids: tuple[int, ...] = ()):
    user = db.session.get(User, world.admin.id)
    sites = [db.session.get(Site, site_id) for site_id in site_ids] or None
    return scopes.scope_for(user, args, now=now, sites=sites)


def test_the_default_range_starts_at_the_first_month_with_reports(small, world, ctx):
    scope = _scope(world, {}, datetime(2026, 12, 2, 9))
    assert (scope.first_month, scope.last_month) == ("2026-03", "2026-12")


def test_the_default_range_is_12_months_when_the_reports_are_older(small, world, ctx):
    scope = _scope(world, {}, datetime(2027, 8, 2, 9))
    assert (scope.first_month, scope.last_month) == ("2026-09", "2027-08")


def test_the_first_month_with_reports_is_that_of_the_chosen_site(small, world, ctx):
    # site B's first report is of April (site A's of March)
    scope = _scope(world, {"site": str(small.site_b)}, datetime(2026, 12, 2, 9))
    assert scope.first_month == "2026-04"


def test_sites_without_reports_get_the_last_12_months(small, world, ctx):
    scope = _scope(world, {}, datetime(2026, 12, 2, 9), site_ids=(small.site_c,))
    assert (scope.first_month, scope.last_month) == ("2026-01", "2026-12")


def test_a_range_asked_for_is_kept(small, world, ctx):
    scope = _scope(world, {"from": "2026-01", "to": "2026-02"}, datetime(2026, 12, 2, 9))
    assert (scope.first_month, scope.last_month) == ("2026-01", "2026-02")
    scope = _scope(world, {"to": "2026-05"}, datetime(2026, 12, 2, 9))
    assert (scope.first_month, scope.last_month) == ("2026-03", "2026-05")
