"""The monthly review for the management meeting (being written)."""

from __future__ import annotations

from flask_login import login_required

from portal.insights import bp


@bp.get("/review", endpoint="review")
@login_required
def review() -> str:
    """The monthly review (being written)."""
    return "review"
