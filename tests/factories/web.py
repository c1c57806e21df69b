"""The browser's side of a test client: signing in, CSRF tokens, the worker's form, htmx."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.factories.people import PASSWORD, Persona

HX = {"HX-Request": "true"}  # the header htmx sends with each of its requests


class LoginActions:
    """Sign a test client in and out as a persona (flaskr's AuthActions)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def as_(self, persona: Persona):
        page = self.client.get("/login")
        token = csrf_token(page.get_data(as_text=True))
        return self.client.post(
            "/login", data={"email": persona.email, "password": PASSWORD, "csrf_token": token}
        )

    def logout(self):
        page = self.client.get("/staff/")
        return self.client.post(
            "/logout", data={"csrf_token": csrf_token(page.get_data(as_text=True))}
        )


def text(response) -> str:
    return response.get_data(as_text=True)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def session_csrf(client: FlaskClient) -> str:
    """The session's CSRF token, read from a staff page."""
    return csrf_token(client.get("/login", follow_redirects=True).get_data(as_text=True))


def post(client: FlaskClient, url: str, data: dict[str, object] | None = None, **kwargs):
    """POST a form the way a browser does: with the session's CSRF token."""
    return client.post(url, data={**(data or {}), "csrf_token": session_csrf(client)}, **kwargs)


def version_in(html: str) -> str:
    """The version a rendered staff form sends back (optimistic locking)."""
    match = re.search(r'name="version" type="hidden" value="(\d+)"', html) or re.search(
        r'id="version" name="version" type="hidden" value="(\d+)"', html
    )
    assert match, "no version field in the page"
    return match.group(1)


def form_token(html: str) -> str:
    """The one-time submission token of a rendered report form."""
    match = re.search(r'name="token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="token" name="token" type="hidden" value="([^"]+)"', html
    )
    assert match, "no submission token in the form"
    return match.group(1)


def report_answers(token: str, **overrides: object) -> dict[str, object]:
    """The worker's answers to the report form, as posted."""
    answers: dict[str, object] = {
        "what_happened": "A forklift reversed without horn and nearly hit a picker.",
        "where": "Dock 1, door 4",
        "potential_outcome": "serious_injury",
        "potential_text": "",
        "token": token,
    }
    answers.update(overrides)
    return answers


RECEIPT_RE = re.compile(r'data-testid="receipt-code">([0-9A-Z-]+)<')


def receipt_in(html: str) -> str:
    match = RECEIPT_RE.search(html)
    assert match, "no receipt code on the page"
    return match.group(1)
