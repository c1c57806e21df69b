"""Markup sent in URL parameters never comes back as markup (issue 18, finding 1).

The boards' and insights' filter notes ("“…” is not valid") were lazy messages filled with the
raw parameter; a lazy message told Jinja it was already safe HTML, so `?site=<b>` printed bold
text, and an injected htmx form posted with the page's CSRF header. Every lazy message now
escapes the values it is filled with (portal/lib/lazytext.py). These tests send markup
through every GET parameter the portal reads, on every GET route of the url_map, as an admin
(who reaches them all).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from markupsafe import Markup

from portal.lib.lazytext import lazy_gettext
from tests.factories import LoginActions
from tests.security.routes import build_samples, get_rules, url_of

# the same markup and headers on either database: the SQLite pass checks them
pytestmark = pytest.mark.markup

ROOT = Path(__file__).resolve().parents[2]
MARK = '"><b id="injected">x</b><form hx-post="/admin/sites" hx-trigger="load"></form>'
# every parameter a view reads from the query string (grep args.get / params.* in portal/)
PARAMETERS = (
    "site", "status", "owner", "category", "location", "hipo", "mine", "overdue", "q", "from",
    "to", "month", "page", "since", "theme", "every", "lang", "next", "bucket", "due", "asset",
)  # fmt: skip


def test_a_lazy_message_escapes_the_values_it_is_filled_with(app):
    with app.test_request_context():
        message = lazy_gettext("Ignored “%(value)s”: give a month as YYYY-MM.", value="<b>x")
        assert Markup("%s") % message == "Ignored “&lt;b&gt;x”: give a month as YYYY-MM."
        assert str(message) == "Ignored “<b>x”: give a month as YYYY-MM."  # text, for CSV and mail


def test_no_module_takes_flask_babels_markup_lazy_strings():
    """The class stays closed: a new module importing Flask-Babel's lazy_gettext fails here."""
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "portal").rglob("*.py")
        if re.search(r"from flask_babel import .*lazy_|flask_babel\.lazy_", path.read_text())
    ]
    assert found == []


def test_no_message_of_the_catalogue_holds_markup():
    """Lazy messages are escaped whole: a message with a tag in it would show the tag."""
    catalogue = (ROOT / "portal/translations/messages.pot").read_text()
    ids = re.findall(r'^msgid "(.*)"$', catalogue, flags=re.MULTILINE)
    assert [text for text in ids if re.search(r"<[a-zA-Z/]", text)] == []


def test_markup_in_any_parameter_of_any_page_comes_back_as_text(app, world):
    samples = build_samples(app, world)
    client = app.test_client()
    assert LoginActions(client).as_(world.admin).status_code == 303
    query = urlencode({name: MARK for name in PARAMETERS})
    checked = 0
    for rule in get_rules(app):
        if rule.endpoint == "static" or rule.endpoint.endswith("logout"):
            continue
        path = url_of(rule, samples)
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(f"{path}?{query}", headers=headers)
            body = response.get_data()  # bytes: some routes answer images
            response.close()
            assert b'<b id="injected">' not in body, f"{rule.endpoint} echoed markup"
            assert b'hx-post="/admin/sites"' not in body, f"{rule.endpoint} echoed an htmx form"
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("page", ["/triage", "/closeout", "/insights", "/insights/indicators"])
def test_each_filter_note_shows_the_parameter_as_text(app, world, page):
    client = app.test_client()
    LoginActions(client).as_(world.admin)
    html = client.get(f"{page}?site=%3Cb%3Exx&from=%3Ci%3E&to=%3Ci%3E").get_data(as_text=True)
    assert "<b>xx" not in html and "<i>" not in html
    assert "&lt;b&gt;xx" in html or "&lt;i&gt;" in html
