"""Sites, locations, assets, recipients and users: the world of two sites and its personas."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from portal.domain import accounts
from portal.extensions import db
from portal.models import Asset, Location, Site, SiteRecipient

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

    def place(self, site: str) -> str:
        """The code of the location of site "a" or "b"."""
        return {"a": self.location_a, "b": self.location_b}[site]


@dataclass(frozen=True)
class Ids:
    """Database ids of the world's sites and locations, by site letter ("a", "b")."""

    site: dict[str, int]
    location: dict[str, int]


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


def location_at(code: str) -> Location:
    """The location with this poster code (in an app context)."""
    return db.session.scalar(select(Location).where(Location.code == code))


def make_asset(location_id: int, name: str, active: bool = True) -> Asset:
    asset = Asset(location_id=location_id, name=name, active=active)
    db.session.add(asset)
    db.session.flush()
    return asset


def make_recipient(site_id: int, target: str, label: str = "HR", **fields: object) -> SiteRecipient:
    """An extra recipient of a site's news (by default an email address)."""
    recipient = SiteRecipient(site_id=site_id, label=label, target=target, **fields)
    db.session.add(recipient)
    db.session.flush()
    return recipient


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


def world_ids(world: World) -> Ids:
    """The database ids behind the world's sites and location codes (in an app context)."""
    by_code = dict(db.session.execute(select(Location.code, Location.id)).all())
    return Ids(
        site={"a": world.site_a, "b": world.site_b},
        location={"a": by_code[world.location_a], "b": by_code[world.location_b]},
    )


@dataclass(frozen=True)
class TwoFactor:
    """A persona's two-step sign-in: the secret their app holds, and their recovery codes."""

    secret: str
    recovery_codes: list[str]

    def code(self, seconds_from_now: int = 0) -> str:
        """The code the app shows now (or that many seconds from now)."""
        import pyotp

        return pyotp.TOTP(self.secret).at(int(time.time()) + seconds_from_now)


def turn_on_two_factor(app: Flask, persona: Persona) -> TwoFactor:
    """Two-step sign-in on for the persona, confirmed five minutes ago (so every code of now
    is still unused)."""
    from portal.domain import two_factor
    from portal.lib.timeutil import utcnow
    from portal.models import User

    with app.test_request_context():
        user = db.session.get(User, persona.id)
        secret = two_factor.new_secret()
        then = utcnow() - timedelta(minutes=5)
        fresh = two_factor.turn_on(
            user, secret, password=PASSWORD, code=two_factor.code_at(secret, then), now=then
        )
        db.session.commit()
    return TwoFactor(secret, fresh)
