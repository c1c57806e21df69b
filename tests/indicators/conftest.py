"""Fixtures of the indicator tests: the hand-counted small data set, and a request context."""

from __future__ import annotations

import pytest

from tests.indicators.small_world import Small, build


@pytest.fixture
def small(app, world) -> Small:
    """tests/indicators/small_world.py's reports, actions and hours, in the database."""
    with app.app_context():
        return build(world)


@pytest.fixture
def ctx(app):
    """A request context: labels and formatting go through Flask-Babel."""
    with app.test_request_context():
        yield
