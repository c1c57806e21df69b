"""Each indicator against figures worked out by hand on tests/factories/small_world.py."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.indicators import actions, participation, reports, splits, themes
from portal.models import CorrectiveAction, ExposureHours, Report
from tests.factories.small_world import NOW


def test_counts_leave_out_merged_dismissed_and_other_months(small, ctx):
    summary = reports.overview(small.scope())
    # counted in April-June: 1, 2, 3, 5, 6, 9, 10, 11 (4 dismissed, 8 merged, 7 in March)
    assert summary.total.reports == 8
    assert summary.total.high_potential == 2
    assert {m: t.reports for m, t in summary.by_month.items()} == {
        "2026-04": 3,
        "2026-05": 1,
        "2026-06": 4,
    }
    assert {m: t.high_potential for m, t in summary.by_month.items()} == {
        "2026-04": 1,
        "2026-05": 1,
        "2026-06": 0,
    }
    assert summary.by_site[small.site_a].reports == 6
    assert summary.by_site[small.site_b].reports == 2
    assert small.site_c not in summary.by_site


def test_one_site_and_one_month(small, ctx):
    summary = reports.overview(small.scope(sites=(small.site_b,), first="2026-06", last="2026-06"))
    assert summary.total.reports == 1  # report 10


def test_acknowledged_within_24_hours_high_potential_apart(small, ctx):
    summary = reports.overview(small.scope())
    # others judged: 1 (2 h), 6 (never, 14 days old), 9 (5 h), 10 (10 h), 11 (2 h);
    # 5 is 16 h old and not acknowledged yet: still on the clock, not judged
    assert (summary.total.ack_within - summary.total.ack_within_hipo) == 4
    assert (summary.total.ack_due - summary.total.ack_due_hipo) == 5
    assert summary.ack_share == pytest.approx(0.8)
    # high-potential: 2 (30 h, late) and 3 (1 h)
    assert summary.ack_share_hipo == pytest.approx(0.5)


def test_days_to_close_average_and_median(small, ctx):
    scope = small.scope()
    summary = reports.overview(scope)
    # others closed: 1 (10 days), 9 (20 days); high-potential: 3 (3 days 5 hours -> 3)
    assert summary.average_close_days == pytest.approx(15)
    assert summary.average_close_days_hipo == pytest.approx(3)
    median = reports.median_days_to_close(scope)
    assert median.others == 15  # the mean of the two middle values of an even count
    assert median.high_potential == 3


def test_median_of_a_histogram():
    assert reports.median_of({}) is None
    assert reports.median_of({4: 1}) == 4
    assert reports.median_of({1: 2, 9: 1}) == 1
    assert reports.median_of({1: 1, 2: 1, 7: 1, 30: 1}) == 4.5


def test_no_closed_reports_gives_no_figure_not_zero(small, ctx):
    scope = small.scope(first="2026-06", last="2026-06")
    assert reports.overview(scope).average_close_days is None
    assert reports.median_days_to_close(scope).others is None


def test_rate_per_200000_hours_counts_only_months_with_hours(small, ctx):
    scope = small.scope()
    result = participation.participation(scope, reports.overview(scope))
    by_id = {s.site_id: s for s in result.sites}
    a, b, c = by_id[small.site_a], by_id[small.site_b], by_id[small.site_c]
    # A: hours in April and May only -> reports 1, 2 and 3 over 200,000 hours
    assert (a.reports, a.reports_with_hours, a.hours) == (6, 3, 200_000)
    assert a.rate == pytest.approx(3.0)
    # B: 9 and 10 over 150,000 hours
    assert b.rate == pytest.approx(2 * 200_000 / 150_000)
    # C: 100,000 hours and no report
    assert c.rate == 0
    # pooled: 5 reports over 450,000 hours
    assert result.rate == pytest.approx(5 * 200_000 / 450_000)


def test_sites_without_hours_have_no_rate_not_zero(small, app, ctx):
    db.session.query(ExposureHours).filter_by(site_id=small.site_a).delete()
    db.session.commit()
    scope = small.scope()
    result = participation.participation(scope, reports.overview(scope))
    a = next(s for s in result.sites if s.site_id == small.site_a)
    assert a.hours is None and a.rate is None
    assert [s.site_id for s in result.without_hours] == [small.site_a]


def test_low_reporting_warning_names_the_silent_site(small, ctx):
    scope = small.scope()
    result = participation.participation(scope, reports.overview(scope))
    # C: 0 against the others' 5 reports over 350,000 hours (2.86): far below half
    assert [s.site_id for s in result.low] == [small.site_c]
    assert result.low[0].others_rate == pytest.approx(5 * 200_000 / 350_000)


def test_no_warning_with_a_single_site_that_has_hours(small, ctx):
    scope = small.scope(sites=(small.site_c,))
    result = participation.participation(scope, reports.overview(scope))
    assert result.low == []


def test_closeout_rate_is_verified_over_due(small, ctx):
    result = actions.closeout(small.scope())
    # due (date passed, not cancelled): others a1 (verified), a6 (open); a4 and a7 not due yet,
    # a5 cancelled; high-potential a2 (open), a3 (verified), a8 (done, not verified)
    assert (result.due - result.due_hipo, result.verified - result.verified_hipo) == (2, 1)
    assert result.rate == pytest.approx(0.5)
    assert (result.due_hipo, result.verified_hipo) == (3, 1)
    assert result.rate_hipo == pytest.approx(1 / 3)


def test_a_report_classified_again_carries_its_actions_along(small, ctx):
    # report 1 turns high-potential: its verified a1 now counts there; report 3 no longer is
    for n, flag in ((1, True), (3, False)):
        db.session.get(Report, small.reports[n]).high_potential = flag
    db.session.commit()
    db.session.expire_all()
    flags = {
        key: db.session.get(CorrectiveAction, small.actions[key]).report_high_potential
        for key in ("a1", "a7", "a3", "a8", "a2")
    }
    assert flags == {"a1": True, "a7": True, "a3": False, "a8": False, "a2": True}
    result = actions.closeout(small.scope())
    # due: others a3 (verified), a8 (done), a6 (open); high-potential a1 (verified), a2 (open)
    assert (result.due - result.due_hipo, result.verified - result.verified_hipo) == (3, 1)
    assert (result.due_hipo, result.verified_hipo) == (2, 1)


def test_no_actions_give_no_rate(small, ctx):
    result = actions.closeout(small.scope(sites=(small.site_c,)))
    assert result.due == 0 and result.rate is None and result.rate_hipo is None
    assert actions.fix_strength(small.scope(sites=(small.site_c,))).strong_share is None


def test_overdue_actions_by_age(small, ctx):
    rows = {
        row.key: (row.others, row.high_potential) for row in actions.overdue_by_age(small.scope())
    }
    # a6: 5 days late; a2 (high-potential): 45 days late; a7 is due today, not late
    assert rows == {"week": (1, 0), "month": (0, 0), "quarter": (0, 1), "older": (0, 0)}


def test_overdue_serious_actions_list(small, ctx):
    listed, count = actions.overdue_serious(small.scope())
    assert count == 1
    assert [a.id for a in listed] == [small.actions["a2"]]


def test_fix_strength(small, ctx):
    result = actions.fix_strength(small.scope())
    # a1 eng, a2 adm, a3 elim, a4 ppe, a6 adm, a7 eng, a8 subst (a5 cancelled)
    assert result.total == 7
    assert result.strong == 4
    assert result.strong_share == pytest.approx(4 / 7)
    assert dict((k, n) for k, _, n in result.rows()) == {
        "elimination": 1,
        "substitution": 1,
        "engineering": 2,
        "administrative": 2,
        "ppe": 1,
    }


def test_fix_strength_leaves_out_the_actions_of_reports_set_aside_later(small, ctx):
    # report 10 (fixed, its PPE action a4) is merged after all, and report 1 (closed; a1, a7)
    # dismissed: their actions leave the count with them
    for n, status in ((10, "merged"), (1, "dismissed")):
        db.session.get(Report, small.reports[n]).status = status
    db.session.commit()
    result = actions.fix_strength(small.scope())
    assert dict((k, n) for k, _, n in result.rows()) == {
        "elimination": 1,
        "substitution": 1,
        "engineering": 0,
        "administrative": 2,
        "ppe": 0,
    }


def test_an_action_keeps_its_reports_month(small, ctx):
    for key, month in (("a1", "2026-04"), ("a3", "2026-05"), ("a4", "2026-06")):
        assert db.session.get(CorrectiveAction, small.actions[key]).report_month == month


def test_split_by_category(small, ctx):
    rows = {row.label: row.count for row in splits.by_category(small.scope())}
    assert rows == {"Vehicles and traffic": 4, "Not classified yet": 3, "Electrical": 1}


def test_split_by_location(small, ctx):
    rows = [(row.label, row.count) for row in splits.by_location(small.scope(), limit=2)]
    assert rows == [
        ("Alpha Plant — Press line", 3),
        ("Alpha Plant — Dock 1", 3),
        ("All other locations", 2),
    ] or rows == [
        ("Alpha Plant — Dock 1", 3),
        ("Alpha Plant — Press line", 3),
        ("All other locations", 2),
    ]


def test_split_by_shift_uses_each_sites_shifts(small, ctx):
    rows = [(row.key, row.count) for row in splits.by_shift(small.scope())]
    # A (defaults): 1@8 6@6 11@11 morning, 2@15 afternoon, 3@23 5@22 night;
    # B (Day 07, Night 19): 9@13 day, 10@2 night
    assert rows == [("Morning", 3), ("Day", 1), ("Afternoon", 1), ("Night", 3)]


def test_split_by_time_of_day(small, ctx):
    rows = [(row.key, row.count) for row in splits.by_time_of_day(small.scope())]
    assert rows == [("night", 1), ("morning", 3), ("afternoon", 2), ("evening", 2)]


def test_split_by_source(small, ctx):
    result = splits.by_source(small.scope())
    assert (result.anonymous, result.named) == (6, 2)
    assert {row.key: row.count for row in result.by_role} == {
        "worker": 1,
        "contractor": 1,
        "none": 6,
    }
    assert {row.key: row.count for row in result.by_channel} == {"qr": 8}


def test_quality_distribution(small, ctx):
    result = splits.quality(small.scope())
    assert result.counts == [1, 2, 3, 1, 1]
    assert result.mean == pytest.approx(15 / 8)


def test_repeat_themes_in_the_last_90_days(small, ctx):
    found = themes.repeat_themes((small.site_a, small.site_b, small.site_c), NOW)
    summary = [(t.kind, t.count, t.high_potential, t.critical) for t in found]
    # Dock 1 + vehicles: 1, 2, 3 and 7 (March is inside 90 days); asset Press 4: 5, 6, 11
    # (4 dismissed and 8 merged do not count); Aisle 9 has one report only
    assert summary == [("place", 4, 2, True), ("asset", 3, 0, False)]
    assert found[0].location_id == small.dock and found[0].category_id == small.vehicles
    assert found[1].asset_id == small.asset_x


def test_themes_need_three_reports_inside_the_window(small, ctx):
    from datetime import timedelta

    # 90 days before 2026-07-25: report 7 (30 Mar) and 1 (10 Apr) fall out of the window
    later = themes.repeat_themes((small.site_a,), NOW + timedelta(days=40))
    assert [(t.kind, t.count) for t in later] == [("asset", 3)]


def test_a_report_in_a_theme_is_found_among_others(small, ctx):
    from portal.models import Report

    loaded = [db.session.get(Report, small.reports[n]) for n in (2, 9, 10, 11)]
    assert themes.in_a_theme(loaded, NOW) == {
        small.reports[2]: {"location": small.dock, "category": small.vehicles},
        small.reports[11]: {"asset": small.asset_x},
    }


def test_durations_follow_the_timestamps_on_every_write(small, ctx):
    from datetime import timedelta

    from portal.models import Report
    from portal.models.report import durations

    assert durations(NOW, None, None) == (None, None)
    assert durations(NOW, NOW + timedelta(hours=2), NOW + timedelta(days=3, hours=23)) == (7200, 3)
    report = db.session.get(Report, small.reports[5])
    assert (report.ack_seconds, report.close_days) == (None, None)
    report.acknowledged_at = report.created_at + timedelta(minutes=90)
    db.session.commit()
    assert db.session.get(Report, small.reports[5]).ack_seconds == 5400
