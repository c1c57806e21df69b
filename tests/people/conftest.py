"""Fixtures of the People tests: a request context with the world's accounts at hand."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from portal.extensions import db
from portal.models import Site, User
from tests import factories


class Accounts:
    """The world's users and sites as objects of the current session."""

    def __init__(self, world: factories.World) -> None:
        self.world = world

    def __getattr__(self, persona: str) -> User:
        return db.session.get(User, getattr(self.world, persona).id)

    def site(self, letter: str) -> Site:
        return db.session.get(Site, self.world.site_a if letter == "a" else self.world.site_b)


@pytest.fixture
def people(app: Flask, world: factories.World) -> Iterator[Accounts]:
    """The world's accounts, inside a request context (lazy words, the config)."""
    with app.test_request_context():
        yield Accounts(world)
        db.session.rollback()
