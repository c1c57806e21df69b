"""Fixtures of the feed tests: a named reporter's report taken to Closed (with an "after"
photo on disk), not yet published."""

from __future__ import annotations

import pytest
from flask import Flask

from tests import factories


@pytest.fixture
def closed(app: Flask, world: factories.World) -> factories.Closed:
    return factories.make_closed(app, world, "a")
