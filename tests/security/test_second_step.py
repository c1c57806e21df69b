"""Two-step sign-in, as an attacker with the password would try it: the half-signed-in state
between the password and the code opens nothing at all, and one burst cap bounds passwords
and codes tried on an account together.

The routes come from the access table (tests/security/access_table.py), so a route added
later is checked without being named here.
"""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, csrf_token, text, turn_on_two_factor
from tests.security.access_table import KINDS, TABLE
from tests.security.routes import build_samples, url_of

HTMX = {"HX-Request": "true"}


@pytest.fixture
def app_env(app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Rate limits off for the walk (the cap has its own test below)."""
    monkeypatch.setenv("PORTAL_RATELIMIT_ENABLED", "false")
    return {**app_env, "PORTAL_RATELIMIT_ENABLED": "false"}


def _halfway(app, email: str):
    client = app.test_client()
    token = csrf_token(text(client.get("/login")))
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/login/code"
    return client


def test_the_half_signed_in_state_opens_no_page_that_needs_a_sign_in(app, world):
    turn_on_two_factor(app, world.admin)
    samples = build_samples(app, world)
    client = _halfway(app, world.admin.email)
    wrong = []
    for endpoint, row in TABLE.items():
        if row.get is None or KINDS[row.kind]["anonymous"][0] not in (302, 401):
            continue
        (rule,) = app.url_map.iter_rules(endpoint)
        choices = {
            name: sorted(conv.items)[0]
            for name, conv in rule._converters.items()
            if hasattr(conv, "items")
        }
        values = {
            **samples.values,
            **{k: samples.values[v] for k, v in row.args.items()},
            **choices,
        }
        url = url_of(rule, type(samples)(values=values, receipt=samples.receipt))
        query = row.query.format(receipt=samples.receipt, **samples.values)
        response = client.get(url, query_string=query, headers=HTMX if row.htmx else {})
        where = response.headers.get("Location") or response.headers.get("HX-Redirect", "")
        if response.status_code not in (302, 401) or not where.startswith("/login?next="):
            wrong.append(f"{endpoint}: {response.status_code} {where!r}")
    assert not wrong, "\n".join(wrong)
    # and the code still finishes the sign-in afterwards: the walk did not end the state
    assert client.get("/login/code").status_code == 200


def test_one_burst_cap_bounds_passwords_and_codes_tried_on_an_account(app, world, monkeypatch):
    app.config["RATELIMIT_ENABLED"] = True
    from portal.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", True)
    app.config["LOGIN_RATE_LIMIT"] = "100 per 15 minutes"
    app.config["LOGIN_BURST_LIMIT"] = "4 per 15 minutes"
    turn_on_two_factor(app, world.supervisor_a)
    client = _halfway(app, world.supervisor_a.email)  # the first attempt
    token = csrf_token(text(client.get("/login/code")))
    statuses = [
        client.post("/login/code", data={"code": "000000", "csrf_token": token}).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    # the cap is the account's: a password from another browser is held too
    other = app.test_client()
    data = {
        "email": world.supervisor_a.email,
        "password": PASSWORD,
        "csrf_token": csrf_token(text(other.get("/login"))),
    }
    assert other.post("/login", data=data).status_code == 429
