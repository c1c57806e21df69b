"""Insights pages: each view reads the scope from the URL, asks portal/indicators, renders."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from portal.indicators import scope as scopes
from portal.insights import bp


@bp.get("", endpoint="leadership")
@login_required
def leadership() -> str:
    """The leadership view: high-potential events, overdue serious actions, repeat themes,
    participation by site and the trend, for the sites the user sees."""
    scope = scopes.scope_for(current_user, request.args)
    return render_template("insights/leadership.html", scope=scope)
