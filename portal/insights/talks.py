"""Repeat themes: one theme's page and its toolbox-talk sheet (being written)."""

from __future__ import annotations

from flask_login import login_required

from portal.insights import bp


@bp.get("/themes", endpoint="theme")
@login_required
def theme() -> str:
    """One repeat theme (being written)."""
    return "theme"


@bp.get("/themes/talk", endpoint="talk")
@login_required
def talk() -> str:
    """A toolbox-talk sheet (being written)."""
    return "talk"
