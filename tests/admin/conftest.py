"""Admin test helpers: the ids behind the world's codes, and posting forms with a CSRF token."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import Location
from tests import factories


@dataclass(frozen=True)
class Ids:
    """Database ids of the world's sites and locations, by site letter."""

    site: dict[str, int]
    location: dict[str, int]


@pytest.fixture
def ids(app: Flask, world: factories.World) -> Ids:
    with app.app_context():
        by_code = dict(db.session.execute(select(Location.code, Location.id)).all())
    return Ids(
        site={"a": world.site_a, "b": world.site_b},
        location={"a": by_code[world.location_a], "b": by_code[world.location_b]},
    )


def post(client: FlaskClient, url: str, data: dict[str, object] | None = None):
    """POST a form the way a browser does: with the session's CSRF token."""
    page = client.get("/login", follow_redirects=True).get_data(as_text=True)
    return client.post(url, data={**(data or {}), "csrf_token": factories.csrf_token(page)})


@pytest.fixture
def as_admin(login: factories.LoginActions, world: factories.World) -> FlaskClient:
    """The test client, signed in as the admin."""
    response = login.as_(world.admin)
    assert response.status_code == 303
    return login.client
