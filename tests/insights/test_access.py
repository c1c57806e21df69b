"""Every insights route, for every persona, with a theme at site A and one at site B."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import Category, Location, Report
from tests.access import LIST, PERSONAS, READ
from tests.factories import new_report

PAGES = [
    "/insights",
    "/insights/supervisor",
    "/insights/indicators",
    "/insights/review",
    "/insights/export/reports.csv",
    "/insights/export/actions.csv",
]
THEME_PAGES = ["/insights/themes", "/insights/themes/talk"]


def sign_in(login, world, persona: str) -> None:
    if persona != "anonymous":
        login.as_(getattr(world, persona))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", PAGES)
def test_lists_answer_every_signed_in_persona(client, login, world, persona, url):
    sign_in(login, world, persona)
    assert client.get(url).status_code == LIST[persona][0]


@pytest.fixture
def themes(app, world) -> dict[str, dict[str, int]]:
    """A repeat theme (three classified reports at one place) at each site."""
    found = {}
    with app.app_context():
        category = db.session.query(Category).filter_by(name="Electrical").one().id
    for letter, code in (("a", world.location_a), ("b", world.location_b)):
        ids = [new_report(app, code) for _ in range(3)]
        with app.app_context():
            for rid in ids:
                db.session.get(Report, rid).category_id = category
            db.session.commit()
            location = db.session.query(Location).filter_by(code=code).one().id
        found[letter] = {"location": location, "category": category}
    return found


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", THEME_PAGES)
def test_a_theme_answers_the_staff_of_its_site_only(client, login, world, themes, persona, url):
    sign_in(login, world, persona)
    got = tuple(client.get(url, query_string=themes[s]).status_code for s in ("a", "b"))
    assert got == READ[persona]
