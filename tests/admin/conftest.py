"""Fixtures of the admin tests: the client signed in as the admin."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests import factories


@pytest.fixture
def as_admin(login: factories.LoginActions, world: factories.World) -> FlaskClient:
    """The test client, signed in as the admin."""
    response = login.as_(world.admin)
    assert response.status_code == 303
    return login.client
