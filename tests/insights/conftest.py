"""The insights pages are tested on the indicators' hand-counted data set."""

from tests.indicators.conftest import ctx, small

__all__ = ["ctx", "small"]
