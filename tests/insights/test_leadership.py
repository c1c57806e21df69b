"""The leadership view: what it shows, to whom, and how many statements it takes."""

from __future__ import annotations

import pytest

from portal.extensions import db
from tests.statements import counting

RANGE = {"from": "2026-04", "to": "2026-06"}


def page(client, **args) -> str:
    response = client.get("/insights", query_string={**RANGE, **args})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/insights")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_sees_every_site_and_the_figures(client, login, world, small):
    login.as_(world.admin)
    html = page(client)
    assert "<h1>Insights</h1>" in html
    for name in ("Alpha Plant", "Bravo Warehouse", "Charlie Yard"):
        assert name in html
    assert "Charlie Yard reports far less than the other sites" in html
    assert "Vehicles and traffic — Dock 1" in html  # the critical repeat theme


def test_supervisor_of_b_sees_only_b(client, login, world, small):
    login.as_(world.supervisor_b)
    html = page(client)
    assert "Bravo Warehouse" in html
    assert "Alpha Plant" not in html and "Charlie Yard" not in html
    assert "Dock 1" not in html


def test_a_site_the_user_does_not_see_is_ignored_with_a_note(client, login, world, small):
    login.as_(world.supervisor_b)
    html = page(client, site=small.site_a)
    assert "you do not see that site" in html
    assert "Alpha Plant" not in html


@pytest.mark.parametrize("value", ["2026-13", "june", "1999-01", "2026-6"])
def test_a_bad_month_is_ignored_with_a_note(client, login, world, value):
    login.as_(world.admin)
    response = client.get("/insights", query_string={"from": value})
    assert response.status_code == 200
    assert "give a month as YYYY-MM" in response.get_data(as_text=True)


def test_months_the_wrong_way_round_are_swapped(client, login, world):
    login.as_(world.admin)
    html = page(client, **{"from": "2026-06", "to": "2026-01"})
    assert "swapped" in html
    assert 'value="2026-01"' in html and 'value="2026-06"' in html


def test_statement_count_does_not_grow_with_reports(app, client, login, world, small):
    login.as_(world.admin)
    page(client)  # warm caches (categories, session)

    def statements() -> int:
        with counting(app) as seen:
            page(client)
        return len(seen)

    before = statements()
    with app.app_context():
        from portal.models import Report

        extra = []
        for n in range(40):
            base = db.session.get(Report, small.reports[1 + n % 3])
            extra.append(
                Report(
                    site_id=base.site_id,
                    location_id=base.location_id,
                    where_text="x",
                    what_happened="more",
                    potential_outcome="other",
                    channel="qr",
                    language="en",
                    status=base.status,
                    created_at=base.created_at,
                    receipt_hash=f"extra-{n}",
                    submission_key=f"extra-key-{n}",
                    local_month=base.local_month,
                    local_hour=3,
                    quality=1,
                    high_potential=base.high_potential,
                    category_id=base.category_id,
                    acknowledged_at=base.acknowledged_at,
                    closed_at=base.closed_at,
                )
            )
        db.session.add_all(extra)
        db.session.commit()
    assert statements() == before
    assert before <= 18
