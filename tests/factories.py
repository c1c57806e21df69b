"""Test data: sites, locations, personas, and helpers to sign in and submit reports."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask.testing import FlaskClient

from portal.domain import accounts
from portal.extensions import db
from portal.models import Location, Site

PASSWORD = "a-long-test-password"


@dataclass(frozen=True)
class Persona:
    id: int
    email: str
    role: str


@dataclass(frozen=True)
class World:
    """Site A ("alpha") and site B ("bravo"), one location each, and the personas:
    admin (all sites), safety manager of A, supervisor of A, supervisor of B, viewer of A."""

    site_a: int
    site_b: int
    location_a: str  # codes
    location_b: str
    admin: Persona
    safety: Persona
    supervisor_a: Persona
    supervisor_b: Persona
    viewer_a: Persona


def make_site(name: str, slug: str, timezone: str = "Europe/Madrid") -> Site:
    site = Site(name=name, slug=slug, timezone=timezone)
    db.session.add(site)
    db.session.flush()
    return site


def make_location(site: Site, name: str, active: bool = True) -> Location:
    location = Location(site=site, name=name, active=active)
    db.session.add(location)
    db.session.flush()
    return location


def make_user(email: str, role: str, sites: tuple[str, ...] = ()) -> Persona:
    user = accounts.create_user(
        email=email, name=email.split("@")[0], role=role, password=PASSWORD, site_slugs=sites
    )
    return Persona(id=user.id, email=user.email, role=user.role)


def build_world() -> World:
    site_a = make_site("Alpha Plant", "alpha")
    site_b = make_site("Bravo Warehouse", "bravo", "America/Chicago")
    location_a = make_location(site_a, "Dock 1")
    location_b = make_location(site_b, "Aisle 9")
    world = World(
        site_a=site_a.id,
        site_b=site_b.id,
        location_a=location_a.code,
        location_b=location_b.code,
        admin=make_user("admin@test.example", "admin"),
        safety=make_user("safety@test.example", "safety_manager", ("alpha",)),
        supervisor_a=make_user("sup.a@test.example", "supervisor", ("alpha",)),
        supervisor_b=make_user("sup.b@test.example", "supervisor", ("bravo",)),
        viewer_a=make_user("viewer.a@test.example", "viewer", ("alpha",)),
    )
    db.session.commit()
    return world


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


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def form_token(html: str) -> str:
    """The one-time submission token of a rendered report form."""
    match = re.search(r'name="token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="token" name="token" type="hidden" value="([^"]+)"', html
    )
    assert match, "no submission token in the form"
    return match.group(1)


def report_answers(token: str, **overrides: object) -> dict[str, object]:
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


@dataclass(frozen=True)
class Ids:
    """Database ids of the world's sites and locations, by site letter ("a", "b")."""

    site: dict[str, int]
    location: dict[str, int]


def session_csrf(client: FlaskClient) -> str:
    """The session's CSRF token, read from a staff page."""
    return csrf_token(client.get("/login", follow_redirects=True).get_data(as_text=True))


def post_form(client: FlaskClient, url: str, data: dict[str, object] | None = None, **kwargs):
    """POST a form the way a browser does: with the session's CSRF token."""
    return client.post(url, data={**(data or {}), "csrf_token": session_csrf(client)}, **kwargs)
