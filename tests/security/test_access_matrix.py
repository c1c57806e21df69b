"""One access matrix: every route x every persona x an object of their own site, of another
site, and no sign-in at all.

The routes come from the app's url_map and each must have a row in
tests/security/access_table.py, so a new route without a decided access fails the suite. Each
route is requested as every persona, pointing at the sample objects of site A and of site B
(tests/security/routes.py): pages with GET, state-changing routes with POST, the session's
CSRF token and an empty or minimal form, so a granted access shows as the route's validation
answer (422) or its redirect (303); a refused post (302, 401, 403, 404) must leave every row
of the database as it was.

A list filtered by site (`?site=`) is also requested as it first opens, without the filter,
once per persona; a route with a choice in its path (retire or restore, up or down) is
requested with each. Anonymous visitors must be sent to the sign-in page with the way back
(`/login?next=`).

The per-surface access tests (tests/*/test_access.py) keep only what this matrix does not
check: htmx fragments, missing objects, deactivated accounts, valid forms refused, other
object states, and which rows a list shows.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import AnyConverter, Rule
from werkzeug.test import TestResponse

from tests.access import PERSONAS
from tests.factories import LoginActions, World, session_csrf
from tests.security.access_table import KINDS, SITE, TABLE, UNLISTED, Row
from tests.security.routes import Samples, build_samples, snapshot, url_of

SITES = ("a", "b")
HTMX = {"HX-Request": "true"}
SIGN_IN = "/login?next="  # the sign-in page, with the way back
CASES = [
    pytest.param(endpoint, method, id=f"{method} {endpoint}")
    for endpoint, row in TABLE.items()
    for method in row.methods
]


@pytest.fixture
def app_env(app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Rate limits off: each route is posted twelve times from one address here (the limits
    have their own tests, tests/report_form/ and tests/auth/)."""
    monkeypatch.setenv("PORTAL_RATELIMIT_ENABLED", "false")
    return {**app_env, "PORTAL_RATELIMIT_ENABLED": "false"}


class Visitors:
    """One test client per persona, signed in on first use; signing out forgets the client."""

    def __init__(self, app: Flask, world: World) -> None:
        self.app, self.world = app, world
        self.clients: dict[str, tuple[FlaskClient, str]] = {}

    def client(self, persona: str) -> tuple[FlaskClient, str]:
        """The persona's client and its session's CSRF token."""
        if persona not in self.clients:
            client = self.app.test_client()
            if persona != "anonymous":
                signed_in = LoginActions(client).as_(getattr(self.world, persona))
                assert signed_in.status_code == 303, f"{persona} could not sign in"
            self.clients[persona] = (client, session_csrf(client))
        return self.clients[persona]

    def forget(self, persona: str) -> None:
        """After signing out: the next request signs the persona in again."""
        self.clients.pop(persona, None)


def _pointed(row: Row, samples: Samples) -> Samples:
    """The samples with the row's URL arguments pointed at the objects it names."""
    moved = {argument: samples.values[name] for argument, name in row.args.items()}
    return Samples(values={**samples.values, **moved}, receipt=samples.receipt)


def _fill(template: str, samples: Samples) -> str:
    return template.format(receipt=samples.receipt, **samples.values)


def _request(
    client: FlaskClient, token: str, method: str, row: Row, url: str, samples: Samples
) -> TestResponse:
    headers = HTMX if row.htmx else {}
    query = _fill(row.query, samples)
    if method == "GET":
        return client.get(url, query_string=query, headers=headers)
    form = {name: _fill(value, samples) for name, value in row.form.items()}
    return client.post(url, query_string=query, data={**form, "csrf_token": token}, headers=headers)


def _choices(rule: Rule) -> list[dict[str, str]]:
    """Every value of the rule's any() arguments (retire and restore, up and down), each a
    request of its own; a rule without one has a single choice."""
    options = [
        [(name, item) for item in sorted(converter.items)]
        for name, converter in rule._converters.items()
        if isinstance(converter, AnyConverter)
    ]
    return [dict(choice) for choice in itertools.product(*options)]


def _unfiltered(row: Row) -> Row | None:
    """A list filtered by site, as it first opens: the same query without `site=`."""
    parts = row.query.split("&")
    if row.kind != "staff-list" or SITE not in parts:
        return None
    return replace(row, query="&".join(part for part in parts if part != SITE))


def _expected(row: Row, method: str, persona: str, site: str) -> int:
    expected = KINDS[row.kind][persona][SITES.index(site)]
    if expected == "ok":
        return row.ok(method)
    if expected == 302 and row.htmx:
        return 401  # htmx is told to load the sign-in page whole (HX-Redirect)
    assert isinstance(expected, int)
    return expected


def test_every_route_of_the_url_map_has_a_row_with_its_methods(app):
    """A new route, or a new method on one, fails here until its access is decided."""
    wrong = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNLISTED:
            continue
        row = TABLE.get(rule.endpoint)
        if row is None:
            wrong.append(f"{rule.endpoint} ({rule.rule}) has no row in access_table.TABLE")
            continue
        taken = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        if taken != sorted(row.methods):
            wrong.append(f"{rule.endpoint} takes {taken}, its row says {sorted(row.methods)}")
    assert not wrong, "\n".join(wrong)


def test_every_row_names_a_route_and_a_kind(app):
    """A row left behind by a removed route, or a kind nobody defined, fails here."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not set(TABLE) - endpoints, set(TABLE) - endpoints
    assert {row.kind for row in TABLE.values()} <= set(KINDS)
    for kind, expected in KINDS.items():
        assert set(expected) == set(PERSONAS), kind


@pytest.mark.parametrize(("endpoint", "method"), CASES)
def test_each_persona_at_each_site_gets_the_answer_of_the_route_kind(app, world, endpoint, method):
    row = TABLE[endpoint]
    samples = {site: _pointed(row, build_samples(app, world, site)) for site in SITES}
    (rule,) = app.url_map.iter_rules(endpoint)
    visitors = Visitors(app, world)
    unfiltered = _unfiltered(row)
    wrong = []
    for choice, persona in itertools.product(_choices(rule), PERSONAS):
        requests = [(site, row, site.upper()) for site in SITES]
        if unfiltered is not None:  # the same for either site's samples: one request
            requests.append(("a", unfiltered, "A, unfiltered"))
        for site, sent, label in requests:
            label = " ".join([label, *choice.values()])
            client, token = visitors.client(persona)
            expected = _expected(row, method, persona, site)
            refused = expected in (302, 401, 403, 404) and method != "GET"
            before = snapshot(app) if refused else None
            chosen = Samples(values={**samples[site].values, **choice}, receipt="")
            url = url_of(rule, chosen)
            response = _request(client, token, method, sent, url, samples[site])
            got = response.status_code
            where = response.headers.get("Location") or response.headers.get("HX-Redirect", "")
            response.close()
            if got != expected:
                wrong.append(f"{persona} at site {label}: {got}, expected {expected}")
            elif persona == "anonymous" and got in (302, 401) and not where.startswith(SIGN_IN):
                wrong.append(f"anonymous at site {label}: sent to {where!r}, not sign-in")
            if before is not None and snapshot(app) != before:
                wrong.append(f"{persona} at site {label}: refused, but changed the database")
            if endpoint == "auth.logout":
                visitors.forget(persona)
    assert not wrong, f"{method} {rule.rule} ({row.kind}):\n" + "\n".join(wrong)
