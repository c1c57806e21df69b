"""Fixtures of the closeout tests: a report of site A with one open action owned by sup.a."""

from __future__ import annotations

import pytest

from tests.factories import add_action, new_report


@pytest.fixture
def rid(app, world) -> int:
    """A report at site A."""
    return new_report(app, world.location_a)


@pytest.fixture
def aid(app, world, rid) -> int:
    """An open action on that report, added by the safety manager, owned by sup.a."""
    return add_action(app, rid, world.safety, world.supervisor_a)


@pytest.fixture
def sup(client, login, world):
    """The client signed in as the supervisor of site A (the action's owner)."""
    login.as_(world.supervisor_a)
    return client


@pytest.fixture
def safety(client, login, world):
    """The client signed in as the safety manager of site A."""
    login.as_(world.safety)
    return client
