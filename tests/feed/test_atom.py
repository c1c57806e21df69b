"""The Atom feeds /feed.atom and /feed/<slug>.atom: valid Atom 1.0 of the published fixes."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree as ET

from portal.extensions import db
from portal.models import Report
from tests.factories import PUBLIC_WHAT, SUMMARY, make_closed, photo_public, publish

NS = {"a": "http://www.w3.org/2005/Atom"}


def _feed(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())  # noqa: S314 - our own output, in a test
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    return root


def test_the_feed_has_the_required_atom_elements(app, client, world, closed):
    publish(app, world, closed)
    root = _feed(client, "/feed.atom")
    for tag in ("id", "title", "updated", "author/a:name"):
        assert root.find(f"a:{tag}", NS) is not None, tag
    assert root.find("a:id", NS).text.startswith("tag:")
    self_link = root.find("a:link[@rel='self']", NS).get("href")
    assert self_link == app.config["BASE_URL"] + "/feed.atom"
    [entry] = root.findall("a:entry", NS)
    assert entry.find("a:title", NS).text == PUBLIC_WHAT
    assert SUMMARY in entry.find("a:summary", NS).text
    assert entry.find("a:id", NS).text.endswith(f":closecall/fix/{closed.id}")
    link = entry.find("a:link[@rel='alternate']", NS).get("href")
    assert link == f"{app.config['BASE_URL']}/feed/alpha#fix-{closed.id}"
    assert entry.find("a:category", NS).get("term") == "engineering"


def test_an_entry_is_updated_when_it_was_published(app, client, world, closed):
    publish(app, world, closed)
    with app.app_context():
        published = db.session.get(Report, closed.id).published_at
    root = _feed(client, "/feed/alpha.atom")
    stamp = published.replace(microsecond=0).isoformat() + "Z"
    assert root.find("a:entry/a:updated", NS).text == stamp
    assert root.find("a:updated", NS).text == stamp


def test_the_site_feed_holds_only_that_sites_fixes_newest_first(app, client, world):
    a1 = make_closed(app, world, "a", summary="Alpha fix one.")
    a2 = make_closed(app, world, "a", summary="Alpha fix two.")
    b = make_closed(app, world, "b", summary="Bravo fix.")
    for item in (a1, a2, b):
        publish(app, world, item)
    with app.app_context():
        later = db.session.get(Report, a2.id)
        later.closed_at = later.created_at + timedelta(days=2)
        db.session.commit()
    root = _feed(client, "/feed/alpha.atom")
    summaries = [e.find("a:summary", NS).text for e in root.findall("a:entry", NS)]
    assert [s.splitlines()[0] for s in summaries] == [
        "What we fixed: Alpha fix two.",
        "What we fixed: Alpha fix one.",
    ]
    assert len(_feed(client, "/feed.atom").findall("a:entry", NS)) == 3
    assert root.find("a:title", NS).text.endswith("Alpha Plant")


def test_a_public_photo_is_an_enclosure(app, client, world, closed):
    publish(app, world, closed)
    root = _feed(client, "/feed.atom")
    assert root.find("a:entry/a:link[@rel='enclosure']", NS) is None
    photo_public(app, world, closed)
    enclosure = _feed(client, "/feed.atom").find("a:entry/a:link[@rel='enclosure']", NS)
    assert enclosure.get("href").endswith(f"/feed/photos/{closed.action_id}")


def test_an_empty_feed_is_still_valid_atom(client, world):
    root = _feed(client, "/feed/bravo.atom")
    assert root.findall("a:entry", NS) == [] and root.find("a:updated", NS).text.endswith("Z")


def test_markup_in_staff_words_is_escaped(app, client, world, closed):
    publish(app, world, closed, what="A <b>bold</b> & loose cable")
    root = _feed(client, "/feed.atom")
    assert root.find("a:entry/a:title", NS).text == "A <b>bold</b> & loose cable"
    assert "<b>bold</b>" not in client.get("/feed").get_data(as_text=True)


def test_a_control_character_in_the_summary_does_not_break_the_feed(app, client, world, closed):
    with app.app_context():
        report = db.session.get(Report, closed.id)
        report.public_summary = "Mirror\x0bfitted\x1b at the dock"
        db.session.commit()
    publish(app, world, closed, what="Blind corner\x1b at the dock")
    root = _feed(client, "/feed.atom")  # parses: no character XML forbids
    [entry] = root.findall("a:entry", NS)
    assert "Mirrorfitted at the dock" in entry.find("a:summary", NS).text
