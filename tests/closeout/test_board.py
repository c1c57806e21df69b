"""The closeout board: five columns by due date at the site, their order, caps, filters, and a
fixed number of queries however many cards there are."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import update

from portal.closeout import board
from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import CorrectiveAction, Report
from tests.closeout.helpers import cards, column, count
from tests.factories import HX, add_action, change, make_user, new_report, text
from tests.statements import counting


def _set(app, action_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(
            update(CorrectiveAction).where(CorrectiveAction.id == action_id).values(**values)
        )
        db.session.commit()


def _hipo(app, report_id: int) -> None:
    with app.app_context():
        db.session.get(Report, report_id).high_potential = True
        db.session.commit()


def test_open_actions_fall_into_overdue_this_week_and_later(app, sup, world, rid):
    made = {
        days: add_action(app, rid, world.safety, world.supervisor_a, days=days)
        for days in (-10, -1, 0, 6, 7, 8, 40)
    }
    html = text(sup.get("/closeout"))
    assert cards(column(html, "overdue")) == [made[-10], made[-1]]  # oldest due first
    # the next seven days, the seventh included (a high-potential action's default due date)
    assert cards(column(html, "this_week")) == [made[0], made[6], made[7]]  # soonest first
    assert cards(column(html, "later")) == [made[8], made[40]]
    assert [count(html, key) for key in board.COLUMNS] == [2, 3, 2, 0, 0]
    assert "10 days overdue" in html and "1 day overdue" in html


def test_done_waits_oldest_first_and_verified_shows_newest_first(app, sup, world, rid):
    ids = [add_action(app, rid, world.safety, world.supervisor_a) for _ in range(5)]
    for aid in ids:
        change(app, aid, world.supervisor_a, "complete", note=f"done {aid}")
    for aid in ids[3:]:
        change(app, aid, world.safety, "verify", note=f"checked {aid}")
    now = utcnow().replace(microsecond=0)
    _set(app, ids[0], completed_at=now - timedelta(hours=1))
    _set(app, ids[1], completed_at=now - timedelta(days=3))
    _set(app, ids[2], completed_at=now - timedelta(days=1))
    _set(app, ids[3], verified_at=now - timedelta(days=2))
    _set(app, ids[4], verified_at=now - timedelta(hours=2))
    html = text(sup.get("/closeout"))
    assert cards(column(html, "done")) == [ids[1], ids[2], ids[0]]
    assert cards(column(html, "verified")) == [ids[4], ids[3]]
    assert "✔ Verified by safety" in column(html, "verified")
    assert "Done by sup.a" in column(html, "done")


def test_verified_more_than_30_days_ago_and_cancelled_ones_are_off_the_board(app, sup, world, rid):
    old, recent, dropped = (add_action(app, rid, world.safety, world.supervisor_a) for _ in "abc")
    for aid in (old, recent):
        change(app, aid, world.supervisor_a, "complete", note="done")
        change(app, aid, world.safety, "verify", note="checked")
    change(app, dropped, world.safety, "cancel", reason="not needed")
    _set(app, old, verified_at=datetime(2000, 1, 1))
    html = text(sup.get("/closeout"))
    assert cards(html) == [recent] and count(html, "verified") == 1


def test_due_dates_are_days_at_the_site(app, client, login, world, monkeypatch):
    """At 03:00 UTC on 2 Dec it is already 2 Dec in Madrid but still 1 Dec in Chicago."""
    monkeypatch.setattr(board, "now", lambda: datetime(2026, 12, 2, 3, 0))
    due = date(2026, 12, 1)
    at_a = add_action(app, new_report(app, world.location_a), world.admin, world.admin, due_on=due)
    at_b = add_action(app, new_report(app, world.location_b), world.admin, world.admin, due_on=due)
    login.as_(world.admin)
    html = text(client.get("/closeout"))
    assert cards(column(html, "overdue")) == [at_a]
    assert cards(column(html, "this_week")) == [at_b]
    assert "1 day overdue" in column(html, "overdue")
    week_end, beyond = (
        add_action(app, new_report(app, world.location_b), world.admin, world.admin, due_on=day)
        for day in (date(2026, 12, 8), date(2026, 12, 9))
    )
    html = text(client.get("/closeout"))
    assert week_end in cards(column(html, "this_week"))  # 1 Dec + 7 days: the week's last day
    assert beyond in cards(column(html, "later"))


@pytest.mark.parametrize("fragment", [True, False])
def test_show_more_brings_a_columns_next_cards_in_order(
    app, sup, world, rid, monkeypatch, fragment
):
    monkeypatch.setattr(board, "BOARD_LIMIT", 2)
    made = [add_action(app, rid, world.safety, world.supervisor_a, days=d) for d in (-5, -4, -3)]
    html = column(text(sup.get("/closeout")), "overdue")
    assert cards(html) == made[:2] and count(text(sup.get("/closeout")), "overdue") == 3
    href = re.search(r'<p class="more" id="more-overdue"[^>]*>\s*<a [^>]*href="([^"]+)"', html)
    assert href and "Show 1 more" in html
    response = sup.get(href.group(1).replace("&amp;", "&"), headers=HX if fragment else {})
    page = text(response)
    assert response.status_code == 200 and ("<html" not in page) is fragment
    assert cards(page) == made[2:] and 'id="more-overdue"' not in page


def test_show_more_keeps_to_the_users_sites_and_refuses_other_columns(app, sup, world, rid):
    elsewhere = new_report(app, world.location_b)
    add_action(app, elsewhere, world.admin, world.admin, days=-2)
    mine = add_action(app, rid, world.safety, world.supervisor_a, days=-1)
    assert cards(text(sup.get("/closeout/columns/overdue?shown=0", headers=HX))) == [mine]
    assert sup.get("/closeout/columns/cancelled?shown=0").status_code == 404


@pytest.mark.parametrize(
    ("persona", "sees_a", "sees_b"),
    [
        ("admin", True, True),
        ("safety", True, False),
        ("supervisor_a", True, False),
        ("supervisor_b", False, True),
        ("viewer_a", True, False),
    ],
)
def test_only_actions_at_sites_the_user_sees(app, client, login, world, persona, sees_a, sees_b):
    at_a = add_action(app, new_report(app, world.location_a), world.admin, world.supervisor_a)
    at_b = add_action(app, new_report(app, world.location_b), world.admin, world.supervisor_b)
    login.as_(getattr(world, persona))
    shown = cards(text(client.get("/closeout")))
    assert (at_a in shown) is sees_a and (at_b in shown) is sees_b


def test_viewers_read_the_board_without_any_action(app, client, login, world, aid):
    login.as_(world.viewer_a)
    html = text(client.get("/closeout"))
    assert cards(html) == [aid] and "card-actions" not in html and "/complete" not in html


@pytest.fixture
def spread(app, world) -> dict[str, int]:
    """Actions at A (one high-potential) and B, owned by different people."""
    hipo_report = new_report(app, world.location_a, "Load swung over the walkway")
    _hipo(app, hipo_report)
    plain_report = new_report(app, world.location_a)
    return {
        "a_sup": add_action(app, plain_report, world.admin, world.supervisor_a),
        "a_safety": add_action(app, plain_report, world.admin, world.safety),
        "a_hipo": add_action(app, hipo_report, world.admin, world.supervisor_a, days=-2),
        "b_sup": add_action(
            app, new_report(app, world.location_b), world.admin, world.supervisor_b
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"a_sup", "a_safety", "a_hipo", "b_sup"}),
        ("site={a}", {"a_sup", "a_safety", "a_hipo"}),
        ("site={b}", {"b_sup"}),
        ("owner={safety}", {"a_safety"}),
        ("mine=1", {"a_safety"}),  # signed in as the safety manager
        ("hipo=1", {"a_hipo"}),
        ("site={a}&owner={sup_a}", {"a_sup", "a_hipo"}),
        ("site={a}&owner={sup_a}&hipo=1", {"a_hipo"}),
        ("site={b}&hipo=1", set()),
    ],
)
def test_each_filter_and_combinations(app, client, login, world, spread, query, expected):
    login.as_(world.safety if "mine" in query else world.admin)
    values = {
        "a": world.site_a,
        "b": world.site_b,
        "safety": world.safety.id,
        "sup_a": world.supervisor_a.id,
    }
    html = text(client.get("/closeout?" + query.format(**values)))
    assert set(cards(html)) == {spread[name] for name in expected}


def test_a_filtered_board_is_a_bookmarkable_page(app, client, login, world, spread):
    login.as_(world.admin)
    url = f"/closeout?site={world.site_a}&mine=0&hipo=1"
    html = text(client.get(url))
    assert "<html" in html and cards(html) == [spread["a_hipo"]]
    assert f'<option value="{world.site_a}" selected>' in html
    assert 'id="filter-hipo" name="hipo" value="1" checked' in html
    # every card's form returns to this filtered board
    assert f"next=/closeout?site%3D{world.site_a}%26hipo%3D1" in html


def test_htmx_gets_the_board_alone_and_the_tidy_address_to_push(app, client, login, world):
    login.as_(world.admin)
    response = client.get(f"/closeout?site={world.site_b}&owner=&hipo=0", headers=HX)
    assert response.status_code == 200 and "<html" not in text(response)
    assert text(response).lstrip().startswith('<div id="board"')
    assert response.headers["HX-Push-Url"] == f"/closeout?site={world.site_b}"
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("site=abc", "Ignored the site filter: “abc” is not valid."),
        ("owner=-4", "Ignored the owner filter: “-4” is not valid."),
        ("hipo=yes", "Ignored the high-potential filter: use 1 to show only those."),
        ("mine=2", "Ignored “mine”: use 1 to show only yours."),
        ("mine=1&owner={admin}", "Ignored the owner filter: “only mine” is on."),
    ],
)
def test_invalid_filters_are_ignored_with_a_note(app, sup, world, aid, query, note):
    response = sup.get("/closeout?" + query.format(admin=world.admin.id))
    assert response.status_code == 200 and note in text(response)
    assert aid in cards(text(response))


def test_a_site_the_user_cannot_see_is_ignored_with_a_note(app, sup, world, aid):
    add_action(app, new_report(app, world.location_b), world.admin, world.supervisor_b)
    html = text(sup.get(f"/closeout?site={world.site_b}"))
    assert "Ignored the site filter: not a site you can see." in html
    assert cards(html) == [aid] and "Bravo Warehouse" not in html


# --- a fixed number of queries ---


def _fill(app, world, how_many: int) -> None:
    """Actions in every column at both sites, completed and verified by people who are
    neither the owner nor the one looking, with photos of the fix and work orders."""
    with app.app_context():
        fixer = make_user(f"fixer{how_many}@test.example", "supervisor", ("alpha", "bravo"))
        checker = make_user(f"checker{how_many}@test.example", "safety_manager", ("alpha", "bravo"))
        db.session.commit()
    reports = [new_report(app, world.location_a), new_report(app, world.location_b)]
    owners = [world.supervisor_a, world.supervisor_b]
    for index in range(how_many):
        site = index % 2
        aid = add_action(
            app,
            reports[site],
            world.admin,
            owners[site],
            days=(index % 5) * 5 - 8,
            work_order_ref=f"WO-{index}",
        )
        if index % 3:
            change(app, aid, fixer, "complete", note=f"done {index}")
            _set(app, aid, completion_photo=f"photo-{aid}.jpg")
        if index % 3 == 2:
            change(app, aid, checker, "verify", note=f"checked {index}")


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
@pytest.mark.parametrize("query", ["", "?hipo=1&mine=1", "?site={a}&owner={sup}"])
def test_the_board_runs_the_same_few_queries_for_5_or_40_cards(
    app, client, login, world, query, headers
):
    login.as_(world.admin)
    url = "/closeout" + query.format(a=world.site_a, sup=world.supervisor_a.id)
    results = []
    for how_many in (5, 35):
        _fill(app, world, how_many)
        client.get(url, headers=headers)  # warm up
        with counting(app) as statements:
            response = client.get(url, headers=headers)
        assert response.status_code == 200
        results.append(len(statements))
    if not query:
        assert len(cards(text(response))) >= 30  # the second board is full of cards
    assert results[0] == results[1]
    # the user; sites; counts; cards with reports, sites, locations and people; owners choices
    assert results[0] <= (6 if not headers else 5)


def test_the_fragment_runs_no_more_queries_than_the_page(app, client, login, world):
    login.as_(world.admin)
    _fill(app, world, 6)
    client.get("/closeout")
    counts = []
    for headers in ({}, HX):
        with counting(app) as statements:
            client.get("/closeout", headers=headers)
        counts.append(len(statements))
    assert counts[1] == counts[0] - 1  # no choices for the filter form
