"""Fixtures of the display tests: fixes at site A, closed and published through the real
life cycle."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests import factories


@pytest.fixture
def published(app, world) -> Callable[..., int]:
    """Make a closed report at site A (`fixed`: its public summary) and publish it; its id."""

    def make(
        what: str = "A forklift reversed near a walkway.", fixed: str = factories.SUMMARY
    ) -> int:
        closed = factories.make_closed(app, world, summary=fixed)
        factories.publish(app, world, closed, what)
        return closed.id

    return make
