"""Admin test helpers: the ids behind the world's codes, and posting forms with a CSRF token."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests import factories

post = factories.post_form


@pytest.fixture
def as_admin(login: factories.LoginActions, world: factories.World) -> FlaskClient:
    """The test client, signed in as the admin."""
    response = login.as_(world.admin)
    assert response.status_code == 303
    return login.client
