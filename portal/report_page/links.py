"""Links to pages other surfaces provide, which may not exist (yet) in this build."""

from __future__ import annotations

from flask import url_for
from werkzeug.routing import BuildError


def optional_url(endpoint: str, **values: object) -> str | None:
    """The URL of an endpoint, or None while no blueprint provides it."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None
