"""What is late comes first: the New column by the acknowledgement clock, the overdue count as
a link to exactly those reports, and every card of a column reachable with "Show more"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.lib.timeutil import utcnow
from portal.triage import board
from tests.factories import HX, act, new_report, text
from tests.triage.test_board import _cards, _column


def _made_hours_ago(app, world, *hours: float) -> list[int]:
    now = utcnow()
    return [
        new_report(app, world.location_a, f"waiting {h} h", at=now - timedelta(hours=h))
        for h in hours
    ]


def test_the_new_column_puts_the_longest_waiting_first(app, client, login, world):
    calm, overdue, warning, oldest = _made_hours_ago(app, world, 1, 30, 10, 50)
    login.as_(world.supervisor_a)
    html = text(client.get("/triage"))
    assert _cards(_column(html, "new")) == [oldest, overdue, warning, calm]


def test_the_other_columns_stay_newest_first(app, client, login, world):
    older, newer = _made_hours_ago(app, world, 30, 2)
    for rid in (older, newer):
        act(app, rid, world.supervisor_a, "acknowledge")
    login.as_(world.supervisor_a)
    html = text(client.get("/triage"))
    assert _cards(_column(html, "acknowledged")) == [newer, older]


def test_overdue_reports_behind_many_fresh_ones_are_shown_first(
    app, client, login, world, monkeypatch
):
    """The Monday morning: 15 late reports and more fresh ones than the column shows."""
    monkeypatch.setattr(board, "BOARD_LIMIT", 5)
    late = _made_hours_ago(app, world, *[30 + n for n in range(3)])
    _made_hours_ago(app, world, *[0.5] * 6)
    login.as_(world.supervisor_a)
    html = _column(text(client.get("/triage")), "new")
    assert set(late) <= set(_cards(html))
    assert "3 wait longer than the limit" in html


def test_the_overdue_count_links_to_exactly_those_reports(app, client, login, world):
    late = _made_hours_ago(app, world, 26, 40)
    fresh = _made_hours_ago(app, world, 3)
    acknowledged = _made_hours_ago(app, world, 45)
    act(app, acknowledged[0], world.supervisor_a, "acknowledge")
    login.as_(world.supervisor_a)
    html = text(client.get(f"/triage?site={world.site_a}"))
    link = re.search(r'<p class="overdue-count"><a href="([^"]+)">', html)
    assert link, "the overdue count is not a link"
    target = link.group(1).replace("&amp;", "&")
    assert "overdue=1" in target and f"site={world.site_a}" in target
    shown = text(client.get(target))
    assert sorted(_cards(shown)) == sorted(late)
    assert fresh[0] not in _cards(shown) and acknowledged[0] not in _cards(shown)


def test_a_bad_overdue_value_is_ignored_with_a_note(app, client, login, world):
    _made_hours_ago(app, world, 30, 1)
    login.as_(world.supervisor_a)
    html = text(client.get("/triage?overdue=yes"))
    assert "Ignored the overdue filter" in html
    assert len(_cards(_column(html, "new"))) == 2


@pytest.mark.parametrize("fragment", [True, False])
def test_show_more_brings_the_next_cards_in_order(app, client, login, world, monkeypatch, fragment):
    monkeypatch.setattr(board, "BOARD_LIMIT", 2)
    made = _made_hours_ago(app, world, 50, 40, 30, 20, 10)
    login.as_(world.supervisor_a)
    html = _column(text(client.get("/triage")), "new")
    assert _cards(html) == made[:2]
    href = re.search(r'<p class="more" id="more-new"[^>]*>\s*<a [^>]*href="([^"]+)"', html)
    assert href and "Show 2 more (of 3)" in html
    response = client.get(href.group(1).replace("&amp;", "&"), headers=HX if fragment else {})
    page = text(response)
    assert response.status_code == 200
    assert ("<html" not in page) is fragment
    assert _cards(page) == made[2:4]
    last = re.search(r'id="more-new"[^>]*>\s*<a [^>]*href="([^"]+)"', page)
    assert last and "Show 1 more" in page
    final = text(client.get(last.group(1).replace("&amp;", "&"), headers=HX))
    assert _cards(final) == made[4:] and 'id="more-new"' not in final


def test_show_more_keeps_to_the_users_sites_and_filters(app, client, login, world):
    new_report(app, world.location_b, "at site B")
    mine = _made_hours_ago(app, world, 3)
    login.as_(world.supervisor_a)
    assert _cards(text(client.get("/triage/columns/new?shown=0", headers=HX))) == mine
    assert client.get("/triage/columns/merged?shown=0").status_code == 404


def test_a_new_report_polled_in_goes_below_when_the_column_shows_all(
    app, client, login, world, monkeypatch
):
    monkeypatch.setattr(board, "BOARD_LIMIT", 2)
    _made_hours_ago(app, world, 5)
    login.as_(world.supervisor_a)
    since = int(re.search(r"since=(\d+)", text(client.get("/triage"))).group(1))
    # named: an anonymous report made now would come with its hour's batch, at its end
    fresh = new_report(app, world.location_a, "just now", name="Ana")
    html = text(client.get(f"/triage/updates?since={since}", headers=HX))
    assert 'hx-swap-oob="beforeend:#cards-new"' in html and _cards(html) == [fresh]
    # a full column: the newcomer waits behind "Show more", where its place is
    since = int(re.search(r"since=(\d+)", html).group(1))
    new_report(app, world.location_a, "one more", name="Ana")
    html = text(client.get(f"/triage/updates?since={since}", headers=HX))
    assert _cards(html) == [] and '>New <span class="count">3<' in html


def test_a_question_is_asked_from_the_card_and_reaches_the_thread(app, client, login, world):
    from tests.factories import csrf_token, fetch

    rid = new_report(app, world.location_a)
    login.as_(world.supervisor_a)
    board_html = text(client.get("/triage"))
    assert f'href="/triage/reports/{rid}/ask?next=' in board_html  # under Details
    form = text(client.get(f"/triage/reports/{rid}/ask?next=/triage", headers=HX))
    assert "<html" not in form and "Ask the reporter" in form
    version = re.search(r'name="version"[^>]*value="(\d+)"', form).group(1)
    data = {"csrf_token": csrf_token(form), "version": version, "next": "/triage"}
    empty = client.post(f"/triage/reports/{rid}/ask", data={**data, "body": "  "}, headers=HX)
    assert empty.status_code == 422 and "Please write the question." in text(empty)
    long = client.post(f"/triage/reports/{rid}/ask", data={**data, "body": "x" * 2001}, headers=HX)
    assert long.status_code == 422 and "x" * 2001 in text(long)  # kept
    sent = client.post(f"/triage/reports/{rid}/ask", data={**data, "body": "Which dock?"})
    assert sent.status_code == 303
    report = fetch(app, rid)
    assert report.messages[-1].body == "Which dock?" and report.events[-1].kind == "question"
    page = text(client.get(f"/reports/{rid}"))
    assert "Which dock?" in page[page.index('id="talk-title"') :]
