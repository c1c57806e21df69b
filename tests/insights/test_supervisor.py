"""The supervisor's view: my actions, what falls due this week, recent reports, themes."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import add_action, new_report, today


def page(client) -> str:
    response = client.get("/insights/supervisor")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/insights/supervisor")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_my_actions_and_what_falls_due(app, client, login, world):
    rid = new_report(app, world.location_a, "Pallet leaning over the aisle at dock one")
    day = today(app, world.site_a)
    add_action(
        app,
        rid,
        world.safety,
        world.supervisor_a,
        due_on=day - timedelta(days=3),
        description="Strap the pallets at dock one",
    )
    add_action(
        app,
        rid,
        world.safety,
        world.safety,
        due_on=day + timedelta(days=2),
        description="Paint the walkway lines",
    )
    add_action(
        app,
        rid,
        world.safety,
        world.safety,
        due_on=day + timedelta(days=20),
        description="Replace the racking upright",
    )
    login.as_(world.supervisor_a)
    html = page(client)
    mine = html[html.index('id="mine-h"') : html.index('id="due-h"')]
    assert "Strap the pallets" in mine and "Paint the walkway" not in mine
    assert "3 days late" in mine
    due = html[html.index('id="due-h"') : html.index('id="recent-h"')]
    assert "Strap the pallets" in due and "Paint the walkway" in due
    assert "Replace the racking upright" not in due  # due in 20 days
    recent = html[html.index('id="recent-h"') : html.index('id="themes-h"')]
    assert f"Report {rid}" in recent


def test_other_sites_stay_out(app, client, login, world):
    rid = new_report(app, world.location_a)
    add_action(app, rid, world.safety, world.supervisor_a, days=1, description="Fix at alpha")
    login.as_(world.supervisor_b)
    html = page(client)
    assert "Fix at alpha" not in html and f"Report {rid}<" not in html
    assert "Bravo Warehouse" in html and "Alpha Plant" not in html


def test_a_repeat_theme_at_my_site_is_listed(app, client, login, world):
    from portal.extensions import db
    from portal.models import Category, Report

    ids = [new_report(app, world.location_a) for _ in range(3)]
    with app.app_context():
        category = db.session.query(Category).filter_by(name="Dropped objects").one()
        for rid in ids:
            db.session.get(Report, rid).category_id = category.id
        db.session.commit()
    login.as_(world.supervisor_a)
    html = page(client)
    themes = html[html.index('id="themes-h"') :]
    assert "Dropped objects — Dock 1" in themes
    login.logout()
    login.as_(world.supervisor_b)
    assert "Dropped objects — Dock 1" not in page(client)


def test_the_triage_board_flags_a_report_that_joins_a_theme(app, client, login, world):
    from portal.extensions import db
    from portal.models import Category, Report

    ids = [new_report(app, world.location_a, f"Box fell from the shelf {n}") for n in range(3)]
    lone = new_report(app, world.location_a, "Something else entirely")
    with app.app_context():
        category = db.session.query(Category).filter_by(name="Dropped objects").one()
        for rid in ids:
            db.session.get(Report, rid).category_id = category.id
        db.session.commit()
    login.as_(world.supervisor_a)
    html = client.get("/triage").get_data(as_text=True)

    def card(rid: int) -> str:
        start = html.index(f'id="card-{rid}"')
        return html[start : html.index("</article>", start)]

    for rid in ids:
        assert "Repeat theme" in card(rid)
    assert "Repeat theme" not in card(lone)
    # one card rendered alone (after a change) asks for itself
    single = client.get(f"/triage/cards/{ids[0]}", headers={"HX-Request": "true"})
    assert single.status_code == 200
    assert "Repeat theme" in single.get_data(as_text=True)
