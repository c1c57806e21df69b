"""CSRF: every state-changing staff route refuses a post without the session's token (400) and
changes nothing; the cookie-less public forms rely on signed one-time tokens instead.

The routes come from the app's url_map (tests/security/routes.py), so a route added later is
covered by these tests without being named here. Only the public forms listed in PUBLIC_FORMS
are left out of the staff check, and each of them is checked the public way below.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import PASSWORD, World, csrf_token
from tests.security.routes import (
    MissingSample,
    Samples,
    build_samples,
    get_rules,
    snapshot,
    state_changing_rules,
    url_of,
)

# The worker-facing forms. They set no cookie (a worker stays anonymous), so there is no
# session for a CSRF token to be bound to: Flask-WTF's check is off for their blueprints
# (portal/__init__.py) and each form carries a signed one-time token (portal/lib/tokens.py) instead.
PUBLIC_FORMS = {
    # the three-question report from a QR poster: the token is signed for the location
    "report_form.qr_submit",
    # the same on the shared tablet
    "report_form.kiosk_submit",
    # looking a report up by its receipt code: reads only, so it takes no token; guessing
    # is rate-limited (tests/followup/test_lookup.py)
    "followup.lookup",
    # the reporter's answer to a question: the token is signed for the report
    "followup.answer",
    # the reporter's "is it fixed?" verdict: the token is signed for the fix
    "followup.fixed",
}
CSRF_PAGE = "This form expired"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def samples(app: Flask, world: World) -> Samples:
    return build_samples(app, world)


@pytest.fixture
def admin(client: FlaskClient, login, world: World) -> FlaskClient:
    """The test client, signed in as the admin."""
    assert login.as_(world.admin).status_code == 303
    return client


@pytest.fixture
def foreign_token(app: Flask, world: World) -> str:
    """A real CSRF token, but of another browser's session (the safety manager's)."""
    other = app.test_client()
    page = other.get("/login")
    other.post(
        "/login",
        data={
            "email": world.safety.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    return csrf_token(other.get("/staff/").get_data(as_text=True))


def staff_rules(app: Flask) -> list:
    """The state-changing rules that must check the session's CSRF token."""
    return [rule for rule in state_changing_rules(app) if rule.endpoint not in PUBLIC_FORMS]


Post = Callable[[FlaskClient, str, str], object]


def _plain(token: str | None) -> Post:
    def send(client: FlaskClient, url: str, method: str):
        data = {"version": "1", "note": "CSRF probe", "name": "CSRF probe"}
        if token is not None:
            data["csrf_token"] = token
        return client.open(url, method=method, data=data)

    return send


def _htmx(token: str | None) -> Post:
    def send(client: FlaskClient, url: str, method: str):
        headers = dict(HTMX)
        if token is not None:
            headers["X-CSRFToken"] = token
        return client.open(url, method=method, data={"version": "1"}, headers=headers)

    return send


VARIANTS = {
    "form without a token": lambda foreign: _plain(None),
    "form with a forged token": lambda foreign: _plain("IjEyMzQ1Ig.forged.signature"),
    "form with another session's token": lambda foreign: _plain(foreign),
    "htmx without a token": lambda foreign: _htmx(None),
    "htmx with another session's token in X-CSRFToken": lambda foreign: _htmx(foreign),
    "htmx with a forged X-CSRFToken": lambda foreign: _htmx("forged"),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_staff_post_without_the_right_token_is_refused_and_changes_nothing(
    app, admin, samples, foreign_token, variant
):
    send = VARIANTS[variant](foreign_token)
    before = snapshot(app)
    wrong = []
    for rule in staff_rules(app):
        url = url_of(rule, samples)
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            response = send(admin, url, method)
            body = response.get_data(as_text=True)
            if response.status_code != 400 or CSRF_PAGE not in body:
                wrong.append(f"{method} {url} ({rule.endpoint}): {response.status_code}")
            if snapshot(app) != before:
                wrong.append(f"{method} {url} ({rule.endpoint}) changed the database")
                before = snapshot(app)
    assert not wrong, "\n".join(wrong)
    # still signed in: every refusal above was the token's, not a lost session
    assert admin.get("/staff/").status_code == 200


def test_with_the_session_token_the_same_posts_reach_a_real_object(app, admin, samples):
    """The control of the test above: its URLs resolve (no 404) and its 400s were the token's."""
    token = csrf_token(admin.get("/staff/").get_data(as_text=True))
    wrong = []
    # signing out last, so the posts before it still have a session
    for rule in sorted(staff_rules(app), key=lambda rule: rule.endpoint == "auth.logout"):
        url = url_of(rule, samples)
        response = admin.post(url, data={"csrf_token": token})
        if response.status_code in (400, 404, 405) or response.status_code >= 500:
            wrong.append(f"POST {url} ({rule.endpoint}): {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_the_enumeration_finds_the_staff_forms(app):
    endpoints = {rule.endpoint for rule in staff_rules(app)}
    # a few of every surface: an empty or broken enumeration would make the tests above vacuous
    for expected in (
        "auth.login",
        "auth.second_step",
        "auth.logout",
        "account.two_factor_setup",
        "account.two_factor_off",
        "admin.new_site",
        "admin.retire_asset",
        "report_page.message",
        "triage.acknowledge",
        "closeout.complete",
    ):
        assert expected in endpoints
    assert len(endpoints) >= 35


def test_every_route_argument_has_a_real_sample(app, samples):
    """A new route with an argument nobody gave an object for fails here, by name."""
    problems = []
    for rule in get_rules(app) + state_changing_rules(app):
        try:
            url_of(rule, samples)
        except MissingSample as missing:
            problems.append(str(missing))
    assert not problems, "\n".join(problems)


def test_the_public_allow_list_names_only_cookieless_public_forms(app, admin, samples):
    """Each exempted endpoint still exists, takes posts, and sets no cookie (so it cannot
    carry a session-bound CSRF token); an allow-list entry left behind fails here."""
    by_endpoint = {rule.endpoint: rule for rule in state_changing_rules(app)}
    assert set(by_endpoint) >= PUBLIC_FORMS, PUBLIC_FORMS - set(by_endpoint)
    for endpoint in sorted(PUBLIC_FORMS):
        response = admin.post(url_of(by_endpoint[endpoint], samples), data={})
        assert "Set-Cookie" not in response.headers, endpoint
        assert CSRF_PAGE not in response.get_data(as_text=True), endpoint


def _public_form(samples: Samples, token: str | None) -> dict[str, str]:
    """What a forger would send to the public form: all the answers, a missing or forged token."""
    data = {
        "what_happened": "Forged: a forklift reversed without horn.",
        "where": "Dock 1",
        "potential_outcome": "serious_injury",
        "code": samples.receipt,
        "body": "Forged answer",
        "verdict": "fixed",
        "words": "Forged verdict",
        "lang": "en",
    }
    if token is not None:
        data["token"] = token
    return data


@pytest.mark.parametrize("token", [None, "eyJuIjoiZm9yZ2VkIn0.forged.signature"])
@pytest.mark.parametrize("endpoint", sorted(PUBLIC_FORMS - {"followup.lookup"}))
def test_a_public_form_without_its_signed_token_stores_nothing(
    app, client, samples, endpoint, token
):
    rule = next(rule for rule in state_changing_rules(app) if rule.endpoint == endpoint)
    before = snapshot(app)
    response = client.post(url_of(rule, samples), data=_public_form(samples, token))
    assert 400 <= response.status_code < 500
    assert snapshot(app) == before


def test_a_lookup_post_reads_only(app, client, samples):
    before = snapshot(app)
    response = client.post("/followup", data={"code": samples.receipt})
    assert response.status_code == 200
    assert snapshot(app) == before
