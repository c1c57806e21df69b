"""Dates on the insights pages: the day in the report's site zone, in the one style of the
staff pages (portal/web/pages.py: day, "medium": "Jun 14, 2026")."""

from __future__ import annotations

from datetime import date, datetime

from portal.extensions import db
from portal.lib.dates import day
from tests.factories import make_location, make_site
from tests.factories.small_world import report_row

# 02:30 UTC on 15 June is still the evening of 14 June in Chicago
CREATED = datetime(2026, 6, 15, 2, 30)


def _chicago_report(app) -> int:
    with app.app_context():
        site = make_site("Delta Dock", "delta", "America/Chicago")
        place = make_location(site, "Gate 2")
        report = report_row(
            "chicago",
            created=CREATED,
            site=site,
            location=place,
            local_month="2026-06",
            local_hour=21,
            quality=2,
            high_potential=True,
            severity=5,
        )
        db.session.commit()
        return report.id


def test_a_reports_day_is_the_day_at_its_site_in_the_staff_style(app, client, login, world):
    report_id = _chicago_report(app)
    login.as_(world.admin)
    html = client.get("/insights?from=2026-06&to=2026-06").get_data(as_text=True)
    at = html.index(f'/reports/{report_id}"')
    listed = html[at : html.index("</li>", at)]
    with app.test_request_context():
        assert day(CREATED, "America/Chicago") == day(date(2026, 6, 14)) == "Jun 14, 2026"
    assert "Jun 14, 2026" in listed
    assert "Jun 15" not in listed and "15 Jun" not in listed


def test_due_dates_read_alike_on_the_report_page_and_in_insights(app):
    with app.test_request_context():
        assert day(date(2026, 7, 1)) == "Jul 1, 2026"
        template = app.jinja_env.from_string("{{ due|day }} / {{ day(due) }}")
        assert template.render(due=date(2026, 7, 1)) == "Jul 1, 2026 / Jul 1, 2026"
