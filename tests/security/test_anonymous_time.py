"""Staff pages give an anonymous report's time only to the hour; a named report keeps its
minute. Every channel at once, in a real browser: tests/browser/test_anonymous_time.py; the
rule itself: tests/test_hours.py."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from portal.lib.timeutil import utcnow
from tests.factories import new_report

MINUTE_TIME = re.compile(r"\b\d{1,2}:(?!00\b)\d{2}\b")  # a clock time not on the hour


def card(html: str, rid: int) -> str:
    start = html.index(f'id="card-{rid}"')
    return html[start : html.index("</article>", start)]


@pytest.fixture
def at() -> datetime:
    """An hour and twenty minutes ago, on a minute that is not :00 (the sites' zones are
    whole hours): the report's hour is over, so staff see it."""
    moment = utcnow() - timedelta(minutes=80)
    return moment - timedelta(minutes=1) if moment.minute == 0 else moment


def test_the_board_card_of_an_anonymous_report_has_no_minute(app, client, login, world, at):
    rid = new_report(app, world.location_a, at=at)
    login.as_(world.supervisor_a)
    html = card(client.get("/triage").get_data(as_text=True), rid)
    assert not re.search(r"\d+ min", html)
    assert re.search(r"Waiting [12] h\b", html)  # from the start of its hour
    assert not MINUTE_TIME.search(html), MINUTE_TIME.search(html)
    stamps = re.findall(r'datetime="([^"]+)"', html)
    assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00Z", s) for s in stamps), stamps


def test_a_named_report_keeps_its_minute(app, client, login, world, at):
    rid = new_report(app, world.location_a, name="Ana", at=at)
    login.as_(world.supervisor_a)
    html = card(client.get("/triage").get_data(as_text=True), rid)
    assert "datetime=" in html and MINUTE_TIME.search(html)


def test_the_report_page_of_an_anonymous_report_has_no_minute(app, client, login, world, at):
    rid = new_report(app, world.location_a, at=at)
    login.as_(world.supervisor_a)
    html = client.get(f"/reports/{rid}").get_data(as_text=True)
    head = html[html.index("<main") : html.index('id="timeline-title"')]
    timeline = html[html.index('id="timeline-title"') :]
    submitted = timeline[: timeline.index("</li>")]
    assert not MINUTE_TIME.search(head.split('class="meta"', 1)[1].split("</p>", 1)[0])
    assert not MINUTE_TIME.search(submitted)
