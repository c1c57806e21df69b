"""The triage board: columns, cards, filters, the cap, bounded queries and the self-refresh."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from portal.domain import corrective
from portal.extensions import db
from portal.lib.timeutil import utcnow
from portal.models import Asset, Location, Report, User
from portal.triage import board
from tests.factories import HX, act, make_location, new_report, text
from tests.statements import counting
from tests.triage.board_helpers import category_id, location_id


def _cards(html: str) -> list[int]:
    return [
        int(found) for found in re.findall(r'<article class="card[^"]*"\s+id="card-(\d+)"', html)
    ]


def _column(html: str, state: str) -> str:
    """The HTML of one column (its head and its cards)."""
    start = html.index(f'class="column column-{state}"')
    end = html.find('<section class="column', start + 1)
    return html[start : end if end != -1 else len(html)]


def _count(html: str, state: str) -> int:
    head = re.search(rf'id="head-{state}".*?<span class="count">(\d+)</span>', html, re.S)
    assert head, f"no head for {state}"
    return int(head.group(1))


def test_the_board_has_four_columns_with_counts(app, client, login, world):
    first = new_report(app, world.location_a, "first")
    second = new_report(app, world.location_a, "second")
    third = new_report(app, world.location_a, "third")
    act(app, second, world.supervisor_a, "acknowledge")
    act(app, third, world.supervisor_a, "dismiss", reason="spam")
    login.as_(world.supervisor_a)
    response = client.get("/triage")
    html = text(response)
    assert response.status_code == 200
    for title in ("New", "Acknowledged", "In progress", "Fixed"):
        assert f">{title} <span" in html
    assert (_count(html, "new"), _count(html, "acknowledged"), _count(html, "fixed")) == (1, 1, 0)
    assert _cards(_column(html, "new")) == [first]
    assert _cards(_column(html, "acknowledged")) == [second]
    assert third not in _cards(html)  # dismissed reports leave the board


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
def test_only_reports_of_sites_the_user_sees(app, client, login, world, persona, sees_a, sees_b):
    at_a = new_report(app, world.location_a, "story at alpha")
    at_b = new_report(app, world.location_b, "story at bravo")
    login.as_(getattr(world, persona))
    html = text(client.get("/triage"))
    assert (at_a in _cards(html), at_b in _cards(html)) == (sees_a, sees_b)
    assert ("story at bravo" in html) is sees_b


def test_viewers_see_cards_without_any_action(app, client, login, world):
    new_report(app, world.location_a)
    login.as_(world.viewer_a)
    html = text(client.get("/triage"))
    assert len(_cards(html)) == 1
    assert "/acknowledge" not in html and "/classify" not in html


def test_a_card_shows_what_triage_needs(app, client, login, world):
    long_text = "A forklift reversed without horn " + "and kept going " * 20
    rid = new_report(
        app, world.location_a, long_text, potential="could have crushed a foot", photos=2
    )
    act(
        app,
        rid,
        world.supervisor_a,
        "classify",
        category="Vehicles and traffic",
        domain="safety",
        severity=4,
        likelihood=3,
    )
    with app.app_context():
        report = db.session.get(Report, rid)
        report.owner = db.session.get(User, world.safety.id)
        report.awaiting_staff = True
        photo_id = report.photos[0].id
        db.session.commit()
    login.as_(world.supervisor_a)
    card = _column(text(client.get("/triage")), "new")
    assert "A forklift reversed without horn" in card and long_text not in card  # truncated
    assert "Dock 1 · Alpha Plant" in card
    assert "Serious injury or worse" in card and "could have crushed a foot" in card
    assert f'src="/staff/photos/{photo_id}"' in card and card.count("<img") == 1
    assert "High potential" in card
    assert "Vehicles and traffic" in card
    assert "Risk 12, high (S4 × L3)" in card  # noqa: RUF001
    assert "Owner: safety" in card
    assert "Reporter answered" in card
    # anonymous: on the board once its hour is over, and aged by the hour, never the minute
    assert "Waiting 1 h" in card and not re.search(r"\d+ min", card)


@pytest.mark.parametrize(
    ("hours", "state", "words"),
    [
        (1, "calm", "Waiting 1 h"),
        (9, "warning", "Waiting 9 h — acknowledge today"),
        (30, "overdue", "Overdue: not acknowledged for 30 h (limit 24 h)"),
        (72, "overdue", "Overdue: not acknowledged for 3 days"),
    ],
)
def test_new_cards_show_the_acknowledgement_clock_in_words(
    app, client, login, world, hours, state, words
):
    new_report(app, world.location_a, at=utcnow() - timedelta(hours=hours, minutes=1))
    login.as_(world.supervisor_a)
    card = _column(text(client.get("/triage")), "new")
    assert f"clock clock-{state}" in card
    assert words in card


def test_the_limit_comes_from_the_configuration(app, client, login, world):
    app.config["ACK_HOURS"] = 4
    new_report(app, world.location_a, at=utcnow() - timedelta(hours=5))
    login.as_(world.supervisor_a)
    html = text(client.get("/triage"))
    assert "clock clock-overdue" in html and "(limit 4 h)" in html
    assert "1 waits longer than the limit" in html


def test_acknowledged_cards_show_no_clock(app, client, login, world):
    rid = new_report(app, world.location_a, at=utcnow() - timedelta(hours=30))
    act(app, rid, world.supervisor_a, "acknowledge")
    login.as_(world.supervisor_a)
    assert "clock-" not in text(client.get("/triage"))


def test_each_column_shows_its_first_cards_and_offers_the_rest(
    app, client, login, world, monkeypatch
):
    monkeypatch.setattr(board, "BOARD_LIMIT", 3)
    # named: anonymous reports of one hour have no order among them (portal/lib/hours.py)
    made = [new_report(app, world.location_a, f"report {n}", name="Ana") for n in range(5)]
    login.as_(world.supervisor_a)
    html = text(client.get("/triage"))
    assert _cards(_column(html, "new")) == made[:3]  # the longest waiting first
    assert _count(html, "new") == 5
    assert "Show 2 more" in html


# --- filters ---


@pytest.fixture
def spread(app, world):
    """Reports that differ in one filtered property each, all at site A unless said."""
    with app.app_context():
        site_a = db.session.get(Location, location_id(app, world.location_a)).site
        make_location(site_a, "Press line 2")
        db.session.commit()
    codes = _codes(app)
    made = {
        "plain": new_report(app, world.location_a, "Ladder wobbled at dock"),
        "press": new_report(app, codes["Press line 2"], "Guard left open on the press"),
        "bravo": new_report(app, world.location_b, "Ladder wobbled in aisle"),
        "owned": new_report(app, world.location_a, "Loose cable", where="Office corridor"),
        "hipo": new_report(app, world.location_a, "Load swung over people"),
        "worded": new_report(app, world.location_a, "Spill", potential="Someone could SLIP"),
    }
    act(app, made["owned"], world.supervisor_a, "assign", owner=world.safety)
    act(
        app,
        made["hipo"],
        world.supervisor_a,
        "classify",
        category="Dropped objects",
        domain="safety",
        severity=5,
        likelihood=2,
    )
    return made


def _codes(app) -> dict[str, str]:
    with app.app_context():
        return {loc.name: loc.code for loc in db.session.query(Location).all()}


def _ids(app) -> dict[str, int]:
    with app.app_context():
        return {loc.name: loc.id for loc in db.session.query(Location).all()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("site={site_a}", {"plain", "press", "owned", "hipo", "worded"}),
        ("site={site_b}", {"bravo"}),
        ("location={press}", {"press"}),
        ("category={dropped}", {"hipo"}),
        ("owner={safety}", {"owned"}),
        ("owner=none", {"plain", "press", "bravo", "hipo", "worded"}),
        ("hipo=1", {"hipo"}),
        ("hipo=0", {"plain", "press", "bravo", "owned", "hipo", "worded"}),
        ("q=ladder", {"plain", "bravo"}),
        ("q=LADDER+WOBBLED", {"plain", "bravo"}),
        ("q=corridor", {"owned"}),  # where it happened
        ("q=slip", {"worded"}),  # what could have happened
        ("q=ladder&site={site_a}", {"plain"}),
        ("q=ladder&site={site_b}&owner=none&hipo=0", {"bravo"}),
        ("site={site_a}&hipo=1&category={dropped}", {"hipo"}),
        ("q=%25", set()),  # a % is a character to find, not a wildcard
        ("q=_", set()),
    ],
)
def test_each_filter_and_combinations(app, client, login, world, spread, query, expected):
    values = {
        "site_a": world.site_a,
        "site_b": world.site_b,
        "press": _ids(app)["Press line 2"],
        "dropped": category_id(app, "Dropped objects"),
        "safety": world.safety.id,
    }
    login.as_(world.admin)
    response = client.get("/triage?" + query.format(**values))
    assert response.status_code == 200
    assert set(_cards(text(response))) == {spread[name] for name in expected}


def test_a_filtered_board_is_a_bookmarkable_page(app, client, login, world, spread):
    login.as_(world.admin)
    url = f"/triage?site={world.site_a}&q=ladder&hipo=0"
    page = text(client.get(url))
    fragment = client.get(url, headers=HX)
    assert "<html" in page and "<html" not in text(fragment)
    assert _cards(page) == _cards(text(fragment)) == [spread["plain"]]
    assert 'value="ladder"' in page
    assert f'<option value="{world.site_a}" selected>' in page
    assert 'hx-push-url="true"' in page and 'hx-target="#board"' in page
    assert 'method="get" action="/triage"' in page  # works without JavaScript
    assert "HX-Request" in fragment.headers["Vary"]


def test_htmx_pushes_the_tidy_address_of_the_filters_that_apply(app, client, login, world):
    login.as_(world.supervisor_a)
    response = client.get("/triage?q=+ladder++rungs&site=&location=&category=&owner=", headers=HX)
    assert response.headers["HX-Push-Url"] == "/triage?q=ladder+rungs"


def test_a_history_restore_gets_the_whole_page(app, client, login, world):
    login.as_(world.supervisor_a)
    response = client.get("/triage", headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in text(response)


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("site=abc", "Ignored the site filter: “abc” is not valid."),
        ("site={site_b}", "Ignored the site filter: not a site you can see."),
        ("location=1x", "Ignored the location filter: “1x” is not valid."),
        ("location={bravo_location}", "Ignored the location filter: not a location you can see."),
        ("location=999999", "Ignored the location filter: not a location you can see."),
        ("category=%27;drop", "Ignored the category filter"),
        ("owner=me", "Ignored the owner filter: “me” is not valid."),
        ("hipo=yes", "Ignored the high-potential filter"),
        ("site=99999999999999999999", "Ignored the site filter"),
    ],
)
def test_invalid_filters_are_ignored_with_a_note(app, client, login, world, query, note):
    mine = new_report(app, world.location_a)
    new_report(app, world.location_b)
    login.as_(world.supervisor_a)
    url = "/triage?" + query.format(
        site_b=world.site_b, bravo_location=location_id(app, world.location_b)
    )
    for headers in ({}, HX):
        response = client.get(url, headers=headers)
        html = text(response)
        assert response.status_code == 200
        assert note in html
        assert _cards(html) == [mine]


def test_a_long_search_is_cut_not_refused(app, client, login, world):
    login.as_(world.supervisor_a)
    assert client.get("/triage?q=" + "x" * 5000).status_code == 200


# --- bounded queries ---


def _fill(app, world, how_many: int) -> None:
    """Reports of every kind: photos, classified, owned, with an asset, acknowledged."""
    with app.app_context():
        location = db.session.get(Location, location_id(app, world.location_a))
        assets = [Asset(location=location, name=f"Forklift {n}") for n in range(3)]
        db.session.add_all(assets)
        db.session.commit()
        asset_ids = [asset.id for asset in assets]
    owners = [world.supervisor_a, world.safety]
    for n in range(how_many):
        rid = new_report(app, world.location_a, f"report {n}", photos=1 + n % 2)
        if n % 3:
            act(
                app,
                rid,
                world.supervisor_a,
                "classify",
                category=["Mechanical", "Electrical"][n % 2],
                domain="safety",
                severity=1 + n % 5,
                likelihood=2,
            )
            owner, asset = owners[n % 2], asset_ids[n % 3]
            act(app, rid, world.supervisor_a, "assign", owner=owner, asset=asset)
        if n % 2:
            act(app, rid, world.supervisor_a, "acknowledge")


@pytest.mark.parametrize("persona", ["admin", "supervisor_a"])
def test_the_board_runs_the_same_few_queries_for_5_or_40_cards(
    app, client, login, world, persona, monkeypatch
):
    monkeypatch.setattr(board, "BOARD_LIMIT", 25)  # every card of the 40 on the board
    login.as_(getattr(world, persona))
    counts = []
    for total, more in ((5, 5), (40, 35)):
        _fill(app, world, more)
        client.get("/triage")  # warm: nothing cached on the first request counts
        with counting(app) as statements:
            html = text(client.get("/triage"))
        assert len(_cards(html)) == total
        counts.append(len(statements))
    assert counts[0] == counts[1]
    # 12, plus the two grouped queries of the repeat-theme flag
    assert counts[1] <= 14, counts


def test_the_fragment_runs_fewer_queries_than_the_page(app, client, login, world):
    _fill(app, world, 6)
    login.as_(world.supervisor_a)
    with counting(app) as page:
        client.get("/triage")
    with counting(app) as fragment:
        client.get("/triage", headers=HX)
    assert len(fragment) < len(page)


# --- self-refresh ---


def _since(html: str) -> int:
    found = re.search(r'id="board-poller"[^>]*hx-get="/triage/updates\?since=(\d+)', html, re.S)
    assert found, "no poller"
    return int(found.group(1))


def _mark(moment) -> int:
    return board.mark_arg(moment)


def test_the_board_polls_every_20_seconds_from_a_moment_not_a_report_number(
    app, client, login, world
):
    newest = new_report(app, world.location_a, name="Ana")
    login.as_(world.supervisor_a)
    before = _mark(utcnow())
    html = text(client.get(f"/triage?site={world.site_a}&q=pallet"))
    assert 'hx-trigger="every 20s"' in html
    since = _since(html)
    assert since != newest and before <= since <= _mark(utcnow())  # a moment, not a number
    assert re.search(r'hx-get="/triage/updates\?since=\d+&amp;site=\d+&amp;q=pallet"', html)


def test_a_report_released_after_since_appears_and_nothing_else_is_sent(app, client, login, world):
    now = utcnow()
    old = new_report(
        app, world.location_a, "already on the board", name="Ana", at=now - timedelta(minutes=10)
    )
    fresh = new_report(
        app, world.location_a, "just came in", name="Ana", at=now - timedelta(minutes=1)
    )
    new_report(app, world.location_b, "another site", name="Ana", at=now - timedelta(minutes=1))
    login.as_(world.supervisor_a)
    since = _mark(now - timedelta(minutes=2))
    response = client.get(f"/triage/updates?since={since}", headers=HX)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert _cards(html) == [fresh]
    assert old != fresh and f"card-{old}" not in html
    assert 'hx-swap-oob="beforeend:#cards-new"' in html  # the New column: longest waiting first
    assert re.search(
        r'id="head-new" hx-swap-oob="true">\s*<h2[^>]*>New <span class="count">2<', html
    )
    assert _since(html) > since  # the next poll starts where this one ended
    again = text(client.get(f"/triage/updates?since={_since(html)}", headers=HX))
    assert _cards(again) == [] and "beforeend" not in again


def test_an_anonymous_report_arrives_in_the_poll_at_the_end_of_its_hour(app, client, login, world):
    hour = utcnow().replace(minute=0, second=0, microsecond=0)
    last_hour = new_report(app, world.location_a, "made last hour", at=hour - timedelta(minutes=47))
    this_hour = new_report(app, world.location_a, "made this hour", at=hour + timedelta(seconds=1))
    login.as_(world.supervisor_a)
    before_the_hour = text(client.get(f"/triage/updates?since={_mark(hour) - 1}", headers=HX))
    assert _cards(before_the_hour) == [last_hour]  # released at the hour, not at its minute
    after_the_hour = text(client.get(f"/triage/updates?since={_mark(hour)}", headers=HX))
    assert _cards(after_the_hour) == []
    board_html = text(client.get("/triage"))
    assert f"card-{last_hour}" in board_html and f"card-{this_hour}" not in board_html


def test_updates_respect_the_filters(app, client, login, world):
    login.as_(world.admin)
    new_report(app, world.location_b, "bravo news")
    html = text(client.get(f"/triage/updates?since=0&site={world.site_a}", headers=HX))
    assert _cards(html) == []
    assert f"site={world.site_a}" in html  # the next poll keeps the filters


def test_updates_without_htmx_send_the_board(app, client, login, world):
    login.as_(world.supervisor_a)
    response = client.get(f"/triage/updates?since=0&site={world.site_a}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/triage?site={world.site_a}"


def test_updates_with_a_bad_since_send_no_cards(app, client, login, world):
    new_report(app, world.location_a)
    login.as_(world.supervisor_a)
    html = text(client.get("/triage/updates?since=yesterday", headers=HX))
    assert _cards(html) == [] and 'id="board-poller"' in html


def test_cards_in_progress_count_their_actions_done(app, client, login, world):
    rid = new_report(app, world.location_a, "Guard missing on press 2")
    with app.app_context():
        report, safety = db.session.get(Report, rid), db.session.get(User, world.safety.id)
        for words in ("Fit a guard", "Brief the crew", "Dropped idea"):
            new = corrective.NewAction(words, "engineering", safety, date(2030, 1, 1))
            corrective.add(report, safety, new)
        first, _second, third = report.actions
        corrective.complete(first, safety, note="Fitted")
        corrective.cancel(third, safety, reason="Not needed after all")
        db.session.commit()
    login.as_(world.supervisor_a)
    html = text(client.get("/triage"))
    card = html[html.index(f'id="card-{rid}"') :]
    assert "1 of 2 actions done" in card[: card.index("</article>")]
    assert f'id="card-{rid}"' in html[html.index('id="cards-in_progress"') :]
