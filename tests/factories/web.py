"""The browser's side of a test client: signing in, CSRF tokens, the worker's form, htmx."""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

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


# each client's last token read from a page, by the session's own (raw) token it signs
_READ: WeakKeyDictionary[FlaskClient, tuple[str, str]] = WeakKeyDictionary()


def session_csrf(client: FlaskClient) -> str:
    """The session's CSRF token, read from a staff page; read again only when the session's
    own token changed (signing in or out starts a new one), as a browser keeps using the
    token of the page it has open."""
    known = _READ.get(client)
    if known is not None and known[0] == _raw_token(client):
        return known[1]
    token = csrf_token(client.get("/login", follow_redirects=True).get_data(as_text=True))
    raw = _raw_token(client)
    if raw is not None:
        _READ[client] = (raw, token)
    return token


def _raw_token(client: FlaskClient) -> str | None:
    """The token Flask-WTF keeps in the session (the form's token is it, signed)."""
    with client.session_transaction() as session:
        return session.get(client.application.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))


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
